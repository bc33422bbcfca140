//! The dict (and, through it, the set): a hash table over entries kept in insertion order, as
//! CPython's compact dict is.
//!
//! - `slots` holds the entries in the order their keys first went in, each with its key's hash (asked
//!   once, when the key went in, as CPython asks a key's `__hash__`). Taking a key out leaves a hole
//!   (`None`), so the places of the other entries do not move; the holes are squeezed out when they
//!   outnumber the entries.
//! - `index` maps a hash to the places in `slots` of the keys with that hash: a lookup costs one probe
//!   and `==` asked only of keys whose hash agrees, whatever the dict's size.
//!
//! Places (`usize`) handed out by [`Dict::with_hash`] and [`Dict::find_plain`] are good until the keys
//! change, which [`Dict::version`] counts: the interpreter runs a key's `__eq__` with no lock held, so
//! it looks again if the version moved meanwhile (`Ctx::dict_entry`).

use super::Value;
use hashbrown::HashTable;

/// One entry: the key, its hash, the value.
#[derive(Clone)]
struct Entry {
    hash: i64,
    key: Value,
    value: Value,
}

/// A dict in insertion order, searched by hash. `get` and `insert` here are for the runtime's own
/// keys (strings, numbers, tuples of them): they run no program code. A program's keys go through
/// `Ctx::dict_get` and its kin, which call the keys' `__hash__` and `__eq__`.
#[derive(Default, Clone)]
pub struct Dict {
    slots: Vec<Option<Entry>>,
    /// Places in `slots` of the entries, found by their hash.
    index: HashTable<usize>,
    len: usize,
    /// Counts the changes to the keys: a lookup that ran program code (a key's `__eq__`) looks again
    /// if the keys changed meanwhile.
    version: u64,
}

