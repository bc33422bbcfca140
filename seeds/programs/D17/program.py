import aiohttp
import asyncio


async def fetch(session, url):
    print("发送请求: ", url)
    async with session.get(url, verify_ssl=False) as response:
        content = await response.content.read()
        file_name = url.rsplit('/')[-1]
        with open(file_name, 'wb') as f:
            f.write(content)
        print("下载完成: ", url)


async def main():
    async with aiohttp.ClientSession() as session:
        url_list = [
            'http://127.0.0.1:8080/pages/9',
            'http://127.0.0.1:8080/pages/12',
            'http://127.0.0.1:8080/pages/13'
        ]
        tasks = [asyncio.create_task(fetch(session, url)) for url in url_list]
        await asyncio.wait(tasks)

if __name__ == '__main__':
    asyncio.run(main())
