//! Running a program under the machine's CPython, the way the differential tests compare it with the
//! engine: time scaled alike, each print call whole, HTTP to the futurelab server sent where the run's
//! server is (see `cpython_runner.py`).

use std::process::Command;

const RUNNER: &str = include_str!("cpython_runner.py");

/// What CPython printed on standard output, or why it could not run the program.
///
/// `server` is the futurelab server's base URL (`http://127.0.0.1:PORT`) for programs that fetch:
/// their `http://127.0.0.1:8080` URLs go there. The program runs in a fresh temporary directory (with
/// the `downloads/` folder the flag downloaders expect).
pub fn run_under_cpython(
    source: &str,
    name: &str,
    time_scale: f64,
    server: Option<&str>,
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
    let out = command
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "CPython failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "CPython printed something that is not UTF-8".into())
}
