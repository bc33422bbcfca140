from concurrent.futures import ThreadPoolExecutor, as_completed

import requests

# blog_spider.py, the seed's module, here in the same file (the pages come from futurelab's server).
urls = [
    f"http://127.0.0.1:8080/pages/{page}"
    for page in range(1, 50 + 1)
]


def craw(url):
    r = requests.get(url)
    print(url, len(r.text))


with ThreadPoolExecutor() as pool:
    futures = [pool.submit(craw, url) for url in urls]

    for future in futures:  # 挨个等待每一个按顺序的结束,进行返回和打印
        print(future.result())

    for future in as_completed(futures):  # 不管里面那个任务先执行完了,它就会先进行返回
        print(future.result())
