import time
from concurrent import futures


def display(*args):
    """把參數(shù)打印前,加上時間顯示"""
    print(time.strftime('[%H:%M:%S]'), end=" ")
    print(*args)


def loiter(n):
    """開始時顯示一個消息,然后休眠n秒,最后再結(jié)束的時候在顯示一個消息 消息使用制表符縮進(jìn),縮進(jìn)量由n值確定 loiter:徘徊,閑著,閑蕩 """
    msg = '{}loiter({}):doing nothing for {}s'
    display(msg.format('\t' * n, n, n))
    time.sleep(n)
    msg = '{}loiter({}):done'
    display(msg.format('\t' * n, n))
    return n * 10  # 隨意返回一個結(jié)果


def main():
    display('Script starting.')  # 腳本開始
    executor = futures.ThreadPoolExecutor(max_workers=3)
    results = executor.map(loiter, range(5))  # 把5個任務(wù)交個3個線程
    display('results :', results)  # 打印調(diào)用executor.map的結(jié)果,是一個生成器
    display('waiting for individual results:')  # 等待個體結(jié)果
    for i, result in enumerate(results):
        display('result {}: {}'.format(i, result))


if __name__ == '__main__':
    main()
