import threading
import time

import requests

# blog_spider.py, the seed's module, here in the same file. The pages come from futurelab's own
# server (the seed crawled www.cnblogs.com/#p1 … #p50).
urls = [
    f"http://127.0.0.1:8080/pages/{page}"
    for page in range(1, 50 + 1)
]


def craw(url):
    r = requests.get(url)
    print(url, len(r.text))


# multi_thread_cray.py
class BenchmarkThread:
    def __enter__(self):
        self.start = time.time()

    def __exit__(self, *args):
        self.end = time.time()
        print(f"consume: {self.end - self.start}")


def single_threaded_crawler():
    print("start single thread crawling...")
    for url in urls:
        craw(url)
    print("end single thread crawling...")


def multi_threaded_crawler():
    print("start multi thread crawling...")
    threads = []
    for url in urls:
        threads.append(
            threading.Thread(target=craw, args=(url, ))
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("end multi thread crawling...")


if __name__ == '__main__':
    with BenchmarkThread():
        single_threaded_crawler()

    with BenchmarkThread():
        multi_threaded_crawler()
