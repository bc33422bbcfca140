"""Tasks start running as soon as the loop gets control; the shorter sleep finishes first."""
import asyncio

order = []


async def say_after(delay, what):
    await asyncio.sleep(delay)
    order.append(what)
    print(what)


async def main():
    task1 = asyncio.create_task(say_after(0.05, "world"), name="slow")
    task2 = asyncio.create_task(say_after(0.01, "hello"), name="fast")
    print("tasks created:", task1.get_name(), task2.get_name())
    await task1
    await task2
    print(order, task1.done(), task2.result())


asyncio.run(main())
