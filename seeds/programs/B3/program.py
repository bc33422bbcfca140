#!/usr/bin/env python
# -*- coding:utf-8 -*-
# author: Changhua Gong
import time,threading
from urllib.request import Request, urlopen
from urllib.error import URLError
# import urllib2 (Python 2's; the imports above are the Python 3 ones the seed's comments give)
#URL (the seed leaves it empty: here, futurelab's health check)
req = Request('http://127.0.0.1:8080/healthz')
#
rule = {0:500,1:30}
'''
Rule规则:0:50,第一次运行不睡眠即为0,直接并发50次;1:20,第二秒,相当于睡眠1秒,然后并发20次,
如第三秒需并发500次,则rule = {0:50,1:20,1:500}
'''
#Open url
def geturl():
    time_b = time.time()
    try:
        response = urlopen(req)
        print(response.read().decode("utf-8")) # 打印输出内容
    except URLError as e:
        if hasattr(e, 'reason'):
            print('We failed to reach a server.')
            print('Reason: ', e.reason)
        elif hasattr(e, 'code'):
            print('The server couldn\'t fulfill the request.')
            print('Error code: ', e.code)
    time_e = time.time()
    print("Thread %s runned for %ss" % (threading.current_thread().name, (time_e - time_b))) #线程访问时效

if __name__=='__main__':
    for k in rule:
        time.sleep(k)
        for i in range(rule[k]):
            t = threading.Thread(target=geturl)
            t.start()
