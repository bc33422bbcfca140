//! The server's side of a run child: starting it in a process group of its own, reading its frames,
//! asking it to stop, and ending it, whatever state it is in.
//!
//! Guarantees:
//! - A run child and every process it starts (its process pools' workers) are one process group, and
//!   [`RunProcess::end`] kills the whole group with SIGKILL before it reaps the child, so no process of
//!   a run outlives it, and the group's id cannot have been reused when it is signalled.
//! - Dropping a [`RunProcess`] (the task that owned it was cancelled) kills the group too.
//! - Nothing a child writes is trusted: a line that is not a frame, or one longer than
//!   [`MAX_FRAME_BYTES`], is an error; standard error is kept only in its last [`STDERR_TAIL_BYTES`].

use super::limits::{describe_bytes, kill_group, RunCgroup, RunLimits};
use super::protocol::{Frame, FrameKind, Rejection, RunRequest, StopRequest, MAX_FRAME_BYTES};
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout};

/// How long a child may take to read its program and say whether it runs it.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a child's standard error is kept to say why it ended.
pub const STDERR_TAIL_BYTES: usize = 16 * 1024;

/// A frame as read from the child: its kind and its JSON, as the child wrote it (what the server
/// relays).
#[derive(Debug, PartialEq)]
pub struct OwnedFrame {
    pub kind: FrameKind,
    pub json: String,
}

/// A frame read from the child: its value, read into the protocol's types, and its line's JSON.
#[derive(Debug)]
pub struct ReadFrame {
    pub frame: Frame,
    pub json: String,
}

impl ReadFrame {
    /// Its kind and its JSON alone, to relay (the value was for checking).
    pub fn relayed(self) -> OwnedFrame {
        OwnedFrame {
            kind: self.frame.kind(),
            json: self.json,
        }
    }
}

/// A run child that accepted its program.
pub struct RunProcess {
    child: Child,
    pid: u32,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<tokio::task::JoinHandle<()>>,
    line: Vec<u8>,
    limits: RunLimits,
    cgroup: Option<RunCgroup>,
    ended: bool,
}

/// What starting a child came to.
pub enum Started {
    /// The program runs: read its frames.
    Running(Box<RunProcess>),
    /// The program was not run, and why (a source outside futurelab's Python).
    Rejected(Rejection),
}

/// Why a child did not get to run its program.
#[derive(Debug)]
pub enum StartFailure {
    /// No process could be started (out of processes or memory, no binary): the server's trouble.
    Spawn(String),
    /// The child started and ended, or misbehaved, before saying whether it runs the program: it
    /// could not read it (the message says how it ended).
    Failed(String),
}

/// How a child ended, once [`RunProcess::end`] reaped it.
#[derive(Debug)]
pub struct Ended {
    pub status: Option<ExitStatus>,
    /// The kernel killed a process of the run's control group for passing its memory limit.
    pub out_of_memory: bool,
    /// The last lines of its standard error.
    pub stderr_tail: String,
}

impl Drop for RunProcess {
    fn drop(&mut self) {
        if !self.ended {
            kill_group(self.pid);
        }
    }
}

/// Starts `exe run-child` for `request` and waits (at most [`START_TIMEOUT`]) for its first frame. The
/// child joins `cgroup` (whose folders `request.cgroup` names) before it reads its program.
pub async fn start(
    exe: &Path,
    request: &RunRequest,
    cgroup: Option<RunCgroup>,
) -> Result<Started, StartFailure> {
    let mut command = tokio::process::Command::new(exe);
    command
        .arg("run-child")
        .process_group(0)
        // Two malloc arenas instead of eight a core: each reserves 64 MiB of address space, which the
        // address-space limit would count as the program's.
        .env("MALLOC_ARENA_MAX", "2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| {
        StartFailure::Spawn(format!(
            "cannot start a run process ({}): {e}",
            exe.display()
        ))
    })?;
    let pid = child.id().unwrap_or(0);
    let stdin = child.stdin.take();
    let stdout = child.stdout.take().map(BufReader::new);
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let stderr_reader = child
        .stderr
        .take()
        .map(|pipe| tokio::spawn(keep_tail(pipe, Arc::clone(&stderr), pid)));
    let Some(stdout) = stdout else {
        kill_group(pid);
        return Err(StartFailure::Spawn(
            "the run process has no standard output".into(),
        ));
    };
    let mut process = RunProcess {
        child,
        pid,
        stdin,
        stdout,
        stderr,
        stderr_reader,
        line: Vec::new(),
        limits: request.limits,
        cgroup,
        ended: false,
    };
    let mut line = serde_json::to_vec(request).map_err(|e| StartFailure::Spawn(e.to_string()))?;
    line.push(b'\n');
    if let Some(stdin) = process.stdin.as_mut() {
        // A child that died at once has closed its input; its end says why.
        let _ = stdin.write_all(&line).await;
        let _ = stdin.flush().await;
    }
    let first = tokio::time::timeout(START_TIMEOUT, process.next_frame()).await;
    match first {
        Ok(Ok(Some(ReadFrame {
            frame: Frame::Accepted(_),
            ..
        }))) => Ok(Started::Running(Box::new(process))),
        Ok(Ok(Some(ReadFrame {
            frame: Frame::Rejected(rejection),
            ..
        }))) => {
            process.end().await;
            Ok(Started::Rejected(rejection))
        }
        Ok(Ok(Some(read))) => {
            process.end().await;
            Err(StartFailure::Failed(format!(
                "the run process sent {:?} before saying whether it runs the program",
                read.frame.kind()
            )))
        }
        Ok(Err(e)) => {
            process.end().await;
            Err(StartFailure::Failed(e))
        }
        Ok(Ok(None)) => {
            let limits = process.limits;
            let ended = process.end().await;
            Err(StartFailure::Failed(describe_end(&ended, &limits).0))
        }
        Err(_elapsed) => {
            process.end().await;
            Err(StartFailure::Failed(format!(
                "the run process did not read the program within {} s",
                START_TIMEOUT.as_secs()
            )))
        }
    }
}

