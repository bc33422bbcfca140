"""A context manager made with contextlib, guarding a section and reporting how it went."""
import contextlib
import threading

events = []


@contextlib.contextmanager
def section(name, lock):
    with lock:
        events.append(f"enter {name}")
        try:
            yield name.upper()
        finally:
            events.append(f"exit {name}")


lock = threading.Lock()
with section("setup", lock) as label:
    events.append(f"inside {label}")
try:
    with section("broken", lock):
        raise RuntimeError("oops")
except RuntimeError as e:
    events.append(f"caught {e}")
print("\n".join(events))
