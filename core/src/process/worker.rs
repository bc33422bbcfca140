//! The worker side: a program started by a process pool connects back, runs calls, and leaves when told
//! to or when the parent goes away.

use super::ask::{ParentLink, PARENT};
use super::protocol::{receive, send, CallOutcome, FromWorker, ToWorker, WORKER_ENV};
use super::registry::Registry;
use std::io::{BufReader, BufWriter, Write};
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Exit code of a worker whose initializer failed (the pool reports it as broken).
pub const INITIALIZER_FAILED: i32 = 3;
/// Exit code of a worker that could not talk to its parent.
pub(super) const PROTOCOL_FAILED: i32 = 4;

/// Call this first thing in `main` of a program that process pools start (by default the program itself,
/// as Python's spawn start method re-runs the main module). When the program was started as a pool's
/// worker, this serves calls with `registry` and then exits the process; otherwise it returns at once.
///
/// ```no_run
/// let mut registry = futurelab::process::Registry::new();
/// let square = registry.register("square", |n: u64| n * n);
/// futurelab::process::serve_if_worker(&registry);
/// // ... the program itself: start a ProcessPoolExecutor with the same registry.
/// # let _ = square;
/// ```
pub fn serve_if_worker(registry: &Registry) {
    let Some(path) = std::env::var_os(WORKER_ENV) else {
        return;
    };
    let code = match UnixStream::connect(&path) {
        Ok(stream) => serve(stream, registry),
        Err(e) => {
            eprintln!("futurelab worker: cannot reach the pool at {path:?}: {e}");
            PROTOCOL_FAILED
        }
    };
    std::process::exit(code);
}

fn serve(stream: UnixStream, registry: &Registry) -> i32 {
    // A panicking call is reported to the parent, which fails that call's future with the message; the
    // worker prints nothing of its own for it.
    std::panic::set_hook(Box::new(|_| {}));
    let Ok(read_half) = stream.try_clone() else {
        return PROTOCOL_FAILED;
    };
    let mut link = ParentLink {
        input: BufReader::new(read_half),
        output: BufWriter::new(stream),
        line: String::new(),
    };
    if send(
        &mut link.output,
        &FromWorker::Hello {
            pid: std::process::id(),
        },
    )
    .is_err()
    {
        return PROTOCOL_FAILED;
    }
    *parent() = Some(link);
    // The parent holds this process's standard input open and never writes to it: when the parent goes
    // away (exits, is killed, drops the pool), it reads end-of-file and the worker exits at once, even in
    // the middle of a long call, instead of lingering as an orphan.
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        while matches!(std::io::Read::read(&mut std::io::stdin(), &mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
    // The connection is locked for each message, never during a call: a call's questions use it.
    loop {
        let message = {
            let mut guard = parent();
            let Some(link) = guard.as_mut() else {
                return PROTOCOL_FAILED;
            };
            match receive::<ToWorker>(&mut link.input, &mut link.line) {
                Ok(Some(message)) => message,
                _ => return 0,
            }
        };
        let reply = match message {
            ToWorker::Init { f, arg } => {
                let outcome = call(registry, &f, arg);
                if let CallOutcome::Ok(_) = outcome {
                    FromWorker::Ready
                } else {
                    eprintln!("futurelab worker: Exception in initializer: {outcome:?}");
                    return INITIALIZER_FAILED;
                }
            }
            ToWorker::Call { id, f, args } => {
                let results = args.into_iter().map(|a| call(registry, &f, a)).collect();
                // Everything the calls printed goes out before their results (see OUTPUT_FENCE).
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{}", super::protocol::OUTPUT_FENCE);
                let _ = out.flush();
                FromWorker::Results { id, results }
            }
            ToWorker::Exit => return 0,
            // An answer when no question was asked: the parent broke the protocol.
            ToWorker::Answer { .. } => return PROTOCOL_FAILED,
        };
        let mut guard = parent();
        let sent = guard.as_mut().map(|link| send(&mut link.output, &reply));
        if !matches!(sent, Some(Ok(()))) {
            return PROTOCOL_FAILED;
        }
    }
}

fn parent() -> std::sync::MutexGuard<'static, Option<ParentLink>> {
    crate::platform::lock(&PARENT)
}

/// Calls the function `name` of `registry` with `arg`: its value, its panic, or why it could not be called.
pub(crate) fn call(registry: &Registry, name: &str, arg: serde_json::Value) -> CallOutcome {
    let Some(function) = registry.get(name) else {
        return CallOutcome::Error(format!(
            "the worker program has no function named {name:?} (register it in the registry the worker serves)"
        ));
    };
    match catch_unwind(AssertUnwindSafe(|| function(arg))) {
        Ok(Ok(value)) => CallOutcome::Ok(value),
        Ok(Err(message)) => CallOutcome::Error(message),
        Err(payload) => CallOutcome::Panic(crate::panic::panic_message(&*payload)),
    }
}
