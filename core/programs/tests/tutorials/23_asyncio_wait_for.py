"""wait_for gives up on a slow coroutine; shield and timeouts in practice."""
import asyncio


async def slow_answer():
    await asyncio.sleep(1)
    return 42


async def quick_answer():
    await asyncio.sleep(0.01)
    return 7


async def main():
    try:
        await asyncio.wait_for(slow_answer(), timeout=0.05)
    except asyncio.TimeoutError:
        print("timed out")
    print("quick:", await asyncio.wait_for(quick_answer(), timeout=1))
    task = asyncio.create_task(slow_answer())
    done, pending = await asyncio.wait({task}, timeout=0.02)
    print("done:", len(done), "pending:", len(pending))
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("cancelled:", task.cancelled())


asyncio.run(main())
