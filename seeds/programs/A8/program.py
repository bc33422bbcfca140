import collections
import os
from collections import namedtuple
from concurrent import futures
from enum import Enum

import requests
import tqdm

# What the seed leaves to its flags2_common module: the result type, the statuses, the flags' home
# (futurelab's own flag server; the seed used flupy.org) and where to save them.
Result = namedtuple('Result', 'status cc')
HTTPStatus = Enum('Status', 'ok not_found error')
BASE_URL = 'http://127.0.0.1:8080/flags'
DEST_DIR = 'downloads/'
# Twenty codes the flag server knows, and one it does not (a 404).
CC_LIST = ('CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR ZZ').split()


def sava_flag(img, filename):
    path = os.path.join(DEST_DIR, filename)
    with open(path, 'wb') as fp:
        fp.write(img)


def get_flag(base_url, cc):
    url = '{}/{cc}/{cc}.gif'.format(base_url, cc=cc.lower())
    resp = requests.get(url)
    if resp.status_code != 200:
        resp.raise_for_status()  # 如果狀態(tài)碼不是200,產(chǎn)生一個(gè)HttpError的異常
    return resp.content


def download_one(cc, base_url, verbose=False):
    try:
        image = get_flag(base_url, cc)
    except requests.exceptions.HTTPError as exc:
        res = exc.response
        if res.status_code == 404:
            status = HTTPStatus.not_found
            msg = 'not found'
        else:  # 如果不是404異常,向上冒泡,傳給調(diào)用方
            raise
    else:
        sava_flag(image, cc.lower() + '.gif')
        status = HTTPStatus.ok
        msg = 'ok'
    if verbose:
        print(cc, msg)
    return Result(status, cc)


default_concur_req = 30  # 默認(rèn)的線程池大小
max_concur_req = 1000  # 最大并發(fā)請求數(shù),這是一個(gè)安全措施


def download_many(cc_list, base_url, verbose, concur_req):
    counter = collections.Counter()
    with futures.ThreadPoolExecutor(max_workers=concur_req) as executor:
        to_do_map = {}
        for cc in sorted(cc_list):
            future = executor.submit(download_one, cc, base_url, verbose)  # submit排定一個(gè)可調(diào)用對象的執(zhí)行時(shí)間,返回一個(gè)Future實(shí)例
            to_do_map[future] = cc  # 把各個(gè)Future實(shí)例映射到國家代碼上,在錯(cuò)誤處理時(shí)使用
        done_iter = futures.as_completed(to_do_map)  # 返回一個(gè)迭代器,在future運(yùn)行結(jié)束后產(chǎn)出future
        if not verbose:
            done_iter = tqdm.tqdm(done_iter, total=len(cc_list))  # 如果不是詳細(xì)模式,就顯示進(jìn)度條
        for future in done_iter:
            try:
                res = future.result()
            except requests.exceptions.HTTPError as exc:
                error_msg = 'HTTP {res.status_code} - {res.reason}'
                error_msg = error_msg.format(res=exc.response)
            except requests.exceptions.ConnectionError as exc:
                error_msg = "Connection error"
            else:
                error_msg = ""
                status = res.status
            if error_msg:
                status = HTTPStatus.error
            counter[status] += 1
            if verbose and error_msg:
                cc = to_do_map[future]
                print('*** Error for {}:{}'.format(cc, error_msg))
    return counter


if __name__ == '__main__':
    concur_req = min(default_concur_req, max_concur_req, len(CC_LIST))
    print(download_many(CC_LIST, BASE_URL, True, concur_req))
