from concurrent.futures import ThreadPoolExecutor

import requests

# blog_spider.py, as the seed modifies it (craw returns the page, parse finds its posts; the seed does
# not show parse, so this one reads the post links with plain string methods).
urls = [
    f"http://127.0.0.1:8080/pages/{page}"
    for page in range(1, 50 + 1)
]


def craw(url):
    r = requests.get(url)
    return r.text


def parse(html):
    results = []
    for piece in html.split('class="post-item-title" href="')[1:]:
        href = piece.split('"')[0]
        title = piece.split('>')[1].split('<')[0]
        results.append((href, title))
    return results


# thread_pool.py
with ThreadPoolExecutor() as pool:
    htmls = pool.map(craw, urls)
    htmls = list(zip(urls, htmls))
    for url, html in htmls:
        print(url, len(html))

print("craw over")

with ThreadPoolExecutor() as pool:
    futures = {}
    for url, html in htmls:
        future = pool.submit(parse, html)
        futures[future] = url

    for future, url in futures.items():
        print(url, future.result())
