"""A Semaphore lets at most three workers into the "connection pool" at once."""
import threading
import time

pool = threading.Semaphore(3)
stats_lock = threading.Lock()
inside = 0
most_inside = 0
served = []


def use_connection(n):
    global inside, most_inside
    with pool:
        with stats_lock:
            inside += 1
            most_inside = max(most_inside, inside)
        time.sleep(0.02)
        with stats_lock:
            inside -= 1
            served.append(n)


threads = [threading.Thread(target=use_connection, args=(n,)) for n in range(9)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("served:", sorted(served))
print("never more than 3 inside:", most_inside <= 3)
b = threading.BoundedSemaphore(1)
b.acquire()
b.release()
try:
    b.release()
except ValueError as e:
    print("ValueError:", e)
