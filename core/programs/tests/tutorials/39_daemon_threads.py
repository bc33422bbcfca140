"""Daemon threads do not keep the program alive; enumerate() lists the living threads."""
import threading
import time

stop = threading.Event()


def heartbeat():
    while not stop.is_set():
        time.sleep(0.005)


d = threading.Thread(target=heartbeat, name="heartbeat", daemon=True)
d.start()
print("daemon:", d.daemon)
print("names:", sorted(t.name for t in threading.enumerate()))
print("active:", threading.active_count())
stop.set()
d.join()
print("alive after stop:", d.is_alive())
w = threading.Thread(target=lambda: None)
print("default daemon:", w.daemon, "name pattern:", w.name.startswith("Thread-"))
