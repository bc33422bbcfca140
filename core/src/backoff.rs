//! How a worker with nothing to do waits for its next task: it looks again a few times before it
//! sleeps. Both pools use it: the thread pool's workers and the process pool's driver threads.
//!
//! Design note. A program that submits the next task right after a result (`submit(...).result()` in a
//! loop, a `map` consumed as it goes) hands an idle worker its next task within microseconds. A worker
//! that went straight to sleep on its condition variable would cost the submitter a wake-up system
//! call for every task. So an idle spell starts with a bounded spin: half of [`ROUNDS`] with
//! `spin_loop` (a pause; the next task usually arrives during these), then half with `yield_now`
//! (which gives the core to the submitter on a busy machine). Then the worker sleeps, and a submit
//! wakes it. A spinning worker already counts as idle, so `submit` finds it instead of starting
//! another; and the spin never delays a shutdown, because the pools check for it between rounds.

/// Rounds of looking again before sleeping (two under loom: each round multiplies the interleavings).
pub(crate) const ROUNDS: u32 = if cfg!(loom) { 2 } else { 64 };

/// The spin of one idle spell: call [`snooze`](Backoff::snooze) between looks at the queue, until
/// [`is_over`](Backoff::is_over) says it is time to sleep.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    round: u32,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// True once the spell's rounds are spent: the caller should sleep now.
    pub(crate) fn is_over(&self) -> bool {
        self.round >= ROUNDS
    }

    /// Waits a little: a pause in the first half of the spell, a yield of the core in the second.
    pub(crate) fn snooze(&mut self) {
        if self.round < ROUNDS / 2 {
            std::hint::spin_loop();
        } else {
            crate::sync::yield_now();
        }
        self.round += 1;
    }
}
