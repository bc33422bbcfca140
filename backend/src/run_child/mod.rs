//! Every run in a process of its own.
//!
//! The server never runs a program in its own process: `POST /api/programs` starts the `futurelab`
//! binary again as `futurelab run-child` ([`child`]), in a process group of its own and under the
//! operating system's limits ([`limits`]), and relays the events it writes ([`protocol`]). Whatever a
//! program does to the engine (exhausts memory, overflows a stack, makes it panic, spins in native
//! code past its time), it ends its own process, never the server; the server then kills the run's
//! process group and says why in the run's `done` ([`parent::describe_end`]).
//!
//! ```text
//!  server (axum)                         run child (futurelab run-child)        worker processes
//!  POST /api/programs ──request line──▶  limits set on itself, program read
//!        ◀── A / R ──────────────────────  accepted, or rejected (400)
//!        ◀── P / T … D ─────────────────  the engine's prints, trace, done  ──▶  (same group,
//!  stop line / EOF ─────────────────────▶  the run stops                          same limits)
//!  past the limit: SIGKILL to the group
//! ```

pub mod child;
pub mod limits;
pub mod parent;
pub mod protocol;
