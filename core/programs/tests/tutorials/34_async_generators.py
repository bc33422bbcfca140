"""An async generator feeding async for, and asyncio.as_completed over tasks."""
import asyncio


async def ticker(count, delay):
    for i in range(count):
        await asyncio.sleep(delay)
        yield i


async def job(n):
    await asyncio.sleep(0.01 * n)
    return n


async def main():
    async for tick in ticker(3, 0.005):
        print("tick", tick)
    squares = [t async for t in ticker(4, 0)]
    print(squares)
    finished = []
    for next_done in asyncio.as_completed([job(3), job(1), job(2)]):
        finished.append(await next_done)
    print("as completed:", finished)


asyncio.run(main())
