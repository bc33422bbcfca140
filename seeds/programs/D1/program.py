import threading


# The seed shows the steps only: my_func calls do_craw, which it does not define; here do_craw prints
# what it was given.
def do_craw(a, b):
    print(threading.current_thread().name, "do_craw", a, b)


def my_func(a, b):
    do_craw(a, b)


# target 传入一个函数
# args传的是一个元组
t = threading.Thread(target=my_func, args=(100, 200,))

t.start()

t.join()
