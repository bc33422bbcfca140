//! Scenarios: the seed programs as data, and the runner that plays them on the executor.
//!
//! A [`Scenario`] says how a program runs its tasks ([`Style`]), which tasks ([`Task`], [`Work`]) and how
//! it collects their results ([`Consume`]). [`run`] plays it, recording a [`Trace`](crate::Trace) and
//! the console lines the Python program would print. [`presets`] are the seed programs themselves.

pub mod code;
mod model;
pub mod presets;
mod run;
mod validate;

pub use model::{Consume, Scenario, Shutdown, Style, Task, Work, SCENARIO_VERSION};
pub use run::{
    perform_standalone, python_repr, run, run_streamed, CancelToken, ConsoleLine, FetchCounter,
    LineSink, Outcome, Received, RunError, RunEvent, RunOptions, RunReport, StreamOptions,
    Timestamps,
};
pub use validate::{limits, Problem, ScenarioError};

#[cfg(test)]
mod tests;
