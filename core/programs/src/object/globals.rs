//! The module's global variables: a slot per name, which stays where it is for the whole run.
//!
//! A name's slot is made the first time the name is looked up or assigned, and is never removed (a
//! `del` empties it), so compiled code keeps the slot of each global it names after its first use
//! ([`Globals::slot`]) and reads or writes it without hashing the name again, as CPython's global
//! caches do. The map from names to slots is locked only to find or make a slot.

use crate::object::{lock, Value};
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One global variable: its value, or `None` when it is not bound (never assigned, or deleted).
///
/// Read and written at every use of a global by compiled code, so it is not a `Mutex` (whose lock,
/// poison checks and unlock cost about half of a global's load): a flag taken with one atomic
/// exchange guards the value. Under the GIL the flag is never contended; a free-threaded run
/// (`RunOptions::free_threaded`) may find it taken by another thread, for the few instructions of
/// a clone or a swap, and waits.
pub(crate) struct Slot {
    /// Whether a thread reads or writes `value` now (see [`Slot::with`]).
    busy: AtomicBool,
    value: UnsafeCell<Option<Value>>,
}

// SAFETY: `value` is reached only in `Slot::with`, by the one thread that turned `busy` from false
// to true, until it turns it back: a lock, as a `Mutex`'s around its contents. So it is `Sync` when
// what it holds is `Send`, as `Mutex<Option<Value>>` is.
unsafe impl Sync for Slot {}

/// `Slot`'s `Sync` above stands on this: a value may move to another thread.
const _: fn() = || {
    fn send<T: Send>() {}
    send::<Value>();
};

impl Default for Slot {
    fn default() -> Self {
        Slot {
            busy: AtomicBool::new(false),
            value: UnsafeCell::new(None),
        }
    }
}

/// Gives the slot back when dropped (also if what ran under it panicked, so no thread waits forever).
struct Held<'a>(&'a AtomicBool);

impl Drop for Held<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Slot {
    /// Runs `f` on the value, no other thread reaching it meanwhile. `f` must not reach this slot
    /// again (it would wait for itself): the callers only clone, replace or take the value, and drop
    /// an old value after `with` returns (a drop may run other code).
    #[inline]
    fn with<T>(&self, f: impl FnOnce(&mut Option<Value>) -> T) -> T {
        if self
            .busy
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.wait();
        }
        let _held = Held(&self.busy);
        // SAFETY: this thread turned `busy` from false to true (above or in `wait`, with Acquire,
        // which sees the last holder's writes) and turns it back only when `_held` drops (Release),
        // after `f` returns: until then no other thread reaches `value`, and this thread reaches it
        // only through this one reference (`f` does not call `with` again, see above).
        f(unsafe { &mut *self.value.get() })
    }

    /// Waits until this thread turns `busy` from false to true (another held it).
    #[cold]
    fn wait(&self) {
        let mut spins = 0u32;
        while self
            .busy
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }

    #[inline]
    pub(crate) fn get(&self) -> Option<Value> {
        self.with(|v| v.clone())
    }

    #[inline]
    pub(crate) fn set(&self, value: Value) {
        // The old value is dropped after the slot is given back.
        let old = self.with(|v| v.replace(value));
        drop(old);
    }

    /// Unbinds it; whether it was bound.
    pub(crate) fn take(&self) -> bool {
        let old = self.with(Option::take);
        old.is_some()
    }
}

/// A run's global variables.
#[derive(Default)]
pub(crate) struct Globals {
    slots: Mutex<HashMap<Arc<str>, Arc<Slot>, foldhash::fast::RandomState>>,
}

impl Globals {
    /// The slot of `name`, made empty if the name has none yet.
    pub(crate) fn slot(&self, name: &str) -> Arc<Slot> {
        let mut slots = lock(&self.slots);
        if let Some(slot) = slots.get(name) {
            return slot.clone();
        }
        let slot = Arc::new(Slot::default());
        slots.insert(Arc::from(name), slot.clone());
        slot
    }

    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        let slot = lock(&self.slots).get(name).cloned();
        slot.and_then(|s| s.get())
    }

    pub(crate) fn set(&self, name: &str, value: Value) {
        self.slot(name).set(value);
    }

    /// `del name`: whether it was bound.
    pub(crate) fn remove(&self, name: &str) -> bool {
        let slot = lock(&self.slots).get(name).cloned();
        slot.is_some_and(|s| s.take())
    }

    /// Every bound global, in no particular order.
    pub(crate) fn bound(&self) -> Vec<(Arc<str>, Value)> {
        let slots: Vec<(Arc<str>, Arc<Slot>)> = lock(&self.slots)
            .iter()
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect();
        slots
            .into_iter()
            .filter_map(|(k, s)| s.get().map(|v| (k, v)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_stays_the_names_through_del_and_assignment_again() {
        let globals = Globals::default();
        let slot = globals.slot("x");
        assert!(globals.get("x").is_none());
        globals.set("x", Value::Int(1));
        assert!(matches!(slot.get(), Some(Value::Int(1))));
        assert!(globals.remove("x"));
        assert!(!globals.remove("x"));
        assert!(slot.get().is_none());
        slot.set(Value::Int(2));
        assert!(matches!(globals.get("x"), Some(Value::Int(2))));
        assert_eq!(globals.bound().len(), 1);
    }

    /// Threads that read and write one slot at once (as a free-threaded run's do) neither lose nor
    /// duplicate a value: every value's count of owners is right at the end, and every read saw a
    /// whole value that was stored.
    #[test]
    fn a_slot_shared_by_threads_keeps_its_values_whole() {
        let slot = Arc::new(Slot::default());
        let values: Vec<Value> = (0..4).map(|i| Value::str(format!("v{i}"))).collect();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let (slot, values) = (&slot, &values);
                scope.spawn(move || {
                    for i in 0..20_000 {
                        if (i + t) % 3 == 0 {
                            slot.set(values[(i + t) % 4].clone());
                        } else if let Some(Value::Str(ref s)) = slot.get() {
                            assert!(s.starts_with('v') && s.len() == 2);
                        }
                    }
                });
            }
        });
        assert!(slot.take());
        assert!(!slot.take());
        for v in &values {
            let Value::Str(s) = v else { unreachable!() };
            assert_eq!(Arc::strong_count(s), 1);
        }
    }
}
