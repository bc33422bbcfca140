# asyncio: 10,000 tasks on one event loop, each yielding to the loop a few times, then gather.
import asyncio


async def worker(i):
    total = 0
    for k in range(8):
        await asyncio.sleep(0)
        total += (i * k) % 11
    return total


async def main():
    tasks = [asyncio.create_task(worker(i)) for i in range(10000)]
    results = await asyncio.gather(*tasks)
    print(len(results), sum(results))


asyncio.run(main())
