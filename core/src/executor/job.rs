//! A queued task, type-erased so one queue holds tasks of any result type.

use crate::{Future, FutureError};

pub(crate) trait Job: Send {
    /// Run the task on this worker (skipped if its future was cancelled meanwhile); `before_finish` is
    /// called once the task returned, before its result is published.
    /// Run it; `idle` follows the worker's idle count ([`Future::run`](crate::Future)).
    fn run(self: Box<Self>, idle: &dyn Fn(bool));
    /// Cancel its future (`shutdown(cancel_futures=true)`).
    fn cancel(self: Box<Self>);
    /// Fail its future without running it (the executor broke).
    fn fail(self: Box<Self>, error: FutureError);
    /// A way to fail its future later, from a panic hook, where panics abort (the browser).
    fn crash_handle(&self) -> Box<dyn FnOnce(FutureError) + Send>;
}

pub(crate) struct Task<T, F> {
    pub(crate) future: Future<T>,
    pub(crate) work: F,
}

impl<T: Send + 'static, F: FnOnce() -> T + Send> Job for Task<T, F> {
    fn run(self: Box<Self>, idle: &dyn Fn(bool)) {
        self.future.run(self.work, idle);
    }

    fn cancel(self: Box<Self>) {
        self.future.cancel();
    }

    fn fail(self: Box<Self>, error: FutureError) {
        // Refused only if it is already done, and then there is nothing to fail.
        let _ = self.future.finish(Err(error));
    }

    fn crash_handle(&self) -> Box<dyn FnOnce(FutureError) + Send> {
        let future = self.future.clone();
        Box::new(move |error| {
            let _ = future.finish(Err(error));
        })
    }
}
