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
        .env("PYTHONWARNINGS", "ignore")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(server) = server {
        command.env("FUTURELAB_SERVER", server);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = pipe.read_to_end(&mut out);
            out
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("piped")));
    let stderr = read_all(Box::new(child.stderr.take().expect("piped")));
    let limit = Duration::from_secs_f64(hangs_for.unwrap_or(120.0));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
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
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
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
