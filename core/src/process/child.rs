//! One worker process as the parent sees it: started from the worker program, connected over its own Unix
//! socket, its output relayed line by line, its exit described in words.

use super::protocol::{
    receive, send, FromWorker, ToWorker, WORKER_ENV, WORKER_NAME_ENV, WORKER_NUMBER_ENV,
};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a worker program may take to connect back.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a call's end waits for its output to be relayed. Only a call that took its process's
/// standard output away (closed or redirected it) makes it wait this long: its fence never comes.
const OUTPUT_WAIT: Duration = Duration::from_secs(2);

/// How many output fences ([`OUTPUT_FENCE`](super::protocol::OUTPUT_FENCE)) the standard output relay
/// of one worker has passed, and whether that output has ended.
#[derive(Default)]
pub(crate) struct Fences {
    passed: std::sync::Mutex<(u64, bool)>,
    moved: std::sync::Condvar,
}

impl Fences {
    fn pass(&self) {
        crate::platform::lock(&self.passed).0 += 1;
        self.moved.notify_all();
    }

    fn close(&self) {
        crate::platform::lock(&self.passed).1 = true;
        self.moved.notify_all();
    }

    /// Waits until `n` fences have passed, the output ended, or `limit` ran out.
    fn wait_for(&self, n: u64, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut passed = crate::platform::lock(&self.passed);
        while passed.0 < n && !passed.1 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            passed = crate::platform::wait(&self.moved, passed, Some(left));
        }
    }
}

pub(crate) struct WorkerProcess {
    child: Child,
    /// The worker's standard input, held open for its lifetime (see `worker.rs`).
    _lifeline: Option<std::process::ChildStdin>,
    pub(crate) pid: u32,
    input: BufReader<UnixStream>,
    output: BufWriter<UnixStream>,
    line: String,
    fences: std::sync::Arc<Fences>,
}

impl WorkerProcess {
    /// Starts `program` as a worker listening at `socket` (a fresh path in the pool's private folder);
    /// it is the pool's `number`th worker process (see [`worker_number`](super::worker_number)).
    pub(crate) fn start(
        program: &Path,
        socket: &Path,
        on_output: Option<&OutputSink>,
        number: usize,
        name: &str,
    ) -> Result<Self, String> {
        let _ = std::fs::remove_file(socket);
        let listener = UnixListener::bind(socket)
            .map_err(|e| format!("cannot listen at {}: {e}", socket.display()))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen at {}: {e}", socket.display()))?;
        let mut child = Command::new(program)
            .env(WORKER_ENV, socket)
            .env(WORKER_NUMBER_ENV, number.to_string())
            .env(WORKER_NAME_ENV, name)
            // Kept open and never written: the worker exits when it reads end-of-file (this process gone).
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the worker program {}: {e}", program.display()))?;
        let pid = child.id();
        let fences = std::sync::Arc::new(Fences::default());
        relay(
            child.stdout.take(),
            pid,
            Destination::Output(on_output.cloned(), std::sync::Arc::clone(&fences)),
        );
        relay(child.stderr.take(), pid, Destination::Error);
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        let stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(fail_start(&mut child, format!("accept failed: {e}"))),
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "the worker program {} ended ({}) before connecting: does its main call \
                     futurelab::process::serve_if_worker first?",
                    program.display(),
                    describe(status)
                ));
            }
            if Instant::now() > deadline {
                return Err(fail_start(
                    &mut child,
                    "it did not connect within 30 s".into(),
                ));
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let _ = std::fs::remove_file(socket);
        stream
            .set_nonblocking(false)
            .map_err(|e| fail_start(&mut child, e.to_string()))?;
        let read_half = stream
            .try_clone()
            .map_err(|e| fail_start(&mut child, e.to_string()))?;
        let mut worker = WorkerProcess {
            pid: child.id(),
            _lifeline: child.stdin.take(),
            child,
            input: BufReader::new(read_half),
            output: BufWriter::new(stream),
            line: String::new(),
            fences,
        };
        match worker.receive() {
            Ok(FromWorker::Hello { pid }) if pid == worker.pid => Ok(worker),
            other => Err(fail_start(
                &mut worker.child,
                format!("it did not say hello as expected: {other:?}"),
            )),
        }
    }

    pub(crate) fn send(&mut self, message: &ToWorker) -> std::io::Result<()> {
        send(&mut self.output, message)
    }

    /// The worker's next message; an error when the worker is gone.
    pub(crate) fn receive(&mut self) -> std::io::Result<FromWorker> {
        receive(&mut self.input, &mut self.line)?.ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the worker closed its socket",
            )
        })
    }

    /// Waits until everything the worker printed before its `calls`th answer has been relayed (bounded:
    /// see [`OUTPUT_WAIT`]).
    pub(crate) fn await_output(&self, calls: u64) {
        self.fences.wait_for(calls, OUTPUT_WAIT);
    }

    /// Waits for the process to end (reaping it) and says how it ended.
    pub(crate) fn wait(mut self) -> String {
        let _ = self.output.flush();
        drop(self.output);
        // The lifeline closes only after the process ended: closing it first would make the worker exit
        // with 0 and hide its own exit code.
        let how = match self.child.wait() {
            Ok(status) => describe(status),
            Err(e) => format!("an unknown way ({e})"),
        };
        drop(self._lifeline.take());
        how
    }
}

