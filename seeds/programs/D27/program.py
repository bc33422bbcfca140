import asyncio
import requests


async def download_file(url):
    # 发送网络请求,下载文件(遇到网络下载文件IO请求,自动切换到其他任务)
    print("开始下载:", url)

    loop = asyncio.get_event_loop()
    # requests模块默认不支持异步操作,所以使用线程池来配合实现
    future = loop.run_in_executor(None, requests.get, url)

    response = await future
    print("下载完成:", url)

    # 文件保存到本地
    file_name = url.rsplit('/')[-1]
    with open(file_name, 'wb') as f:
        f.write(response.content)


if __name__ == "__main__":
    url_list = [
        "http://127.0.0.1:8080/pages/9",
        "http://127.0.0.1:8080/pages/10",
        "http://127.0.0.1:8080/pages/11"
    ]

    loop = asyncio.get_event_loop()
    tasks = [loop.create_task(download_file(url)) for url in url_list]
    loop.run_until_complete(asyncio.wait(tasks))
