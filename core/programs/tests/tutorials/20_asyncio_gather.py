"""asyncio.gather runs coroutines concurrently and returns results in argument order."""
import asyncio
import time


async def brew(drink, seconds):
    await asyncio.sleep(seconds)
    return f"{drink} ready"


async def main():
    start = time.perf_counter()
    results = await asyncio.gather(brew("tea", 0.03), brew("coffee", 0.01), brew("cocoa", 0.02))
    elapsed = time.perf_counter() - start
    print(results)
    print("took at least the longest sleep:", elapsed >= 0.029)
    outcomes = await asyncio.gather(brew("x", 0), asyncio.sleep(0, result=7), return_exceptions=True)
    print(outcomes)


asyncio.run(main())