/// Where a hash goes in the table. Python's hashes of small ints are the ints themselves, with the
/// high bits all zero, and the table sorts by both ends of the word (its bucket by the low bits, a
/// tag by the top seven): a multiplication by an odd constant spreads every bit upwards, and the
/// shift brings the high bits' variety back down.
fn spread(hash: i64) -> u64 {
    let x = (hash as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^ (x >> 32)
}

impl Dict {
    /// The entries, in insertion order.
    pub fn entries(&self) -> impl Iterator<Item = (&Value, &Value)> + '_ {
        self.slots
            .iter()
            .flatten()
            .map(|entry| (&entry.key, &entry.value))
    }

    /// A copy of the entries, in insertion order (to be read with no lock held).
    pub fn entries_cloned(&self) -> Vec<(Value, Value)> {
        let mut out = Vec::with_capacity(self.len);
        out.extend(self.entries().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// A copy of the keys, in insertion order.
    pub fn keys_cloned(&self) -> Vec<Value> {
        let mut out = Vec::with_capacity(self.len);
        out.extend(self.entries().map(|(k, _)| k.clone()));
        out
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value of a key of the runtime's own (no program code runs: an instance is itself only).
    pub fn get(&self, key: &Value) -> Option<&Value> {
        let hash = crate::object::protocol::plain_hash(key);
        self.find_plain_unchecked(hash, key)
            .map(|i| &self.entry(i).value)
    }

    /// Sets a key of the runtime's own (no program code runs: an instance is itself only).
    pub fn insert(&mut self, key: Value, value: Value) {
        let hash = crate::object::protocol::plain_hash(&key);
        match self.find_plain_unchecked(hash, &key) {
            Some(i) => self.set_value_at(i, value),
            None => self.push(hash, key, value),
        }
    }

    /// The place of the key equal to `key`, comparing with `==` that runs no program code.
    fn find_plain_unchecked(&self, hash: i64, key: &Value) -> Option<usize> {
        let slots = &self.slots;
        self.index
            .find(spread(hash), |&i| {
                let entry = slot(slots, i);
                entry.hash == hash && super::py_eq(&entry.key, key)
            })
            .copied()
    }

    /// Looks `key` up without running program code, if that gives Python's answer: `Ok(place)` when
    /// every key with its hash is a plain value (numbers, strings, `None`, tuples of them), whose `==`
    /// is the runtime's own; `Err(())` when one is not, and the caller must ask `==` as a program does
    /// ([`Dict::with_hash`]). `key` must be plain too.
    #[allow(clippy::result_unit_err)]
    pub(crate) fn find_plain(&self, hash: i64, key: &Value) -> Result<Option<usize>, ()> {
        let mut found = None;
        for &i in self.index.iter_hash(spread(hash)) {
            let entry = slot(&self.slots, i);
            if entry.hash != hash {
                continue;
            }
            if !is_plain(&entry.key) {
                return Err(());
            }
            if found.is_none() && super::py_eq(&entry.key, key) {
                found = Some(i);
            }
        }
        // The table's probe order is not insertion order: two equal keys cannot both be in a dict,
        // so at most one matched.
        Ok(found)
    }

    /// The keys whose hash is `hash`, with their places, oldest first.
    pub(crate) fn with_hash(&self, hash: i64) -> Vec<(usize, Value)> {
        let mut found: Vec<(usize, Value)> = self
            .index
            .iter_hash(spread(hash))
            .filter(|&&i| slot(&self.slots, i).hash == hash)
            .map(|&i| (i, slot(&self.slots, i).key.clone()))
            .collect();
        found.sort_unstable_by_key(|&(i, _)| i);
        found
    }

    pub(crate) fn version(&self) -> u64 {
        self.version
    }

    fn entry(&self, i: usize) -> &Entry {
        slot(&self.slots, i)
    }

    pub(crate) fn value_at(&self, i: usize) -> &Value {
        &self.entry(i).value
    }

    pub(crate) fn set_value_at(&mut self, i: usize, value: Value) {
        if let Some(entry) = self.slots[i].as_mut() {
            entry.value = value;
        }
    }

    /// Adds a key that is not in the dict yet.
    pub(crate) fn push(&mut self, hash: i64, key: Value, value: Value) {
        let place = self.slots.len();
        self.slots.push(Some(Entry { hash, key, value }));
        let slots = &self.slots;
        self.index
            .insert_unique(spread(hash), place, |&i| spread(slot(slots, i).hash));
        self.len += 1;
        self.version += 1;
    }

    /// Takes the entry at place `i` out; the other entries keep their places until the holes are
    /// squeezed out (which changes the version, as every removal does).
    pub(crate) fn remove_at(&mut self, i: usize) -> (Value, Value) {
        let hash = self.entry(i).hash;
        if let Ok(found) = self.index.find_entry(spread(hash), |&place| place == i) {
            found.remove();
        }
        let entry = self.slots[i]
            .take()
            .expect("a place in the index holds an entry");
        self.len -= 1;
        self.version += 1;
        if self.slots.len() > 8 && self.slots.len() > 2 * self.len {
            self.squeeze();
        }
        (entry.key, entry.value)
    }

    /// Drops the holes left by removals, and makes the index anew.
    fn squeeze(&mut self) {
        self.slots.retain(Option::is_some);
        self.index.clear();
        let slots = &self.slots;
        for place in 0..slots.len() {
            let hash = spread(slot(slots, place).hash);
            self.index
                .insert_unique(hash, place, |&i| spread(slot(slots, i).hash));
        }
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
        self.len = 0;
        self.version += 1;
    }

    /// Empties the dict, handing over its entries.
    pub(crate) fn take_entries(&mut self) -> Vec<(Value, Value)> {
        self.index.clear();
        self.len = 0;
        self.version += 1;
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .map(|entry| (entry.key, entry.value))
            .collect()
    }
}

/// The entry at a place the index gave: the index holds only places of entries.
fn slot(slots: &[Option<Entry>], i: usize) -> &Entry {
    slots[i]
        .as_ref()
        .expect("a place in the index holds an entry")
}

/// A value whose `==` and hash run no program code and are the runtime's own.
pub(crate) fn is_plain(v: &Value) -> bool {
    match v {
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Str(_) => true,
        // A NaN is equal to itself only as the same object, which the interpreter's `==` knows.
        Value::Float(x) => !x.is_nan(),
        Value::Tuple(items) => items.len() <= 16 && items.iter().all(is_plain),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(n: i64) -> Value {
        Value::Int(n)
    }

    #[test]
    fn keeps_insertion_order_across_removals_and_squeezes() {
        let mut d = Dict::default();
        for n in 0..100 {
            d.insert(int(n), int(n * 10));
        }
        for n in (0..100).filter(|n| n % 3 != 0) {
            let hash = crate::object::protocol::plain_hash(&int(n));
            let at = d.find_plain(hash, &int(n)).unwrap().unwrap();
            let (k, v) = d.remove_at(at);
            assert!(crate::object::py_eq(&k, &int(n)) && crate::object::py_eq(&v, &int(n * 10)));
        }
        let keys: Vec<i64> = d
            .entries()
            .map(|(k, _)| match k {
                Value::Int(n) => *n,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(keys, (0..100).filter(|n| n % 3 == 0).collect::<Vec<_>>());
        assert_eq!(d.len(), 34);
        for n in 0..100 {
            assert_eq!(d.get(&int(n)).is_some(), n % 3 == 0, "key {n}");
        }
        d.insert(int(1), int(-1));
        assert!(matches!(
            d.entries().last(),
            Some((Value::Int(1), Value::Int(-1)))
        ));
    }

    #[test]
    fn equal_numbers_are_one_key() {
        let mut d = Dict::default();
        d.insert(int(1), int(1));
        d.insert(Value::Float(1.0), int(2));
        d.insert(Value::Bool(true), int(3));
        assert_eq!(d.len(), 1);
        // The first key stays, the last value wins, as in CPython: {1: 3}.
        assert!(matches!(
            d.entries().next(),
            Some((Value::Int(1), Value::Int(3)))
        ));
    }

    #[test]
    fn colliding_hashes_are_told_apart_by_equality() {
        // -1 and -2 hash alike in Python (-1 is reserved for errors).
        let mut d = Dict::default();
        d.insert(int(-1), int(1));
        d.insert(int(-2), int(2));
        assert_eq!(d.len(), 2);
        assert!(matches!(d.get(&int(-1)), Some(Value::Int(1))));
        assert!(matches!(d.get(&int(-2)), Some(Value::Int(2))));
        let hash = crate::object::protocol::plain_hash(&int(-1));
        assert_eq!(d.with_hash(hash).len(), 2);
    }
}
