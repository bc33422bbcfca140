//! The futurelab server and command-line tool.
//!
//! `futurelab serve` serves the playground page (built by trunk into `dist/`) with the headers that make it
//! cross-origin isolated, so its wasm can share memory between Web Worker threads.

pub mod cli;
pub mod cluster;
pub mod download;
pub mod run;
pub mod run_child;
pub mod server;
pub mod site;
mod tqdm;
pub mod worker;
