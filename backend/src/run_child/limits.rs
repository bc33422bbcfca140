//! The operating system's limits on a run's process: the one place that knows how they are set.
//!
//! A run child sets them on itself before it reads its program, as hard limits (soft = hard), so
//! nothing the program makes the engine do can lift them; the worker processes of its process pools
//! inherit them. What each limit holds:
//!
//! | limit | how | what happens past it |
//! |---|---|---|
//! | memory | a control group's memory limit where the server may make one ([`RunCgroup`]: real memory, the run's processes together); and always `RLIMIT_AS` on each process: the memory limit plus the program's own mappings ([`BASE_ADDRESS_SPACE`]) and [`RunLimits::reserved_stacks`] thread stacks ([`THREAD_STACK_RESERVE`] each) | an allocation fails and the engine aborts with "memory allocation of N bytes failed", or the kernel kills a process of the group; the server's `done` says the run used more memory than its limit |
//! | CPU time | `RLIMIT_CPU`, per process | `SIGXCPU`, then `SIGKILL` a second later |
//! | core dumps | `RLIMIT_CORE` = 0 | a crashing run writes no gigabyte-sized file |
//! | open files | `RLIMIT_NOFILE` = [`OPEN_FILES`] | `open`, a socket or a pipe fails with an error |
//! | CPU priority | nice [`RUN_NICENESS`] (the server's runs only, [`RunLimits::niceness`]) | runs spinning on every core still leave the server the CPU it needs to answer at once |
//!
//! The wall-clock limit is the server's: it kills the run's process group ([`kill_group`]).
//! `RLIMIT_AS` counts address space, not resident memory: every thread's stack counts in full
//! (2 MiB), used or not. Without a control group, the stacks of [`RESERVED_STACKS`] threads are
//! reserved beyond the memory limit, and each thread past those takes its stack from the limit (with
//! 1 GiB, a program can still start about 500 more); with one, the control group holds the real
//! memory, and the address space is a backstop with room for every thread the engine allows.
//! `RLIMIT_NPROC` would count every process of the user (and is not enforced for root), so threads
//! and processes are counted by the engine instead (`Limits::max_threads`, the process pools' caps),
//! with the address-space limit as the backstop: a thread stack that cannot be mapped is a thread
//! that cannot start.

use serde::{Deserialize, Serialize};

/// Address space each thread's stack reserves (Rust's default 2 MiB, and its guard page, rounded up).
pub const THREAD_STACK_RESERVE: u64 = 2 * 1024 * 1024 + 64 * 1024;

/// Address space a run child maps before its program allocates anything: the binary, its libraries,
/// the allocator's arenas (the child runs with `MALLOC_ARENA_MAX=2`) and the engine's own threads.
/// Measured: an idle run maps about 100 MiB (`VmSize` in `/proc/PID/status`, a debug build).
pub const BASE_ADDRESS_SPACE: u64 = 256 * 1024 * 1024;

/// Thread stacks reserved beyond the memory limit when the address space is all that holds a run: the
/// seed programs start at most a few dozen threads.
pub const RESERVED_STACKS: usize = 64;

/// How much lower a server's run is scheduled than the server itself.
pub const RUN_NICENESS: i32 = 10;

/// Files, sockets and pipes a run's process may have open at once.
pub const OPEN_FILES: u64 = 4096;

/// The memory limit of a run on the server, unless `--run-memory-limit` says otherwise.
pub const DEFAULT_MEMORY_BYTES: u64 = 1 << 30;

/// The limits on one run's processes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct RunLimits {
    /// What the run may allocate; `None`: no limit (the CLI's default, as CPython has none).
    pub memory_bytes: Option<u64>,
    /// The most threads the engine lets the run have alive at once.
    pub threads: usize,
    /// Threads whose stacks' address space is reserved on top of `memory_bytes`
    /// ([`RESERVED_STACKS`], or every thread when a control group holds the real memory).
    pub reserved_stacks: usize,
    /// CPU seconds each process of the run may use; `None`: no limit.
    pub cpu_seconds: Option<u64>,
    /// Added to the process's niceness (a lower CPU priority); 0 leaves it.
    #[serde(default)]
    pub niceness: i32,
}