/// Keeps the last [`STDERR_TAIL_BYTES`] of what the child writes on standard error, logging each
/// piece at debug level.
async fn keep_tail(mut pipe: tokio::process::ChildStderr, tail: Arc<Mutex<Vec<u8>>>, pid: u32) {
    let mut chunk = vec![0u8; 8192];
    loop {
        let n = match pipe.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        tracing::debug!(
            "run process {pid}: {}",
            String::from_utf8_lossy(&chunk[..n]).trim_end()
        );
        let mut kept = tail.lock().unwrap_or_else(|p| p.into_inner());
        kept.extend_from_slice(&chunk[..n]);
        if kept.len() > STDERR_TAIL_BYTES {
            let cut = kept.len() - STDERR_TAIL_BYTES;
            kept.drain(..cut);
        }
    }
}

impl RunProcess {
    /// The child's process id, which is also its process group's.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The next frame, read into its type (a line that does not read as its kind is an error);
    /// `None` once the child's standard output ends (it exited or died). Cancel-safe only between
    /// frames: a caller that may be cancelled keeps the same `RunProcess` and calls again (the
    /// partial line stays in the buffer).
    pub async fn next_frame(&mut self) -> Result<Option<ReadFrame>, String> {
        loop {
            let room = (MAX_FRAME_BYTES + 1).saturating_sub(self.line.len()) as u64;
            let mut limited = (&mut self.stdout).take(room);
            let n = limited
                .read_until(b'\n', &mut self.line)
                .await
                .map_err(|e| format!("reading the run process's events failed: {e}"))?;
            if self.line.ends_with(b"\n") {
                break;
            }
            if self.line.len() > MAX_FRAME_BYTES {
                return Err(format!(
                    "the run process sent an event over {}",
                    describe_bytes(MAX_FRAME_BYTES as u64)
                ));
            }
            if n == 0 {
                if self.line.is_empty() {
                    return Ok(None);
                }
                return Err("the run process's last event was cut short".into());
            }
        }
        let line = std::mem::take(&mut self.line);
        let text = std::str::from_utf8(&line[..line.len() - 1])
            .map_err(|_| "the run process sent an event that is not UTF-8".to_string())?;
        let (frame, json) =
            Frame::parse_line(text).map_err(|e| format!("the run process sent {e}"))?;
        Ok(Some(ReadFrame {
            frame,
            json: json.to_string(),
        }))
    }

    /// Asks the child to stop its run, saying why (it ends its threads and sends `done`). Once only;
    /// a child that no longer reads is not waited for.
    pub async fn ask_to_stop(&mut self, reason: &str) {
        let Some(mut stdin) = self.stdin.take() else {
            return;
        };
        let mut line = serde_json::to_vec(&StopRequest {
            stop: reason.to_string(),
        })
        .unwrap_or_default();
        line.push(b'\n');
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            let _ = stdin.write_all(&line).await;
            let _ = stdin.flush().await;
        })
        .await;
        // Closing its input too: a child that missed the line stops on end-of-file.
    }

    /// Kills the child's process group (the child and its worker processes) and reaps the child.
    pub async fn end(mut self) -> Ended {
        kill_group(self.pid);
        let _ = self.child.start_kill();
        let status = self.child.wait().await.ok();
        self.ended = true;
        // Every process that could write to the pipe is gone: the reader takes the last words and ends.
        if let Some(reader) = self.stderr_reader.take() {
            let _ = tokio::time::timeout(Duration::from_secs(1), reader).await;
        }
        let stderr_tail = {
            let kept = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
            String::from_utf8_lossy(&kept).into_owned()
        };
        let cgroup = self.cgroup.take();
        let out_of_memory = cgroup.as_ref().is_some_and(RunCgroup::ran_out_of_memory);
        // Removing the group may wait a moment for the kernel to let its killed processes go; the run
        // is not over (its slot not free) until it is gone.
        if let Some(cgroup) = cgroup {
            let _ = tokio::task::spawn_blocking(move || drop(cgroup)).await;
        }
        Ended {
            status,
            out_of_memory,
            stderr_tail,
        }
    }

    /// The limits the child runs under.
    pub fn limits(&self) -> RunLimits {
        self.limits
    }
}

