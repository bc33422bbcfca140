from multiprocessing import current_process, Pool
import time


def task(i):
    print(f'进程 {current_process().name} 在执行任务 {i}')
    time.sleep(1)
    return i**2,current_process().name

p = Pool(3)

for i in range(20):
    res = p.apply_async(task, args=(i,), callback=lambda res: print(res))    # 异步处理并设置了

p.close()   # 先关闭进程池
p.join()    # 在等待进程结果