impl RunLimits {
    /// The address-space limit that holds the run to `memory_bytes`, if there is one.
    pub fn address_space_bytes(&self) -> Option<u64> {
        self.memory_bytes.map(|memory| {
            memory
                .saturating_add(THREAD_STACK_RESERVE.saturating_mul(self.reserved_stacks as u64))
                .saturating_add(BASE_ADDRESS_SPACE)
        })
    }

    /// Sets these limits on this process (and so on every process it starts), for good: the hard
    /// limits are lowered too, and no process can raise its hard limit again without privilege the
    /// engine never uses.
    pub fn apply_to_this_process(&self) -> Result<(), String> {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let set = |resource: Resource, name: &str, value: u64| {
            setrlimit(
                resource,
                Rlimit {
                    current: Some(value),
                    maximum: Some(value),
                },
            )
            .map_err(|e| format!("cannot set {name} to {value}: {e}"))
        };
        if self.niceness != 0 {
            rustix::process::nice(self.niceness)
                .map_err(|e| format!("cannot lower the CPU priority by {}: {e}", self.niceness))?;
        }
        set(Resource::Core, "RLIMIT_CORE", 0)?;
        set(Resource::Nofile, "RLIMIT_NOFILE", OPEN_FILES)?;
        if let Some(bytes) = self.address_space_bytes() {
            set(Resource::As, "RLIMIT_AS", bytes)?;
        }
        if let Some(seconds) = self.cpu_seconds {
            // The soft limit sends SIGXCPU, which ends the process; the hard one, a second on, SIGKILL.
            setrlimit(
                Resource::Cpu,
                Rlimit {
                    current: Some(seconds),
                    maximum: Some(seconds + 1),
                },
            )
            .map_err(|e| format!("cannot set RLIMIT_CPU to {seconds}: {e}"))?;
        }
        Ok(())
    }
}

/// Kills every process of the group `leader` leads (a run child and its worker processes) with
/// SIGKILL. A group with no process left is not an error.
pub fn kill_group(leader: u32) {
    let Some(pid) = i32::try_from(leader)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return;
    };
    let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
}

