import asyncio


# The seed's skeleton uses `loop` before making it and leaves get_url and urls undefined; here they
# are made first, and get_url waits as a download would.
async def get_url(url):
    await asyncio.sleep(1)
    print(url)


urls = ['/pages/1', '/pages/2', '/pages/3']


# 定义协程
async def myfunc(url):
    await get_url(url)


# 去生成或者获取一个事件循环
loop = asyncio.get_event_loop()
# 创建task列表
tasks = [loop.create_task(myfunc(url)) for url in urls]
# 将任务放到任务列表
loop.run_until_complete(asyncio.wait(tasks))
