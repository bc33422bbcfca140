"""TaskGroup (Python 3.11): every task finishes before the block ends; a failure cancels the rest."""
import asyncio


async def fetch(n):
    await asyncio.sleep(0.01 * n)
    return n * n


async def broken():
    await asyncio.sleep(0.01)
    raise RuntimeError("sensor offline")


async def main():
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(fetch(n)) for n in range(1, 4)]
    print([t.result() for t in tasks])

    try:
        async with asyncio.TaskGroup() as tg:
            slow = tg.create_task(asyncio.sleep(1))
            tg.create_task(broken())
    except* RuntimeError as group:
        print("caught:", [str(e) for e in group.exceptions])
    print("slow cancelled:", slow.cancelled())


asyncio.run(main())
