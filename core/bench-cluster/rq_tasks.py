"""The task RQ's workers run in the cluster figures: the same trivial call as futurelab's built-in `add`."""


def add(a, b):
    return a + b
