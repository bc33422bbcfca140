//! The command line.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// `0.1.0 (commit 1a2b3c4d5e6f)`: the version and the commit the binary was built from (build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("FUTURELAB_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "futurelab",
    version = VERSION,
    about = "Python's concurrent.futures, re-created in Rust: the playground server and tools"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the playground page (and its API) on a local address.
    Serve(ServeArgs),
    /// Run a seed program (or a Python file) natively: standard output gets what the program prints.
    Run(RunArgs),
    /// Download flags like the seed's flags2 programs: save the images, count ok / not found / error.
    Flags(FlagsArgs),
    /// Serve tasks of a cluster executor's queue on Redis: the built-in functions and the programs'
    /// own, as the process pools' workers serve them. Stops on SIGTERM or Ctrl-C, after the task it runs.
    Worker(WorkerArgs),
    /// Write the playground as a static site (the page this binary carries, and the flag images) into a
    /// new folder, for any static host: no server, no special headers needed.
    Site(SiteArgs),
    /// One run of the server's, in a process of its own: reads its request on standard input and
    /// writes its events on standard output (the server starts it; not for people).
    #[command(hide = true)]
    RunChild,
}

#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// The Redis server: redis://host:6379 (redis://:password@host:6379/2).
    #[arg(long, value_name = "URL")]
    pub redis: String,
    /// The queue to serve (letters, digits, '-', '_', '.').
    #[arg(long, value_name = "NAME", default_value = "futurelab")]
    pub queue: String,
    /// Tasks run at once.
    #[arg(long, default_value_t = 1, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub concurrency: usize,
    /// A task whose worker has not touched it for this long is claimed by another (seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub visibility: u64,
    /// Deliveries after which a task whose workers keep dying is failed instead of run again.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub max_deliveries: u64,
}

/// `--redis URL [--queue NAME]`: send programs' process pools to a cluster's workers.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterArgs {
    /// Run programs' process pools (ProcessPoolExecutor, multiprocessing.Pool) on the workers of a
    /// futurelab cluster on this Redis server (`futurelab worker --redis URL` starts them, anywhere)
    /// instead of local worker processes: redis://host:6379.
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// The cluster's queue, with --redis.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "futurelab",
        requires = "redis"
    )]
    pub queue: String,
}

impl ClusterArgs {
    /// Where process pools go: the cluster, if `--redis` was given.
    pub fn target(&self) -> Option<futurelab_programs::ClusterTarget> {
        self.redis
            .as_ref()
            .map(|redis| futurelab_programs::ClusterTarget {
                redis: redis.clone(),
                queue: self.queue.clone(),
            })
    }
}

#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// The folder to write: new, or empty.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct FlagsArgs {
    /// Country codes to download (two letters each); the 20 most populous countries by default.
    #[arg(value_name = "CC")]
    pub codes: Vec<String>,
    /// One request after another, a thread pool, or one thread with async requests.
    #[arg(long, value_enum, default_value = "threads")]
    pub mode: DownloadMode,
    /// Requests at once for threads and async (the seed's concur_req).
    #[arg(long, default_value_t = 30, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub workers: usize,
    /// A line per flag instead of the progress bar.
    #[arg(long, short)]
    pub verbose: bool,
    /// The flag server (`futurelab serve` serves one); without it, one is started inside the command.
    #[arg(long, value_name = "URL", value_parser = parse_http_url)]
    pub server: Option<String>,
    /// Where the images are saved.
    #[arg(long, default_value = "downloads")]
    pub dest: PathBuf,
    /// Without --server: the started flag server waits this long before every answer (ms), like a
    /// distant server, so the modes' difference shows.
    #[arg(long, default_value_t = 100, conflicts_with = "server")]
    pub flag_delay_ms: u64,
    /// Without --server: plus a random extra wait of up to this long (ms).
    #[arg(long, default_value_t = 50, conflicts_with = "server")]
    pub flag_jitter_ms: u64,
    /// Without --server: the fraction of flag requests that fail with 500 or 503.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate, conflicts_with = "server")]
    pub flag_error_rate: f64,
}

