"""An asyncio.Queue between one producer and two consumers, finished with join() and cancel()."""
import asyncio


async def producer(queue, n):
    for i in range(n):
        await queue.put(i)


async def consumer(name, queue, totals):
    while True:
        item = await queue.get()
        totals[name] = totals.get(name, 0) + item
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=3)
    totals = {}
    consumers = [asyncio.create_task(consumer(f"c{i}", queue, totals)) for i in range(2)]
    await producer(queue, 10)
    await queue.join()
    for c in consumers:
        c.cancel()
    results = await asyncio.gather(*consumers, return_exceptions=True)
    print("cancelled:", [type(r).__name__ for r in results])
    print("total:", sum(totals.values()))


asyncio.run(main())
