import asyncio


async def func():
    print("1")
    await asyncio.sleep(2)
    print("2")
    return "返回值"


async def main():
    print("start")
    # 创建Task对象,将当前执行func函数任务添加到事件循环中
    task_list = [
        asyncio.create_task(func(), name='n1'),
        asyncio.create_task(func(), name='n2')
    ]
    print("end")
    # 当执行某协程遇到IO操作时,会自动化切换执行其他任务
    # 此处的await是等待相对应的协程全都执行完毕并获取结果
    done, pending = await asyncio.wait(task_list, timeout=None)  # timeout 最多等待时间。 如果等待后未完成,pending返回一个未完成的集合
    print(done)  # 返回一个完成的集合


asyncio.run(main())