impl FlagsArgs {
    pub fn flag_options(&self) -> crate::server::flags::FlagOptions {
        crate::server::flags::FlagOptions {
            delay_ms: self.flag_delay_ms,
            jitter_ms: self.flag_jitter_ms,
            error_rate: self.flag_error_rate,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DownloadMode {
    Sequential,
    Threads,
    Async,
}

fn parse_http_url(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("http://")
        .ok_or_else(|| format!("{text:?} is not an http:// URL (https is not supported)"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("{text:?} has no host"));
    }
    Ok(text.to_string())
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A seed program's id (A4, C6, …: see --list), a Python file (`.py`), or a version 1 scenario (a
    /// preset's name or a `.json` file), run as the program it converts to.
    #[arg(required_unless_present = "list")]
    pub program: Option<String>,
    /// List the seed programs (and the version 1 scenario names) and exit.
    #[arg(long)]
    pub list: bool,
    /// Run without a GIL, as CPython's free-threaded build (`python3.13t`) does: threads run Python code
    /// at once, on every core.
    #[arg(long)]
    pub free_threaded: bool,
    /// Multiply every sleep by this (0.1 runs ten times faster).
    #[arg(long)]
    pub time_scale: Option<f64>,
    /// How each line's time is shown.
    #[arg(long, value_enum, default_value = "relative")]
    pub timestamps: TimestampArg,
    /// The futurelab server that programs' `requests.get` download from (start one with
    /// `futurelab serve`).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// Stop the program after this many seconds (default 600).
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Print the program's Python (a version 1 scenario's: the program it converts to) and exit.
    #[arg(long)]
    pub print_python: bool,
    /// For a seed program: check that FILE (what python3 printed, or a run in the page) says what the
    /// program determines, by the preset's own comparison with a fresh run of the engine at the
    /// preset's test speed. Exits with an error naming the first difference.
    #[arg(long, value_name = "FILE", conflicts_with = "print_python")]
    pub compare_with: Option<std::path::PathBuf>,
    /// Write the run's trace as Chrome trace JSON (opens in Perfetto).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<std::path::PathBuf>,
    /// Hold the run (this process and its worker processes, each) to this much memory: 512M, 1G. Past
    /// it an allocation fails and the run ends saying so. No limit by default, as CPython has none.
    #[arg(long, value_name = "SIZE", value_parser = crate::run_child::limits::parse_bytes)]
    pub memory_limit: Option<u64>,
    /// The most threads the program may have alive at once, its executors' workers and asyncio
    /// tasks included.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    pub thread_limit: usize,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TimestampArg {
    /// `[0.105]`: seconds since the start.
    Relative,
    /// `[17:40:08]`, as the seeds' display() prints (UTC).
    Clock,
    None,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: nothing outside this machine can reach it.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Serve the page in this folder (trunk's output) instead of the one built into the binary: for
    /// frontend work. Without a page either way, every API route still answers and `/` says how to get
    /// one.
    #[arg(long, value_name = "DIR", env = "FUTURELAB_DIST")]
    pub dist: Option<PathBuf>,
    /// Also answer to this host name (the loopback names and the listening address always work); for a
    /// server reached by a name, such as behind a proxy. Repeat for several.
    #[arg(long = "allow-host", value_name = "NAME", value_parser = parse_host_name)]
    pub allow_hosts: Vec<String>,
    /// Also take writes (program runs) from the page at this origin, such as
    /// `http://127.0.0.1:8080`: the page of `make dev`'s trunk serve, which proxies the API to this
    /// server. Repeat for several.
    #[arg(long = "allow-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    pub allow_origins: Vec<String>,
    /// How much the server logs on standard error: a line per request at `info`.
    #[arg(long, value_enum, default_value = "info")]
    pub log: LogLevel,
    /// The flag server waits this long before every answer (milliseconds).
    #[arg(long, default_value_t = 0)]
    pub flag_delay_ms: u64,
    /// Plus a random extra wait of up to this long (milliseconds).
    #[arg(long, default_value_t = 0)]
    pub flag_jitter_ms: u64,
    /// The fraction of flag requests that fail with 500 or 503, from 0 to 1.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub flag_error_rate: f64,
    /// The longest a program run goes on before the server stops it (seconds, 1 to 3600).
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub run_time_limit: u64,
    /// What one run may allocate (its process, and each of its worker processes): 512M, 2G. Past it
    /// the run is ended, and its `done` says so.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = crate::run_child::limits::parse_bytes)]
    pub run_memory_limit: u64,
    /// Hold runs with process limits alone (the memory limit as address space), without a control
    /// group for each run even where one could be made.
    #[arg(long)]
    pub no_run_cgroups: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

impl ServeArgs {
    /// The page to serve: `--dist`'s folder, or the one built into the binary.
    pub fn page(&self) -> crate::server::PageSource {
        match &self.dist {
            Some(dir) => crate::server::PageSource::Folder(dir.clone()),
            None => crate::server::PageSource::Embedded,
        }
    }

    pub fn flag_options(&self) -> crate::server::flags::FlagOptions {
        crate::server::flags::FlagOptions {
            delay_ms: self.flag_delay_ms,
            jitter_ms: self.flag_jitter_ms,
            error_rate: self.flag_error_rate,
        }
    }

    /// The server's options from the command line.
    pub fn serve_options(&self) -> crate::server::ServeOptions {
        let mut options = crate::server::ServeOptions::new(self.page());
        options.flags = self.flag_options();
        options.allowed_hosts = self.allow_hosts.clone();
        options.allowed_page_origins = self.allow_origins.clone();
        options.run_time_limit = std::time::Duration::from_secs(self.run_time_limit);
        options.run_memory_limit = Some(self.run_memory_limit);
        options.run_cgroups = !self.no_run_cgroups;
        options
    }
}

/// `--log`: the most detailed level written.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub fn filter(self) -> tracing::level_filters::LevelFilter {
        use tracing::level_filters::LevelFilter;
        match self {
            LogLevel::Off => LevelFilter::OFF,
            LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
        }
    }
}

/// A host name for `--allow-host`: letters, digits, dots and dashes (no port, no scheme).
fn parse_host_name(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 253
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if ok {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(format!(
            "{text:?} is not a host name (letters, digits, dots and dashes; no port)"
        ))
    }
}

/// `http://host[:port]` or `https://…`: an origin as browsers send it (no path, no trailing slash).
fn parse_origin(text: &str) -> Result<String, String> {
    let err =
        || format!("{text:?} is not an origin (http://host or http://host:port, with no path)");
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .ok_or_else(err)?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        _ => (rest, None),
    };
    let ipv6 = host.len() > 2
        && host.starts_with('[')
        && host.ends_with(']')
        && host[1..host.len() - 1]
            .parse::<std::net::Ipv6Addr>()
            .is_ok();
    let host_ok = parse_host_name(host).is_ok() || ipv6;
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
    if host_ok && port_ok {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(err())
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{text:?} is not a fraction from 0 to 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_origin;

    #[test]
    fn origins_are_a_scheme_a_host_and_maybe_a_port() {
        for ok in [
            "http://127.0.0.1:8080",
            "https://lab.example",
            "http://[::1]:8080",
            "http://LOCALHOST:1",
        ] {
            assert_eq!(parse_origin(ok), Ok(ok.to_ascii_lowercase()), "{ok}");
        }
        for bad in [
            "127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://host:99999",
            "http://",
            "ftp://host",
            "http://a b",
            "http://[::1",
            "http://[zz]:80",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }
}
