//! `contextlib`, written in Python (see [`crate::vm::pylib`]): `contextmanager` over a generator (the
//! exception of the `with` body thrown into it, `StopIteration` and `RuntimeError` as CPython's
//! `_GeneratorContextManager` treats them), `suppress`, `closing`, `nullcontext`
//! and `ExitStack` (`enter_context`, `push`, `callback`, `pop_all`, `close`).

use crate::object::Ctx;
use crate::object::Value;

/// `contextlib.name`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    crate::vm::pylib::attr(ctx, "contextlib", "contextlib", SOURCE, name)
}

const SOURCE: &str = r#"
class contextlib:
    def build():
        class _GeneratorContextManager:
            __module__ = "contextlib"

            def __init__(self, func, args, kwds):
                self.gen = func(*args, **kwds)
                self.func, self.args, self.kwds = func, args, kwds

            def __call__(self, func):
                def inner(*args, **kwds):
                    with _GeneratorContextManager(self.func, self.args, self.kwds):
                        return func(*args, **kwds)
                return inner

            def __enter__(self):
                try:
                    return next(self.gen)
                except StopIteration:
                    raise RuntimeError("generator didn't yield") from None

            def __exit__(self, typ, value, traceback):
                if typ is None:
                    try:
                        next(self.gen)
                    except StopIteration:
                        return False
                    else:
                        raise RuntimeError("generator didn't stop")
                if value is None:
                    value = typ()
                try:
                    self.gen.throw(value)
                except StopIteration as exc:
                    return exc is not value
                except RuntimeError as exc:
                    if exc is value:
                        return False
                    if isinstance(value, StopIteration) and getattr(exc, "__cause__", None) is value:
                        return False
                    raise
                except BaseException as exc:
                    if exc is not value:
                        raise
                    return False
                raise RuntimeError("generator didn't stop after throw()")

        def contextmanager(func):
            def helper(*args, **kwds):
                return _GeneratorContextManager(func, args, kwds)
            for attr in ("__name__", "__qualname__", "__doc__"):
                try:
                    setattr(helper, attr, getattr(func, attr))
                except AttributeError:
                    pass
            helper.__wrapped__ = func
            return helper

        class suppress:
            __module__ = "contextlib"

            def __init__(self, *exceptions):
                self._exceptions = exceptions

            def __enter__(self):
                pass

            def __exit__(self, exctype, excinst, exctb):
                if exctype is None:
                    return False
                return isinstance(excinst, self._exceptions)

        class closing:
            __module__ = "contextlib"

            def __init__(self, thing):
                self.thing = thing

            def __enter__(self):
                return self.thing

            def __exit__(self, *exc_info):
                self.thing.close()

        class nullcontext:
            __module__ = "contextlib"

            def __init__(self, enter_result=None):
                self.enter_result = enter_result

            def __enter__(self):
                return self.enter_result

            def __exit__(self, *excinfo):
                pass

        class ExitStack:
            __module__ = "contextlib"

            def __init__(self):
                self._exit_callbacks = []

            def pop_all(self):
                new_stack = ExitStack()
                new_stack._exit_callbacks = self._exit_callbacks
                self._exit_callbacks = []
                return new_stack

            def push(self, exit):
                try:
                    exit_method = exit.__exit__
                except AttributeError:
                    self._exit_callbacks.append(exit)
                else:
                    self._exit_callbacks.append(exit_method)
                return exit

            def enter_context(self, cm):
                cls = type(cm)
                try:
                    enter = cm.__enter__
                    exit = cm.__exit__
                except AttributeError:
                    raise TypeError(
                        f"'{getattr(cls, '__module__', 'builtins')}.{cls.__name__}' object does not support "
                        "the context manager protocol"
                    ) from None
                result = enter()
                self._exit_callbacks.append(exit)
                return result

            def callback(self, callback, *args, **kwds):
                def exit_wrapper(exc_type, exc, tb):
                    callback(*args, **kwds)
                exit_wrapper.__wrapped__ = callback
                self._exit_callbacks.append(exit_wrapper)
                return callback

            def close(self):
                self.__exit__(None, None, None)

            def __enter__(self):
                return self

            def __exit__(self, *exc_details):
                received_exc = exc_details[0] is not None
                suppressed_exc = False
                pending_raise = False
                pending = None
                while self._exit_callbacks:
                    cb = self._exit_callbacks.pop()
                    try:
                        if cb(*exc_details):
                            suppressed_exc = True
                            pending_raise = False
                            exc_details = (None, None, None)
                    except BaseException as new_exc:
                        exc_details = (type(new_exc), new_exc, None)
                        pending_raise = True
                        pending = new_exc
                if pending_raise:
                    raise pending
                return received_exc and suppressed_exc

        return {
            "contextmanager": contextmanager, "suppress": suppress, "closing": closing,
            "nullcontext": nullcontext, "ExitStack": ExitStack,
        }

    names = build()
"#;
