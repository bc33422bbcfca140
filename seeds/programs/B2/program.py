import concurrent.futures
import time
from multiprocessing import cpu_count


# The seed shows two functions of a larger program: handler submits tasks to a process pool and
# wait_for collects them with as_completed. It leaves out get_task and tasks, calls
# futures.exception() on the set instead of future.exception(), and prints as Python 2 did. The
# missing parts are filled in here, and handler hands its futures to wait_for.
def fetch_report():
    time.sleep(0.2)
    return "report"


def fetch_users():
    time.sleep(0.1)
    return "users"


def fetch_archive():
    time.sleep(0.5)
    return "archive"


tasks = [fetch_report, fetch_users, fetch_archive]


def get_task(tasks):
    return tasks


def handler():
    futures = set()

    with concurrent.futures.ProcessPoolExecutor(max_workers=cpu_count()) as executor:
        for task in get_task(tasks):
            future = executor.submit(task)
            futures.add(future)
        return wait_for(futures)


def wait_for(futures):
    result = None
    try:
        for future in concurrent.futures.as_completed(futures):
            err = future.exception()
            if not err:
                result = future.result()
            else:
                raise err
    except KeyboardInterrupt as e:
        for future in futures:
            future.cancel()
        print("Task has been canceled!")
        print(e)
    return result


if __name__ == '__main__':
    print(handler())
