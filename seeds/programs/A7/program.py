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


def download_many(cc_list, base_url, verbose, max_req):
    """實(shí)現(xiàn)依序下載"""
    counter = collections.Counter()  # 統(tǒng)計(jì)不同的下載狀態(tài):HTTPStatus.ok、HTTPStatus.not_found、HTTPStatus.error
    cc_iter = sorted(cc_list)
    if not verbose:
        cc_iter = tqdm.tqdm(cc_iter)  # 如果不需要詳細(xì)模式,就使用進(jìn)度條展示
    for cc in cc_iter:
        try:
            res = download_one(cc, base_url, verbose)
        except requests.exceptions.HTTPError as exc:
            error_msg = "HTTP error {res.status_code} - {res.reason}"
            error_msg = error_msg.format(res=exc.response)
        except requests.exceptions.ConnectionError as exc:
            error_msg = 'Connection error'
        else:
            error_msg = ''
            status = res.status
        if error_msg:
            status = HTTPStatus.error
        counter[status] += 1
        if verbose and error_msg:
            print('*** Error for {}:{}'.format(cc, error_msg))
    return counter


if __name__ == '__main__':
    print(download_many(CC_LIST, BASE_URL, True, 1))
