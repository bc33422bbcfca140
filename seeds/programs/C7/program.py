from concurrent.futures import ThreadPoolExecutor
from threading import currentThread
import time

def task(i):
    print(f'{currentThread().name} 在执行任务 {i}')
    time.sleep(1)
    return i**2

def parse(future):
    # 处理拿到的结果
    print(future.result())
    
if __name__ == '__main__':
    ### ThreadPoolExecutor(异步调用接口)
    pool = ThreadPoolExecutor(3)  # 池子里只有3个线程
    
    ### ProcessPoolExecutor方式2:  
    for i in range(20):
        future = pool.submit(task, i)   # 提交异步任务
        print(future.result())      # 如果加了这一句就变成 同步 串行了,获取每一次任务的执行结果
    pool.shutdown() # 这句话相当于 线程池关闭和线程的join方法
