"""logging from threads, with the thread's name in each record (to stdout, in order)."""
import logging
import sys
import threading

logging.basicConfig(stream=sys.stdout, level=logging.DEBUG,
                    format="%(levelname)s:%(threadName)s:%(message)s")
log = logging.getLogger("worker")


def work(n):
    log.info("working on %d", n)


for n in range(3):
    t = threading.Thread(target=work, args=(n,), name=f"T{n}")
    t.start()
    t.join()
log.debug("all done")
logging.getLogger().warning("root warning")
log.setLevel(logging.WARNING)
log.info("hidden")
log.error("shown: %s", "error")
