//! Version 1 scenarios: the playground's first model, kept so that every version 1 scenario and every
//! shared version 1 link still opens. A [`Scenario`] says how a program runs its tasks ([`Style`]),
//! which tasks ([`Task`], [`Work`]) and how it collects their results ([`Consume`]);
//! [`convert`](crate::convert) turns it into the version 2 program it describes, which the engine runs.
//! Nothing runs a scenario as such any more.

mod model;
pub mod presets;
mod validate;

pub use model::{Consume, Scenario, Shutdown, Style, Task, Work, SCENARIO_VERSION};
pub use validate::{limits, Problem, ScenarioError};

#[cfg(test)]
mod tests;
