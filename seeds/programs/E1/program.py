#!/usr/bin/env python3.6

from concurrent.futures import ThreadPoolExecutor
import requests
import os

DEST_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "download")

BASE_URL = "http://127.0.0.1:8080/flags"

CC_LIST = ("CN", "US", "JP", "EG")

if not os.path.exists(DEST_DIR):
    os.mkdir(DEST_DIR)


def get_img(cc):
    url = "{}/{cc}/{cc}.gif".format(BASE_URL, cc=cc.lower())
    response = requests.get(url)
    return response.content


def save_img(img, filename):
    path = os.path.join(DEST_DIR, filename)
    with open(path, 'wb') as f:
        f.write(img)


def download_one(cc):
    img = get_img(cc)
    save_img(img, cc.lower() + ".gif")
    return cc


def download_many(cc_list):
    works = len(cc_list)
    with ThreadPoolExecutor(works) as exector:  # 使用with来管理ThreadPoolExecutor
        # map方法和内置的map方法类似,不过exector的map方法会并发调用,返回一个由返回的值构成的生成器
        response = exector.map(download_one, cc_list)
        return len(list(response))


if __name__ == "__main__":
    download_many(CC_LIST)
