//! Running a program under the machine's CPython, the way the differential tests compare it with the
//! engine: time scaled alike, each print call whole, HTTP to the futurelab server sent where the run's
//! server is (see `cpython_runner.py`).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNNER: &str = include_str!("cpython_runner.py");

/// What CPython printed on standard output, or why it could not run the program.
///
/// - `server` is the futurelab server's base URL (`http://127.0.0.1:PORT`) for programs that fetch:
///   their `http://127.0.0.1:8080` URLs go there.
/// - `hangs_for`: a program that never ends by design is killed after this many seconds, and what it
///   printed until then is its output. Any other program that is still running after 120 s is an error.
///
/// The program runs in a fresh temporary directory, with the `downloads/` folder the flag downloaders
/// expect.
pub fn run_under_cpython(
    source: &str,
    name: &str,
    time_scale: f64,
    server: Option<&str>,
    hangs_for: Option<f64>,
) -> Result<String, String> {
    let temp =
        tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let dir = temp.path();
    let program = dir.join(format!("{name}.py"));
    let runner = dir.join("futurelab_cpython_runner.py");
    std::fs::write(&program, source).map_err(|e| e.to_string())?;
    std::fs::write(&runner, RUNNER).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("downloads")).map_err(|e| e.to_string())?;
    let mut command = Command::new("python3");
    command
        .args(["-X", "utf8"])
        .arg(&runner)
        .arg(&program)
        .arg(time_scale.to_string())
        .current_dir(dir)
        .env("PYTHONWARNINGS", "ignore");
    if let Some(server) = server {
        command.env("FUTURELAB_SERVER", server);
    }
    let limit = Duration::from_secs_f64(hangs_for.unwrap_or(120.0));
    let Captured {
        status,
        stdout,
        stderr,
    } = run_captured(&mut command, limit).map_err(|e| format!("cannot run python3: {e}"))?;
    match (status, hangs_for) {
        (Some(status), _) if !status.success() => {
            return Err(format!(
                "CPython failed: {}",
                String::from_utf8_lossy(&stderr)
            ))
        }
        (None, None) => {
            return Err(format!(
                "CPython was still running after {} s",
                limit.as_secs()
            ))
        }
        _ => {}
    }
    String::from_utf8(stdout).map_err(|_| "CPython printed something that is not UTF-8".into())
}

/// What `source` writes when python3 runs it as a file (so that its tracebacks quote the program's
/// lines): its standard output and its standard error, where the file's path is `<program>`, as
/// the engine names the program in its tracebacks. A program that fails is no error here: its
/// traceback is what is asked for.
pub fn run_file_under_cpython(source: &str) -> Result<(String, String), String> {
    let temp =
        tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let program = temp.path().join("program.py");
    std::fs::write(&program, source).map_err(|e| e.to_string())?;
    let mut command = Command::new("python3");
    command
        .args(["-X", "utf8"])
        .arg(&program)
        .current_dir(temp.path())
        .env("PYTHONWARNINGS", "ignore");
    let captured = run_captured(&mut command, Duration::from_secs(120))
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes).map_err(|_| "CPython printed something that is not UTF-8")
    };
    let path = format!("\"{}\"", program.display());
    Ok((
        text(captured.stdout)?,
        text(captured.stderr)?.replace(&path, "\"<program>\""),
    ))
}

/// What a program run by [`run_captured`] wrote, and how it ended: `status` is `None` when it was
/// killed at the limit.
#[derive(Debug)]
pub struct Captured {
    pub status: Option<std::process::ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `command` with its standard output and error captured, killing it if it is still running
/// after `limit` (then what it wrote until then is kept). Its standard input is closed.
pub fn run_captured(command: &mut Command, limit: Duration) -> std::io::Result<Captured> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let read_all = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut out);
            }
            out
        })
    };
    let stdout = read_all(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read_all(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        // Polling a child for its exit: there is no portable wait with a deadline in std.
        std::thread::sleep(Duration::from_millis(10));
    };
    Ok(Captured {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}
