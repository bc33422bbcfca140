//! The module's global variables: a slot per name, which stays where it is for the whole run.
//!
//! A name's slot is made the first time the name is looked up or assigned, and is never removed (a
//! `del` empties it), so compiled code keeps the slot of each global it names after its first use
//! ([`Globals::slot`]) and reads or writes it without hashing the name again, as CPython's global
//! caches do. The map from names to slots is locked only to find or make a slot.

use crate::object::{lock, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One global variable: its value, or `None` when it is not bound (never assigned, or deleted).
#[derive(Default)]
pub(crate) struct Slot(Mutex<Option<Value>>);

impl Slot {
    pub(crate) fn get(&self) -> Option<Value> {
        lock(&self.0).clone()
    }

    pub(crate) fn set(&self, value: Value) {
        // The old value is dropped after the lock is given back.
        let old = lock(&self.0).replace(value);
        drop(old);
    }

    /// Unbinds it; whether it was bound.
    pub(crate) fn take(&self) -> bool {
        let old = lock(&self.0).take();
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
}
