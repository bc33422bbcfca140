//! A run's state of the modules above the object layer (the run's files, the loggers, the event
//! loops, the process pools), each module's own type, made at its first use in the run. The
//! [`Runtime`](super::Runtime) names none of them: it keeps them here by type.

use super::lock;
use std::any::Any;
use std::sync::{Arc, Mutex};

/// A module's state for one run.
pub(crate) trait ModuleState: Any + Send + Sync + Default {
    /// The run is being stopped (its time limit, a cancel): end at once what cannot see the stop
    /// (worker processes). Called once, outside the states' lock.
    fn on_stop(&self) {}
}

/// One state, as the map keeps it: for finding it by type, and for its hooks.
struct Entry {
    state: Arc<dyn Any + Send + Sync>,
    on_stop: fn(&(dyn Any + Send + Sync)),
}

/// The module states of one run, by type.
#[derive(Default)]
pub(crate) struct ModuleStates(Mutex<Vec<Entry>>);

impl ModuleStates {
    /// The run's `T`, made now if this is its first use.
    pub(crate) fn get<T: ModuleState>(&self) -> Arc<T> {
        let mut states = lock(&self.0);
        for entry in states.iter() {
            if let Ok(state) = entry.state.clone().downcast::<T>() {
                return state;
            }
        }
        let state = Arc::new(T::default());
        states.push(Entry {
            state: state.clone(),
            on_stop: |state| {
                if let Some(state) = (state as &dyn Any).downcast_ref::<T>() {
                    state.on_stop();
                }
            },
        });
        state
    }

    /// Tells every state made so far that the run is being stopped.
    pub(crate) fn stopping(&self) {
        let states: Vec<_> = lock(&self.0)
            .iter()
            .map(|e| (e.state.clone(), e.on_stop))
            .collect();
        for (state, on_stop) in states {
            on_stop(&*state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Counter(AtomicUsize);
    impl ModuleState for Counter {
        fn on_stop(&self) {
            self.0.fetch_add(100, Ordering::SeqCst);
        }
    }

    #[derive(Default)]
    struct Other(Mutex<Vec<u8>>);
    impl ModuleState for Other {}

    #[test]
    fn one_state_per_type_made_at_first_use_and_told_of_the_stop() {
        let states = ModuleStates::default();
        states.get::<Counter>().0.fetch_add(1, Ordering::SeqCst);
        states.get::<Counter>().0.fetch_add(1, Ordering::SeqCst);
        lock(&states.get::<Other>().0).push(7);
        assert_eq!(states.get::<Counter>().0.load(Ordering::SeqCst), 2);
        assert_eq!(*lock(&states.get::<Other>().0), vec![7]);
        states.stopping();
        assert_eq!(states.get::<Counter>().0.load(Ordering::SeqCst), 102);
    }
}
