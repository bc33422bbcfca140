"""asyncio.Semaphore caps how many coroutines are inside at once."""
import asyncio

inside = 0
peak = 0


async def limited(sem, n):
    global inside, peak
    async with sem:
        inside += 1
        peak = max(peak, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        return n * 2


async def main():
    sem = asyncio.Semaphore(2)
    results = await asyncio.gather(*(limited(sem, n) for n in range(6)))
    print(results)
    print("peak:", peak)
    lock = asyncio.Lock()
    async with lock:
        print("locked:", lock.locked())
    print("locked:", lock.locked())
    event = asyncio.Event()
    asyncio.get_running_loop().call_later(0.01, event.set)
    await event.wait()
    print("event set:", event.is_set())


asyncio.run(main())
