//! Starting a run in this browser (on the Web Worker pool) or on the server (its event stream), and
//! handing its events to the page in batches, a few times a frame at most, so a 1,000-task run does not
//! re-render per event.

use super::sse::SseParser;
use crate::runtime;
use futurelab::scenario::{run_streamed, CancelToken, RunEvent, Scenario};
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use yew::Callback;

/// Where a run happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Browser,
    Server,
}

/// How often the page takes the events that arrived.
const BATCH_MS: u32 = 50;

/// A run in progress. Dropping it stops delivering events; [`Running::cancel`] stops the run itself.
pub struct Running {
    cancel: CancelToken,
    stream: Option<runtime::StreamHandle>,
    _poll: Interval,
}

impl Running {
    pub fn cancel(&mut self) {
        self.cancel.cancel();
        if let Some(stream) = &mut self.stream {
            stream.abort(); // the server cancels a run whose client left
        }
    }
}

/// Starts `scenario` at `place`; `on_batch` gets its events in order, the last batch ending with `Done`
/// or `Failed`.
pub fn start(scenario: Scenario, place: Place, on_batch: Callback<Vec<RunEvent>>) -> Running {
    let inbox: Arc<Mutex<Vec<RunEvent>>> = Arc::default();
    let cancel = CancelToken::new();
    let stream = match place {
        Place::Browser => {
            let (inbox, cancel) = (Arc::clone(&inbox), cancel.clone());
            let server = runtime::origin();
            // The run's own future is not awaited: its events arrive through the inbox.
            drop(runtime::run_off_main_thread(move || {
                run_streamed(&scenario, cancel, server, move |e| {
                    inbox.lock().unwrap_or_else(|p| p.into_inner()).push(e)
                })
            }));
            None
        }
        Place::Server => {
            let parser = Rc::new(RefCell::new(SseParser::default()));
            let (text_inbox, end_inbox) = (Arc::clone(&inbox), Arc::clone(&inbox));
            Some(runtime::post_event_stream(
                "/api/runs",
                scenario.to_json(),
                move |text| {
                    let events = parser.borrow_mut().push(&text);
                    text_inbox
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .extend(events);
                },
                move |end| {
                    let mut inbox = end_inbox.lock().unwrap_or_else(|p| p.into_inner());
                    let message = match end {
                        Err(e) => Some(e),
                        Ok(()) => None,
                    };
                    if let Some(message) = message {
                        inbox.push(RunEvent::Failed { message });
                    }
                },
            ))
        }
    };
    let poll = Interval::new(BATCH_MS, move || {
        let batch = std::mem::take(&mut *inbox.lock().unwrap_or_else(|p| p.into_inner()));
        if !batch.is_empty() {
            on_batch.emit(batch);
        }
    });
    Running {
        cancel,
        stream,
        _poll: poll,
    }
}
