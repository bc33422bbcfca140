//! Checking a scenario before anything runs. Every problem is reported, each with the field it is in.

use super::model::{Consume, Scenario, Style, Work, SCENARIO_VERSION};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The limits a scenario must respect, so a run stays small enough for a browser tab or a shared server.
pub mod limits {
    pub const MAX_TASKS: usize = 1_000;
    pub const MAX_WORKERS: usize = 64;
    pub const MAX_SLEEP_MS: u64 = 60_000;
    /// `Cpu { n }` must be below this (trial division up to sqrt(10^15) takes about a second natively).
    pub const MAX_N_EXCLUSIVE: u64 = 1_000_000_000_000_000;
    /// The longest a run may take; also the largest timeout or cancel time.
    pub const MAX_RUN_MS: u64 = 120_000;
    /// The largest scenario document accepted.
    pub const MAX_JSON_BYTES: usize = 1 << 20;
    pub const MAX_TEXT_CHARS: usize = 1_000;
    /// The largest withdrawal or balance, in either direction.
    pub const MAX_AMOUNT: u64 = 1_000_000_000_000;
}

use limits::*;

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Where: `tasks[3].ms`, `style.max_workers`, or `json` for a document that does not parse.
    pub field: String,
    pub message: String,
}

/// Everything wrong with a scenario, all at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid scenario ({n} problem{}): ",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, p) in self.problems.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            write!(f, "{sep}{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Reads a scenario from JSON and validates it. A document that does not parse gives one problem
    /// (serde's message, with line and column); one that parses gives every problem [`validate`](Self::validate) finds.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_JSON_BYTES {
            let message = format!(
                "the document has {} bytes; at most {MAX_JSON_BYTES} are accepted",
                text.len()
            );
            return Err(ScenarioError {
                problems: vec![Problem {
                    field: "json".into(),
                    message,
                }],
            });
        }
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError {
            problems: vec![Problem {
                field: "json".into(),
                message: e.to_string(),
            }],
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }

    /// Checks every limit and every field; lists all problems.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut problems = Vec::new();
        let mut problem =
            |field: String, message: String| problems.push(Problem { field, message });
        if self.version != SCENARIO_VERSION {
            problem(
                "version".into(),
                format!(
                    "version {} is not supported; this is version {SCENARIO_VERSION}",
                    self.version
                ),
            );
        }
        if let Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } = self.style {
            if max_workers == 0 || max_workers > MAX_WORKERS {
                problem(
                    "style.max_workers".into(),
                    format!("must be from 1 to {MAX_WORKERS}, not {max_workers}"),
                );
            }
        }
        if let Style::Pipeline {
            producers,
            consumers,
            consumer_work,
        } = &self.style
        {
            if *producers == 0 || *producers > MAX_WORKERS {
                problem(
                    "style.producers".into(),
                    format!("must be from 1 to {MAX_WORKERS}, not {producers}"),
                );
            }
            if *consumers > MAX_WORKERS {
                problem(
                    "style.consumers".into(),
                    format!("must be from 0 to {MAX_WORKERS}, not {consumers}"),
                );
            }
            match consumer_work {
                Some(Work::Sleep { ms }) if *ms > MAX_SLEEP_MS => problem(
                    "style.consumer_work.ms".into(),
                    format!("a sleep is at most {MAX_SLEEP_MS} ms, not {ms}"),
                ),
                Some(Work::Cpu { n }) if *n >= MAX_N_EXCLUSIVE => problem(
                    "style.consumer_work.n".into(),
                    format!("n must be below 10^15, not {n}"),
                ),
                Some(Work::Sleep { .. } | Work::Cpu { .. }) | None => {}
                Some(_) => problem(
                    "style.consumer_work".into(),
                    "a consumer's work is a sleep or CPU work".into(),
                ),
            }
        }
        if self.tasks.is_empty() {
            problem("tasks".into(), "a scenario needs at least one task".into());
        }
        if self.tasks.len() > MAX_TASKS {
            problem(
                "tasks".into(),
                format!("at most {MAX_TASKS} tasks, not {}", self.tasks.len()),
            );
        }
        for (i, task) in self.tasks.iter().enumerate() {
            let at = |field: &str| format!("tasks[{i}].{field}");
            match &task.work {
                Work::Sleep { ms } if *ms > MAX_SLEEP_MS => problem(
                    at("ms"),
                    format!("a sleep is at most {MAX_SLEEP_MS} ms, not {ms}"),
                ),
                Work::Cpu { n } if *n >= MAX_N_EXCLUSIVE => {
                    problem(at("n"), format!("n must be below 10^15, not {n}"))
                }
                // Only paths on the futurelab server itself (its flag server and pages): a scenario
                // posted to the server must never make it fetch anything else.
                Work::Fetch { url } if !url.starts_with('/') || url.starts_with("//") || url.contains(char::is_whitespace) => {
                    problem(
                        at("url"),
                        format!("must be a path on the futurelab server, like /flags/cn/cn.gif, not {url:?}"),
                    )
                }
                Work::Fetch { url } if url.chars().count() > MAX_TEXT_CHARS => {
                    problem(at("url"), format!("at most {MAX_TEXT_CHARS} characters"))
                }
                Work::Fail { message } if message.chars().count() > MAX_TEXT_CHARS => problem(
                    at("message"),
                    format!("at most {MAX_TEXT_CHARS} characters"),
                ),
                Work::Withdraw { .. } if self.account_balance.is_none() => problem(
                    at("kind"),
                    "a withdrawal needs the scenario's account_balance".into(),
                ),
                Work::Withdraw { delay_ms, .. } if *delay_ms > MAX_SLEEP_MS => problem(
                    at("delay_ms"),
                    format!("at most {MAX_SLEEP_MS} ms, not {delay_ms}"),
                ),
                Work::Withdraw { amount, .. } if amount.unsigned_abs() > MAX_AMOUNT => problem(
                    at("amount"),
                    format!("at most {MAX_AMOUNT} in size, not {amount}"),
                ),
                _ => {}
            }
            for (field, text) in [
                ("label", &task.label),
                ("prints_at_start", &task.prints_at_start),
                ("prints_at_end", &task.prints_at_end),
            ] {
                if text
                    .as_ref()
                    .is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS)
                {
                    problem(at(field), format!("at most {MAX_TEXT_CHARS} characters"));
                }
            }
        }
        if !(self.switch_interval_ms >= 0.1 && self.switch_interval_ms <= 1_000.0) {
            problem(
                "switch_interval_ms".into(),
                format!(
                    "must be from 0.1 to 1000 ms, not {}",
                    self.switch_interval_ms
                ),
            );
        }
        if !(self.time_scale > 0.0 && self.time_scale <= 10.0) {
            problem(
                "time_scale".into(),
                format!("must be above 0 and at most 10, not {}", self.time_scale),
            );
        }
        let wait_timeout = match self.consume {
            Consume::Wait { timeout_ms, .. } => timeout_ms,
            _ => None,
        };
        for (field, ms) in [
            ("timeout_ms", self.timeout_ms),
            ("cancel_after_ms", self.cancel_after_ms),
            ("consume.timeout_ms", wait_timeout),
        ] {
            if ms.is_some_and(|ms| ms > MAX_RUN_MS) {
                problem(
                    field.into(),
                    format!(
                        "at most {MAX_RUN_MS} ms (a run's limit), not {}",
                        ms.unwrap_or(0)
                    ),
                );
            }
        }
        if self
            .account_balance
            .is_some_and(|b| b.unsigned_abs() > MAX_AMOUNT)
        {
            problem(
                "account_balance".into(),
                format!("at most {MAX_AMOUNT} in size"),
            );
        }
        let sleeping: u64 = self
            .tasks
            .iter()
            .map(|t| match t.work {
                Work::Sleep { ms } | Work::Withdraw { delay_ms: ms, .. } => ms,
                _ => 0,
            })
            .sum();
        let lanes = match self.style {
            Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => {
                max_workers.max(1) as f64
            }
            Style::Sequential => 1.0,
            Style::AsyncLoop => self.tasks.len().max(1) as f64,
            Style::Pipeline { producers, .. } => producers.max(1) as f64,
        };
        let least_ms = sleeping as f64 / lanes * self.time_scale;
        if least_ms > MAX_RUN_MS as f64 {
            problem(
                "tasks".into(),
                format!(
                    "the sleeps alone take at least {:.0} s here; a run may take at most {} s",
                    least_ms / 1e3,
                    MAX_RUN_MS / 1000
                ),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError { problems })
        }
    }
}
