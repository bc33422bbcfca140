import asyncio


async def func():
    print("1")
    response = await asyncio.sleep(2)  # IO等待
    print("结束", response)


asyncio.run(func())