/// Stops a worker that did not start properly, and says why.
fn fail_start(child: &mut Child, why: String) -> String {
    let _ = child.kill();
    let _ = child.wait();
    format!("a worker process could not be started: {why}")
}

/// Where a worker's standard output lines go instead of the parent's standard output: `(pid, line)`.
pub(crate) type OutputSink = std::sync::Arc<dyn Fn(u32, &str) + Send + Sync>;

/// Where a relayed stream goes.
enum Destination {
    /// The worker's standard output: to the sink if there is one, else the parent's standard output;
    /// its fences counted, not relayed.
    Output(Option<OutputSink>, std::sync::Arc<Fences>),
    /// The worker's standard error: the parent's standard error.
    Error,
}

/// Copies a worker's stream a whole line at a time, so lines never mix mid-line.
fn relay(from: Option<impl std::io::Read + Send + 'static>, pid: u32, to: Destination) {
    let Some(from) = from else { return };
    std::thread::spawn(move || {
        let mut lines = BufReader::new(from);
        let mut line = Vec::new();
        let fence = format!("{}\n", super::protocol::OUTPUT_FENCE).into_bytes();
        while matches!(lines.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            // A fence ends a line of its own, or one a call left unfinished (`print(end='')`).
            let fenced = match &to {
                Destination::Output(_, fences) if line.ends_with(&fence) => {
                    line.truncate(line.len() - fence.len());
                    Some(fences)
                }
                _ => None,
            };
            if !line.is_empty() {
                if !line.ends_with(b"\n") {
                    line.push(b'\n');
                }
                match &to {
                    Destination::Output(Some(sink), _) => {
                        sink(pid, String::from_utf8_lossy(&line).trim_end_matches('\n'))
                    }
                    Destination::Output(None, _) => drop(std::io::stdout().lock().write_all(&line)),
                    Destination::Error => drop(std::io::stderr().lock().write_all(&line)),
                }
            }
            if let Some(fences) = fenced {
                fences.pass();
            }
            line.clear();
        }
        if let Destination::Output(_, fences) = &to {
            fences.close();
        }
    });
}

/// `exit code 3`, `signal 9 (SIGKILL)`.
pub(crate) fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    match status.signal() {
        Some(signal) => {
            let name = match signal {
                1 => "SIGHUP",
                2 => "SIGINT",
                6 => "SIGABRT",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                15 => "SIGTERM",
                _ => "",
            };
            if name.is_empty() {
                format!("signal {signal}")
            } else {
                format!("signal {signal} ({name})")
            }
        }
        None => "an unknown way".into(),
    }
}
