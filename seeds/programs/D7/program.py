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
    results = pool.map(craw, urls)  # 提前把urls都准备好,进行全部的执行
    for result in results:
        print(result)
