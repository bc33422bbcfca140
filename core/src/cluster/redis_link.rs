//! One connection to the cluster's Redis, reconnected when Redis goes away.

use crate::ExecutorError;
use std::time::Duration;

/// How long connecting may take before the attempt counts as failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest any reply may take: blocking reads ask Redis for at most a second.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest pause between two attempts to reach a Redis that went away.
const MAX_PAUSE: Duration = Duration::from_secs(2);

/// A Redis connection that reconnects: [`Link::run`] retries a command while Redis is unreachable.
pub(crate) struct Link {
    client: redis::Client,
    connection: Option<redis::Connection>,
}

impl Link {
    /// Checks the URL and reaches Redis once (`PING`), so that a wrong URL fails at once.
    pub(crate) fn open(url: &str) -> Result<Self, ExecutorError> {
        let client = redis::Client::open(url).map_err(|e| {
            ExecutorError::Unreachable(format!("{:?} is not a Redis URL: {e}", redacted(url)))
        })?;
        let mut link = Link {
            client,
            connection: None,
        };
        link.connect()
            .and_then(|c| redis::cmd("PING").query::<String>(c))
            .map_err(|e| ExecutorError::Unreachable(format!("{}: {e}", redacted(url))))?;
        Ok(link)
    }

    fn connect(&mut self) -> redis::RedisResult<&mut redis::Connection> {
        if self.connection.is_none() {
            let connection = self.client.get_connection_with_timeout(CONNECT_TIMEOUT)?;
            connection.set_read_timeout(Some(READ_TIMEOUT))?;
            connection.set_write_timeout(Some(READ_TIMEOUT))?;
            self.connection = Some(connection);
        }
        Ok(self.connection.as_mut().expect("connected just above"))
    }

    /// Runs `command`, reconnecting and running it again while the failure is the connection's (Redis
    /// restarted, or is not up yet), pausing longer each time, for as long as `keep_trying()` says. A
    /// command that Redis refuses is returned at once.
    pub(crate) fn run<T>(
        &mut self,
        mut command: impl FnMut(&mut redis::Connection) -> redis::RedisResult<T>,
        keep_trying: impl Fn() -> bool,
    ) -> redis::RedisResult<T> {
        let mut pause = Duration::from_millis(20);
        loop {
            let outcome = self.connect().and_then(&mut command);
            match outcome {
                Err(e) if is_connection_failure(&e) => {
                    self.connection = None;
                    if !keep_trying() {
                        return Err(e);
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(MAX_PAUSE);
                }
                other => return other,
            }
        }
    }
}

fn is_connection_failure(e: &redis::RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() || e.is_timeout()
}

/// Creates the task stream and its consumer group if they are not there (from the stream's start, so
/// tasks added before any worker came are read too).
pub(crate) fn ensure_group(
    link: &mut Link,
    tasks: &str,
    keep_trying: impl Fn() -> bool,
) -> redis::RedisResult<()> {
    let created = link.run(
        |c| {
            redis::cmd("XGROUP")
                .arg("CREATE")
                .arg(tasks)
                .arg(super::keys::GROUP)
                .arg("0")
                .arg("MKSTREAM")
                .query::<()>(c)
        },
        keep_trying,
    );
    match created {
        Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
        other => other,
    }
}

/// Milliseconds since the Unix epoch: the workers' heartbeat clock (shared by every machine's Redis
/// view, close enough for a liveness window of seconds).
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `url` with its password (if any) replaced by `***`, for errors and logs: `redis://:***@host:6379`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        None => url.to_string(),
        Some(at) => {
            let user = rest[..at].split_once(':').map_or("", |(user, _)| user);
            format!("{scheme}://{user}:***{}", &rest[at..])
        }
    }
}

/// The machine's name, for worker and client names: `/proc/sys/kernel/hostname`, `$HOSTNAME`, or `host`.
pub(crate) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "host".to_string())
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn a_password_never_shows_in_what_is_printed() {
        assert_eq!(redacted("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(
            redacted("redis://:hunter2@h:6379/2"),
            "redis://:***@h:6379/2"
        );
        assert_eq!(
            redacted("redis://me:hunter2@h:6379"),
            "redis://me:***@h:6379"
        );
        // A lone name may be a password written without its colon: hidden too.
        assert_eq!(redacted("rediss://me@h"), "rediss://:***@h");
        // An '@' after the host is a path's, not a password's.
        assert_eq!(redacted("redis://h/0@x"), "redis://h/0@x");
        assert_eq!(redacted("not a url"), "not a url");
    }
}
