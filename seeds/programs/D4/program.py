import queue
import random
import time
import threading

import requests

# blog_spider.py, as the seed modifies it (craw returns the page, parse finds its posts; the seed does
# not show parse, so this one reads the post links with plain string methods). The pages come from
# futurelab's own server (the seed crawled www.cnblogs.com/#p1 … #p50).
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


def fout(file_path, data):
    with open(file_path, 'a+', encoding='utf-8') as f:
        f.write(str(data) + "\n")


# producer
def do_craw(url_queue: queue.Queue, html_queue: queue.Queue):
    while True:
        url = url_queue.get()
        html = craw(url)
        html_queue.put(html)
        print(threading.current_thread().name, f"craw {url}",
              "url_queue.size =", url_queue.qsize())
        time.sleep(random.randint(1, 2))


# consumer
def do_parse(html_queue: queue.Queue, file_path):
    while True:
        html = html_queue.get()
        results = parse(html)
        for result in results:
            fout(file_path, result)
        print(threading.current_thread().name, f"results.size",
              len(results), "html_queue.size =", html_queue.qsize())
        time.sleep(random.randint(1, 2))


if __name__ == '__main__':
    url_queue = queue.Queue()
    html_queue = queue.Queue()
    file_path = './spider_data.txt'
    for url in urls:
        url_queue.put(url)

    # producer thread
    for idx in range(3):
        t = threading.Thread(target=do_craw, args=(url_queue, html_queue),
                             name=f"craw{idx}")
        t.start()

    # consumer thread
    for idx in range(2):
        t = threading.Thread(target=do_parse, args=(html_queue, file_path),
                             name=f"parse{idx}")
        t.start()
