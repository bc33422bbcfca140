//! A process pool's `map`: results in input order, one `Result` per item.

use super::*;

/// The `map` of a process pool: results in input order, one `Result` per item; dropping it cancels the
/// items not handed to a worker yet.
#[must_use = "dropping a map cancels the items not handed to a worker yet"]
pub struct ProcessMap<R: Send + 'static> {
    pub(super) futures: VecDeque<Future<R>>,
    /// `map(timeout=...)`: counted from the call.
    pub(super) deadline: Option<crate::Instant>,
}

impl<R: Send + 'static> ProcessMap<R> {
    /// The same map, giving up (`FutureError::Timeout`, then the end) once `timeout` has passed since now.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.deadline = crate::platform::deadline_after(timeout);
        self
    }
}

impl<R: Clone + Send + 'static> Iterator for ProcessMap<R> {
    type Item = Result<R, FutureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let f = self.futures.pop_front()?;
        let result = match self.deadline {
            None => f.result(),
            Some(d) => f.result_timeout(crate::platform::time_left(d).unwrap_or_default()),
        };
        if matches!(result, Err(FutureError::Timeout)) {
            f.cancel();
            self.futures.iter().for_each(|f| {
                f.cancel();
            });
            self.futures.clear();
        }
        Some(result)
    }
}

impl<R: Send + 'static> Drop for ProcessMap<R> {
    fn drop(&mut self) {
        for f in &self.futures {
            f.cancel();
        }
    }
}

impl<R: Send + 'static> std::fmt::Debug for ProcessMap<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessMap")
            .field("remaining", &self.futures.len())
            .finish_non_exhaustive()
    }
}