/// Human words for a number of bytes: `1 GiB`, `512 MiB`.
pub fn describe_bytes(bytes: u64) -> String {
    const GIB: u64 = 1 << 30;
    const MIB: u64 = 1 << 20;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a memory size as the command line takes it: `1G`, `512M`, `1048576`.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 512M or 1G"))?;
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("{text:?}: the unit is one of K, M or G")),
    };
    let bytes = number
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))?;
    if bytes < 64 << 20 {
        return Err(format!(
            "{text:?} is below 64M: the engine itself needs that much"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_the_command_line_writes_them() {
        assert_eq!(parse_bytes("1G"), Ok(1 << 30));
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("512MiB"), Ok(512 << 20));
        assert_eq!(parse_bytes("134217728"), Ok(128 << 20));
        for bad in ["", "G", "1T", "-1G", "1M", "99999999999999999999G"] {
            assert!(parse_bytes(bad).is_err(), "{bad:?}");
        }
        assert_eq!(describe_bytes(1 << 30), "1 GiB");
        assert_eq!(describe_bytes(1536 << 20), "1536 MiB");
    }

    #[test]
    fn the_address_space_reserves_the_stacks_it_is_told_on_top_of_the_memory() {
        let limits = RunLimits {
            memory_bytes: Some(1 << 30),
            threads: 1000,
            reserved_stacks: 64,
            cpu_seconds: None,
            niceness: 0,
        };
        let space = limits.address_space_bytes().unwrap();
        assert_eq!(
            space,
            (1 << 30) + 64 * THREAD_STACK_RESERVE + BASE_ADDRESS_SPACE
        );
        let none = RunLimits {
            memory_bytes: None,
            ..limits
        };
        assert_eq!(none.address_space_bytes(), None);
    }
}

/// A control group for one run, where the server may make one: it holds the run's processes together
/// to [`RunLimits::memory_bytes`] of real memory (not address space) and to a number of tasks
/// (threads and processes), whatever they allocate or start. Linux's cgroup v2 (`memory.max`,
/// `pids.max`) or v1 (`memory.limit_in_bytes`, `pids.max`) when the server may create groups (as root,
/// or with delegation); elsewhere runs have [`RLIMIT_AS`](RunLimits::apply_to_this_process) alone.
/// Removed when dropped (its processes must be gone by then).
#[derive(Debug)]
pub struct RunCgroup {
    /// One folder a hierarchy: the memory one first.
    dirs: Vec<std::path::PathBuf>,
}

impl RunCgroup {
    /// Makes the group `name` with the memory limit and `tasks` as its task limit; `None` where this
    /// machine has no hierarchy the server may write to.
    pub fn create(name: &str, memory_bytes: u64, tasks: u64) -> Option<RunCgroup> {
        let root = std::path::Path::new("/sys/fs/cgroup");
        let unified = std::fs::read_to_string(root.join("cgroup.controllers")).ok();
        let plan: Vec<(std::path::PathBuf, &str, String)> = match unified {
            Some(controllers) if controllers.split_whitespace().any(|c| c == "memory") => {
                let dir = root.join(name);
                let mut plan = vec![(dir.clone(), "memory.max", memory_bytes.to_string())];
                plan.push((dir.clone(), "memory.swap.max", "0".into()));
                if controllers.split_whitespace().any(|c| c == "pids") {
                    plan.push((dir, "pids.max", tasks.to_string()));
                }
                plan
            }
            Some(_) => return None,
            None => vec![
                (
                    root.join("memory").join(name),
                    "memory.limit_in_bytes",
                    memory_bytes.to_string(),
                ),
                (root.join("pids").join(name), "pids.max", tasks.to_string()),
            ],
        };
        let mut group = RunCgroup { dirs: Vec::new() };
        for (dir, file, value) in plan {
            if !group.dirs.contains(&dir) {
                if std::fs::create_dir(&dir).is_err() {
                    // The memory hierarchy is what matters; without it there is no group.
                    if group.dirs.is_empty() {
                        return None;
                    }
                    continue;
                }
                group.dirs.push(dir.clone());
            }
            let set = std::fs::write(dir.join(file), &value);
            if set.is_err() && file != "memory.swap.max" && group.dirs.len() == 1 {
                return None;
            }
        }
        Some(group)
    }

    /// Removes the groups that servers no longer running left behind (a server killed while its runs
    /// went on cannot remove theirs): every `futurelab-PID-…` group whose PID is gone and that holds
    /// no process. Groups of a live server, and groups still holding a process, stay.
    pub fn remove_stale() -> usize {
        let root = std::path::Path::new("/sys/fs/cgroup");
        let mut removed = 0;
        for hierarchy in [root.to_path_buf(), root.join("memory"), root.join("pids")] {
            let Ok(entries) = std::fs::read_dir(&hierarchy) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let Some(pid) = name
                    .strip_prefix("futurelab-")
                    .and_then(|rest| rest.split('-').next())
                    .and_then(|pid| pid.parse::<u32>().ok())
                else {
                    continue;
                };
                let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
                if !alive && std::fs::remove_dir(entry.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }

    /// The folders a run child joins ([`join`]).
    pub fn dirs(&self) -> &[std::path::PathBuf] {
        &self.dirs
    }

    /// Whether the kernel killed a process of the group for passing its memory limit.
    pub fn ran_out_of_memory(&self) -> bool {
        let Some(dir) = self.dirs.first() else {
            return false;
        };
        let count = |file: &str, key: &str| {
            std::fs::read_to_string(dir.join(file))
                .ok()
                .and_then(|text| {
                    text.lines().find_map(|line| {
                        let (name, value) = line.split_once(' ')?;
                        (name == key).then(|| value.trim().parse::<u64>().ok())?
                    })
                })
        };
        count("memory.events", "oom_kill").unwrap_or(0) > 0
            || count("memory.oom_control", "oom_kill").unwrap_or(0) > 0
    }
}

impl Drop for RunCgroup {
    fn drop(&mut self) {
        for dir in &self.dirs {
            // A killed process leaves its group a moment after it is reaped.
            for _ in 0..50 {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

/// Moves this process into the groups `dirs` (a run child does, before it reads its program; every
/// process and thread it starts is then in them too).
pub fn join(dirs: &[std::path::PathBuf]) -> Result<(), String> {
    for dir in dirs {
        std::fs::write(dir.join("cgroup.procs"), std::process::id().to_string())
            .map_err(|e| format!("cannot join {}: {e}", dir.display()))?;
    }
    Ok(())
}