/// Why a child ended without sending `done`, in English, and the memory limit when passing it is what
/// ended the run.
pub fn describe_end(ended: &Ended, limits: &RunLimits) -> (String, Option<u64>) {
    use std::os::unix::process::ExitStatusExt;
    let tail = &ended.stderr_tail;
    let memory = limits.memory_bytes;
    if ended.out_of_memory || tail.contains("memory allocation of") {
        let limit = memory.map_or("its".to_string(), describe_bytes);
        return (
            format!("the run was ended: it used more memory than {limit} allows"),
            memory,
        );
    }
    if tail.contains("has overflowed its stack") {
        return (
            "the run was ended: a thread of the engine overflowed its stack (a value or a chain of \
             calls nested too deep); this is a limit of futurelab, not of your program"
                .into(),
            None,
        );
    }
    if let Some(panic) = panic_message(tail) {
        return (
            format!(
                "the run was ended: futurelab's engine failed ({panic}); this is a bug in futurelab, \
                 not in your program"
            ),
            None,
        );
    }
    let Some(status) = ended.status else {
        return ("the run's process could not be waited for".into(), None);
    };
    if let Some(signal) = status.signal() {
        let name = match signal {
            24 => {
                let cpu = limits
                    .cpu_seconds
                    .map_or(String::new(), |s| format!(" of {s} s"));
                return (
                    format!("the run was ended: it used its CPU time{cpu}"),
                    None,
                );
            }
            9 => "SIGKILL",
            6 => "SIGABRT",
            11 => "SIGSEGV",
            7 => "SIGBUS",
            _ => "a signal",
        };
        return (
            format!("the run's process was ended by {name} (signal {signal})"),
            None,
        );
    }
    let last = tail.lines().rev().find(|l| !l.trim().is_empty());
    (
        match (status.code(), last) {
            (Some(code), Some(last)) => {
                format!("the run's process exited with status {code}: {last}")
            }
            (Some(code), None) => format!("the run's process exited with status {code}"),
            (None, _) => "the run's process ended".into(),
        },
        None,
    )
}

/// The message of a Rust panic in `stderr`: the line after `panicked at …:`.
fn panic_message(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if line.contains("panicked at") {
            let message = lines.next().unwrap_or("").trim();
            let message: String = message.chars().take(300).collect();
            return Some(if message.is_empty() {
                line.trim().to_string()
            } else {
                message
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    fn ended(raw_status: i32, stderr: &str) -> Ended {
        Ended {
            status: Some(ExitStatus::from_raw(raw_status)),
            out_of_memory: false,
            stderr_tail: stderr.into(),
        }
    }

    const LIMITS: RunLimits = RunLimits {
        memory_bytes: Some(1 << 30),
        threads: 10,
        reserved_stacks: 10,
        cpu_seconds: Some(30),
        niceness: 0,
    };

    #[test]
    fn an_ended_child_is_described_by_what_it_said_and_how_it_died() {
        let (why, memory) = describe_end(
            &ended(6, "memory allocation of 1048576 bytes failed\n"),
            &LIMITS,
        );
        assert_eq!(
            why,
            "the run was ended: it used more memory than 1 GiB allows"
        );
        assert_eq!(memory, Some(1 << 30));
        let (why, _) = describe_end(
            &ended(
                6,
                "\nthread 'MainThread' has overflowed its stack\nfatal runtime error: stack overflow\n",
            ),
            &LIMITS,
        );
        assert!(why.contains("overflowed its stack"), "{why}");
        let (why, _) = describe_end(
            &ended(
                6,
                "thread 'MainThread' panicked at core/programs/src/x.rs:1:2:\nattempt to negate with overflow\n",
            ),
            &LIMITS,
        );
        assert!(
            why.contains("engine failed (attempt to negate with overflow)"),
            "{why}"
        );
        let (why, _) = describe_end(&ended(24, ""), &LIMITS);
        assert_eq!(why, "the run was ended: it used its CPU time of 30 s");
        let (why, _) = describe_end(&ended(9, ""), &LIMITS);
        assert_eq!(why, "the run's process was ended by SIGKILL (signal 9)");
        let (why, _) = describe_end(&ended(3 << 8, "one\nlast words\n\n"), &LIMITS);
        assert_eq!(why, "the run's process exited with status 3: last words");
    }
}
