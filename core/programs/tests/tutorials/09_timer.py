"""Timers run a function later; a cancelled one never runs."""
import threading

fired = []

t1 = threading.Timer(0.02, fired.append, args=["first"])
t2 = threading.Timer(0.05, fired.append, args=["never"])
t1.start()
t2.start()
t2.cancel()
t1.join()
t2.join()
print("fired:", fired)
print("alive:", t1.is_alive(), t2.is_alive())
