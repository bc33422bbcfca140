"""Seed 000's flag downloader with 404 handling, on a ThreadPoolExecutor, as the seed writes it.

Only what the seed leaves to its `flags2_common` module is filled in here (Result, HTTPStatus, save_flag and a
small main), so the test can point BASE_URL at futurelab's local flag server and DEST_DIR at a temporary folder:

    python3 flags2_threadpool.py BASE_URL DEST_DIR [--verbose] CC [CC ...]

It prints the seed's counter as `ok=N not_found=N error=N` on its last line.
"""

import collections
import os
import sys
from collections import namedtuple
from concurrent import futures
from enum import Enum

import requests
import tqdm

# From the seed's flags2_common.
Result = namedtuple('Result', 'status cc')
HTTPStatus = Enum('Status', 'ok not_found error')
DEST_DIR = 'downloads/'

default_concur_req = 30  # the seed's default thread-pool size
max_concur_req = 1000  # the seed's safety limit


def sava_flag(img, filename):
    path = os.path.join(DEST_DIR, filename)
    with open(path, 'wb') as fp:
        fp.write(img)


# From here on, the seed's code.
def get_flag(base_url, cc):
    url = '{}/{cc}/{cc}.gif'.format(base_url, cc=cc.lower())
    resp = requests.get(url)
    if resp.status_code != 200:
        resp.raise_for_status()
    return resp.content


def download_one(cc, base_url, verbose=False):
    try:
        image = get_flag(base_url, cc)
    except requests.exceptions.HTTPError as exc:
        res = exc.response
        if res.status_code == 404:
            status = HTTPStatus.not_found
            msg = 'not found'
        else:
            raise
    else:
        sava_flag(image, cc.lower() + '.gif')
        status = HTTPStatus.ok
        msg = 'ok'
    if verbose:
        print(cc, msg)
    return Result(status, cc)


def download_many(cc_list, base_url, verbose, concur_req):
    counter = collections.Counter()
    with futures.ThreadPoolExecutor(max_workers=concur_req) as executor:
        to_do_map = {}
        for cc in sorted(cc_list):
            future = executor.submit(download_one, cc, base_url, verbose)
            to_do_map[future] = cc
        done_iter = futures.as_completed(to_do_map)
        if not verbose:
            done_iter = tqdm.tqdm(done_iter, total=len(cc_list))
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


def main(argv):
    global DEST_DIR
    base_url, DEST_DIR = argv[0], argv[1]
    verbose = '--verbose' in argv[2:]
    cc_list = [cc for cc in argv[2:] if cc != '--verbose']
    concur_req = min(default_concur_req, max_concur_req, len(cc_list))
    counter = download_many(cc_list, base_url, verbose, concur_req)
    print('ok={} not_found={} error={}'.format(
        counter[HTTPStatus.ok], counter[HTTPStatus.not_found], counter[HTTPStatus.error]))


if __name__ == '__main__':
    main(sys.argv[1:])
