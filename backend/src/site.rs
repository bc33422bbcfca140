//! `futurelab site DIR`: the playground as a static site, for hosts that serve files and nothing else.
//!
//! The folder gets the page this binary carries (with its service worker, which adds the isolation
//! headers such hosts cannot send) and the flag server's images at the paths the server serves them
//! (`flags/cn/cn.gif`), so the flag downloads work with no server: a code the seeds do not know is the
//! host's own 404, as it is the server's. What needs a server (runs on the server, process pools,
//! `/is_prime`, the crawler's pages) the page says it cannot do there.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why the site could not be written. Each is one line for the user.
#[derive(Debug)]
pub enum SiteError {
    /// The binary was built before the page was: there is nothing to write.
    NoPage,
    /// The folder exists and holds something: nothing is overwritten.
    NotEmpty(PathBuf),
    /// Creating or writing a file failed.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SiteError::NoPage => f.write_str(
                "this binary carries no page (it was built before the page was): `make site` builds both",
            ),
            SiteError::NotEmpty(dir) => write!(
                f,
                "{} is not empty: give a new or empty folder (nothing was written)",
                dir.display()
            ),
            SiteError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for SiteError {}

/// What the site's `/healthz` says: not the server's `{"status":"ok"}`.
pub const STATIC_HEALTHZ: &str = r#"{"status":"static site: no futurelab server"}"#;

/// Writes the site into `dir` (new, or empty) and says what it wrote.
pub fn write(dir: &Path) -> Result<String, SiteError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| SiteError::Io(path, e)
    };
    let page: Vec<_> = crate::server::embedded_files().collect();
    if !page.iter().any(|(path, _)| path == "index.html") {
        return Err(SiteError::NoPage);
    }
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(SiteError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io(dir))?
        }
        Err(e) => return Err(SiteError::Io(dir.to_path_buf(), e)),
    }
    let flags: Vec<_> = crate::server::flags::flag_files().collect();
    let files = page
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.as_ref()))
        .chain(flags.iter().map(|(path, bytes)| (path.as_str(), *bytes)))
        // GitHub Pages would otherwise run Jekyll over the folder.
        .chain([(".nojekyll", &b""[..])])
        // The page asks /healthz whether a server serves it: here a file answers that none does
        // (instead of the host's 404, which the browser would log as an error).
        .chain([("healthz", STATIC_HEALTHZ.as_bytes())]);
    let mut count = 0;
    for (relative, bytes) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        count += 1;
    }
    Ok(format!(
        "futurelab: wrote the static site to {} ({count} files: the page, {} flags, healthz); any static host serves it, e.g. `python3 -m http.server -d {}`",
        dir.display(),
        flags.len(),
        dir.display()
    ))
}
