"""Blocking calls moved off the event loop with run_in_executor and asyncio.to_thread."""
import asyncio
import time


def blocking_io(n):
    time.sleep(0.01)
    return f"io {n}"


async def main():
    loop = asyncio.get_running_loop()
    first = await loop.run_in_executor(None, blocking_io, 1)
    second = await asyncio.to_thread(blocking_io, 2)
    both = await asyncio.gather(asyncio.to_thread(blocking_io, 3), loop.run_in_executor(None, blocking_io, 4))
    print(first, second, both)


asyncio.run(main())
