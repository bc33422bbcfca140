import asyncio


async def func():
    print("1")


result = func()

# loop = asyncio.get_event_loop()
# loop.run_until_complete(result) # 将函数添加到任务列表中

asyncio.run(result)  # python 3.7及以后,代替上面两步
