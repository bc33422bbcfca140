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


if __name__ == '__main__':
    for cc in ['CN', 'ZZ', 'JP']:
        print(download_one(cc, BASE_URL, verbose=True))
