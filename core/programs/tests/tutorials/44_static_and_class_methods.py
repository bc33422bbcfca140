"""A worker registry using classmethod and staticmethod, iterated with reversed and enumerate."""
import threading


class Registry:
    _workers = []

    @classmethod
    def register(cls, name):
        cls._workers.append(name)
        return len(cls._workers)

    @staticmethod
    def describe(name):
        return f"<{name}>"


threads = []
for name in ["alpha", "beta", "gamma"]:
    t = threading.Thread(target=Registry.register, args=(name,))
    t.start()
    t.join()
for i, name in enumerate(reversed(Registry._workers)):
    print(i, Registry.describe(name))
