//! Functions addressed by name, the way Python pickles a function by reference: the parent sends the name
//! and the serialised argument, the worker process looks the name up in its own registry and calls it.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

/// A registered function as the worker calls it: JSON in, JSON out, or why the call could not be made.
pub(crate) type Erased = Arc<dyn Fn(Value) -> Result<Value, String> + Send + Sync>;

/// The functions a process pool can run. Build the same registry in the parent and in the worker
/// program (usually: the same function builds it, and the program is the same binary).
#[derive(Clone, Default)]
pub struct Registry {
    functions: HashMap<String, Erased>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.functions.keys().collect();
        names.sort();
        f.debug_struct("Registry")
            .field("functions", &names)
            .finish()
    }
}

/// A handle to a registered function: what `submit` and `map` take. Calling it in this process
/// ([`Remote::call`]) runs the same function, which is how a thread-backed [`Pool`](crate::Pool) uses it.
pub struct Remote<A, R> {
    name: Arc<str>,
    local: Arc<dyn Fn(A) -> R + Send + Sync>,
    _types: PhantomData<fn(A) -> R>,
}

impl<A, R> Clone for Remote<A, R> {
    fn clone(&self) -> Self {
        Remote {
            name: Arc::clone(&self.name),
            local: Arc::clone(&self.local),
            _types: PhantomData,
        }
    }
}

impl<A, R> std::fmt::Debug for Remote<A, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Remote({:?})", self.name)
    }
}

impl<A, R> Remote<A, R> {
    /// The name the worker looks up.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs the function here, in this process.
    pub fn call(&self, arg: A) -> R {
        (self.local)(arg)
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `function` under `name` (replacing an earlier one of that name) and returns its handle.
    /// Its argument and result travel as JSON (serde): a tuple for several arguments, a `Result` for a
    /// function that can fail in an ordinary way.
    pub fn register<A, R, F>(&mut self, name: &str, function: F) -> Remote<A, R>
    where
        A: DeserializeOwned + 'static,
        R: Serialize + 'static,
        F: Fn(A) -> R + Send + Sync + 'static,
    {
        let local: Arc<dyn Fn(A) -> R + Send + Sync> = Arc::new(function);
        let erased_fn = Arc::clone(&local);
        let erased: Erased = Arc::new(move |arg: Value| {
            let arg: A = serde_json::from_value(arg)
                .map_err(|e| format!("the argument does not fit the function: {e}"))?;
            serde_json::to_value(erased_fn(arg))
                .map_err(|e| format!("the result cannot be serialised: {e}"))
        });
        self.functions.insert(name.to_string(), erased);
        Remote {
            name: name.into(),
            local,
            _types: PhantomData,
        }
    }

    /// Adds every function of `other` (for combining registries).
    pub fn extend(&mut self, other: &Registry) {
        for (name, f) in &other.functions {
            self.functions.insert(name.clone(), Arc::clone(f));
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Erased> {
        self.functions.get(name)
    }

    /// Whether a function of this name is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.functions.contains_key(name)
    }
}
