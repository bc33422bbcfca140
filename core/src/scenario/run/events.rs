//! A run as a stream of events: what the page draws live and what `POST /api/runs` sends.

use super::{run, CancelToken, ConsoleLine, RunOptions, RunReport};
use crate::scenario::Scenario;
use crate::{Trace, TraceEvent};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One thing that happened in a run, in the order it happened.
///
/// Guarantees: trace events arrive in the order they were recorded (their `t_us` never decreases), console
/// lines in the order they were printed; exactly one `Done` or `Failed` comes last.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum RunEvent {
    Trace(TraceEvent),
    Line(ConsoleLine),
    /// The run ended (finished, timed out or cancelled): its report.
    Done(RunReport),
    /// The run did not start (invalid, or not available here).
    Failed {
        message: String,
    },
}

impl RunEvent {
    /// The event's name: `trace`, `line`, `done` or `failed` (the server-sent event's `event:` field).
    pub fn name(&self) -> &'static str {
        match self {
            RunEvent::Trace(_) => "trace",
            RunEvent::Line(_) => "line",
            RunEvent::Done(_) => "done",
            RunEvent::Failed { .. } => "failed",
        }
    }
}

/// What a streamed run needs besides its scenario: [`RunOptions`] without the sinks.
#[derive(Clone, Default)]
pub struct StreamOptions {
    pub cancel: CancelToken,
    pub server: Option<String>,
    pub process_worker: Option<std::path::PathBuf>,
}

/// Runs `scenario` like [`run`], handing every event to `send` as it happens (on the thread it happens on;
/// `send` must be quick: pushing into a channel is the intended use). Blocks until the run ends; `send` is
/// dropped when this returns, so a channel behind it closes after the last event.
pub fn run_streamed(
    scenario: &Scenario,
    options: StreamOptions,
    send: impl Fn(RunEvent) + Send + Sync + 'static,
) {
    // The trace and the line sink hold only weak handles: the report (which carries the trace) must not
    // keep `send` alive after this returns, or a channel behind it would never close.
    let send = Arc::new(send);
    let on_trace = Arc::downgrade(&send);
    let on_line = Arc::downgrade(&send);
    let options = RunOptions {
        on_line: Some(Arc::new(move |line: &ConsoleLine| {
            if let Some(send) = on_line.upgrade() {
                send(RunEvent::Line(line.clone()))
            }
        })),
        trace: Trace::with_listener(move |event| {
            if let Some(send) = on_trace.upgrade() {
                send(RunEvent::Trace(event.clone()))
            }
        }),
        cancel: options.cancel,
        server: options.server,
        process_worker: options.process_worker,
    };
    send(match run(scenario, options) {
        Ok(report) => RunEvent::Done(report),
        Err(e) => RunEvent::Failed {
            message: e.to_string(),
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;
    use std::sync::Mutex;

    /// Every event of a preset's run (sleeps at 1/100 speed), in order.
    fn streamed(id: &str) -> Vec<RunEvent> {
        let mut scenario = presets::get(id).unwrap().scenario;
        scenario.time_scale = 0.01;
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        run_streamed(&scenario, StreamOptions::default(), move |e| {
            sink.lock().unwrap().push(e)
        });
        let events = std::mem::take(&mut *events.lock().unwrap());
        events
    }

    #[test]
    fn a_stream_carries_the_trace_and_the_lines_and_ends_with_the_report() {
        let events = streamed("loiter-map");
        let last = events.last().expect("events");
        let RunEvent::Done(report) = last else {
            panic!("ends with {}", last.name())
        };
        let lines: Vec<&ConsoleLine> = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::Line(l) => Some(l),
                _ => None,
            })
            .collect();
        assert_eq!(lines.len(), report.console.len());
        assert!(lines.iter().zip(&report.console).all(|(a, b)| *a == b));
        let times: Vec<u64> = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::Trace(t) => Some(t.t_us),
                _ => None,
            })
            .collect();
        assert!(times.len() >= 15, "5 futures submitted, started, returned");
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        let json = serde_json::to_string(last).unwrap();
        let back: RunEvent = serde_json::from_str(&json).unwrap();
        assert_eq!(back.name(), "done");
    }

    #[test]
    fn the_sender_is_dropped_when_the_run_returns() {
        let mut scenario = presets::get("loiter-map").unwrap().scenario;
        scenario.time_scale = 0.01;
        let (tx, rx) = std::sync::mpsc::channel();
        run_streamed(&scenario, StreamOptions::default(), move |e| {
            let _ = tx.send(e);
        });
        // Draining ends (instead of blocking) only if every sender, including the report's trace, is gone.
        let names: Vec<&str> = rx.iter().map(|e| e.name()).collect();
        assert_eq!(names.last(), Some(&"done"));
    }

    #[test]
    fn a_run_that_cannot_start_ends_with_failed() {
        let events = streamed("is-prime-processes");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].name(), "failed");
    }
}
