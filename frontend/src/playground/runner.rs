//! Starting runs in this browser (on the Web Worker pool) or on the server (its event stream), and
//! handing their events to the page in batches, a few times a frame at most, so a 1,000-task run does not
//! re-render per event.

use super::sse::SseParser;
use super::state::Slot;
use crate::runtime;
use futurelab::scenario::{run_streamed, CancelToken, RunEvent, Scenario, StreamOptions};
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use yew::Callback;

/// Where a run happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Browser,
    Server,
}

/// One run to make: what, where, and which view it feeds.
pub struct Job {
    pub scenario: Scenario,
    pub place: Place,
    pub slot: Slot,
}

/// How often the page takes the events that arrived.
const BATCH_MS: u32 = 100;

type Inbox = Arc<Mutex<Vec<RunEvent>>>;

fn take(inbox: &Inbox) -> Vec<RunEvent> {
    std::mem::take(&mut *inbox.lock().unwrap_or_else(|p| p.into_inner()))
}

fn put(inbox: &Inbox, events: impl IntoIterator<Item = RunEvent>) {
    inbox
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .extend(events);
}

/// A run started: its inbox, and how to stop it.
struct Active {
    slot: Slot,
    inbox: Inbox,
    cancel: CancelToken,
    stream: Option<runtime::StreamHandle>,
    ended: bool,
}

fn launch(job: Job) -> Active {
    let inbox: Inbox = Arc::default();
    let cancel = CancelToken::new();
    let stream = match job.place {
        Place::Browser => {
            let (sink, cancel) = (Arc::clone(&inbox), cancel.clone());
            let server = runtime::origin();
            // The run's own future is not awaited: its events arrive through the inbox.
            drop(runtime::run_off_main_thread(move || {
                let options = StreamOptions {
                    cancel,
                    server,
                    process_worker: None, // no processes in a browser
                };
                run_streamed(&job.scenario, options, move |e| put(&sink, [e]))
            }));
            None
        }
        Place::Server => {
            let parser = RefCell::new(SseParser::default());
            let (text_sink, end_sink) = (Arc::clone(&inbox), Arc::clone(&inbox));
            Some(runtime::post_event_stream(
                "/api/runs",
                job.scenario.to_json(),
                move |text| put(&text_sink, parser.borrow_mut().push(&text)),
                move |end| {
                    if let Err(message) = end {
                        put(&end_sink, [RunEvent::Failed { message }]);
                    }
                },
            ))
        }
    };
    Active {
        slot: job.slot,
        inbox,
        cancel,
        stream,
        ended: false,
    }
}

struct Runs {
    active: Vec<Active>,
    waiting: VecDeque<Job>,
}

/// Runs in progress. Dropping this stops delivering events; [`Running::cancel`] stops the runs.
pub struct Running {
    runs: Rc<RefCell<Runs>>,
    _poll: Interval,
}

impl Running {
    pub fn cancel(&mut self) {
        let mut runs = self.runs.borrow_mut();
        runs.waiting.clear();
        for a in &mut runs.active {
            a.cancel.cancel();
            if let Some(stream) = &mut a.stream {
                stream.abort(); // the server cancels a run whose client left
            }
        }
    }
}

/// Starts `jobs`: all at once, or `in_turn` (each when the one before has ended, so CPU-bound runs do not
/// share the cores). `on_batch` gets each run's events in order, the last ending with `Done` or `Failed`.
pub fn start(jobs: Vec<Job>, in_turn: bool, on_batch: Callback<(Slot, Vec<RunEvent>)>) -> Running {
    let mut waiting: VecDeque<Job> = jobs.into();
    let first = if in_turn { 1 } else { waiting.len() };
    let active = waiting
        .drain(..first.min(waiting.len()))
        .map(launch)
        .collect();
    let runs = Rc::new(RefCell::new(Runs { active, waiting }));
    let polled = Rc::clone(&runs);
    let poll = Interval::new(BATCH_MS, move || {
        let mut runs = polled.borrow_mut();
        let mut start_next = false;
        for a in &mut runs.active {
            let batch = take(&a.inbox);
            if batch.is_empty() {
                continue;
            }
            if !a.ended
                && batch
                    .iter()
                    .any(|e| matches!(e, RunEvent::Done(_) | RunEvent::Failed { .. }))
            {
                a.ended = true;
                start_next = true;
            }
            on_batch.emit((a.slot, batch));
        }
        if start_next {
            if let Some(job) = runs.waiting.pop_front() {
                runs.active.push(launch(job));
            }
        }
    });
    Running { runs, _poll: poll }
}
