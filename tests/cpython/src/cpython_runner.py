"""Runs a seed program under CPython the way futurelab's differential test compares it.

Usage: python3 cpython_runner.py PROGRAM.py TIME_SCALE   (FUTURELAB_SERVER: where http://127.0.0.1:8080 goes)

- time.sleep lasts TIME_SCALE times as long, and time.time / time.perf_counter run 1/TIME_SCALE as fast,
  exactly as futurelab's engine does with the same scale (printed durations read as at full speed);
- requests, urllib and aiohttp send what the presets address to http://127.0.0.1:8080 to FUTURELAB_SERVER;
- each print call writes its whole text at once (futurelab's console does; CPython may otherwise tear a
  line between a print's pieces when threads print at the same time).
Nothing else about the program changes: it runs as __main__ with the real threading and concurrent.futures.
"""
import builtins
import os
import runpy
import sys
import threading
import time

path, scale = sys.argv[1], float(sys.argv[2])

_real_sleep, _real_time, _real_perf = time.sleep, time.time, time.perf_counter
_start_perf, _start_epoch = _real_perf(), _real_time()


def _sleep(seconds):
    _real_sleep(seconds * scale)


def _perf_counter():
    return (_real_perf() - _start_perf) / scale


def _time():
    return _start_epoch + _perf_counter()


time.sleep, time.time, time.perf_counter = _sleep, _time, _perf_counter

_print, _lock = builtins.print, threading.Lock()


def _whole_print(*args, sep=' ', end='\n', file=None, flush=False):
    if file is not None and file is not sys.stdout:
        return _print(*args, sep=sep, end=end, file=file, flush=flush)
    text = (' ' if sep is None else sep).join(map(str, args)) + ('\n' if end is None else end)
    with _lock:
        sys.stdout.write(text)
        sys.stdout.flush()


builtins.print = _whole_print

_server = os.environ.get('FUTURELAB_SERVER')
if _server:
    # The presets fetch from futurelab's default address; send that to the server of this run.
    import requests.sessions

    _request = requests.sessions.Session.request

    def _to_server(self, method, url, *args, **kwargs):
        if isinstance(url, str) and url.startswith('http://127.0.0.1:8080'):
            url = _server + url[len('http://127.0.0.1:8080'):]
        return _request(self, method, url, *args, **kwargs)

    requests.sessions.Session.request = _to_server

    import urllib.request

    _urlopen = urllib.request.urlopen

    def _urlopen_to_server(url, *args, **kwargs):
        if isinstance(url, urllib.request.Request) and url.full_url.startswith('http://127.0.0.1:8080'):
            url.full_url = _server + url.full_url[len('http://127.0.0.1:8080'):]
        elif isinstance(url, str) and url.startswith('http://127.0.0.1:8080'):
            url = _server + url[len('http://127.0.0.1:8080'):]
        return _urlopen(url, *args, **kwargs)

    urllib.request.urlopen = _urlopen_to_server

    try:
        import aiohttp
    except ImportError:
        aiohttp = None
    if aiohttp is not None:
        _aio_request = aiohttp.ClientSession._request

        def _aio_to_server(self, method, str_or_url, *args, **kwargs):
            url = str(str_or_url)
            if url.startswith('http://127.0.0.1:8080'):
                str_or_url = _server + url[len('http://127.0.0.1:8080'):]
            return _aio_request(self, method, str_or_url, *args, **kwargs)

        aiohttp.ClientSession._request = _aio_to_server

sys.argv = [path]
runpy.run_path(path, run_name='__main__')
