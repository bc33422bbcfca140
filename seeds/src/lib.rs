//! # futurelab-seeds
//!
//! The seed programs, the content the playground opens with, kept apart from the engine that runs
//! them (`futurelab-programs`):
//! - [`presets`]: every seed program, each a folder of `seeds/programs/` with its Python
//!   (`program.py`), its Rust version (`rust.rs`, built by the crate `seeds/rust`) and its metadata
//!   (`meta.toml`), compiled in by `build.rs`; and how a run's output compares with CPython's;
//! - [`v1`] and [`convert`]: the playground's first format, kept so that every version 1 scenario
//!   and link still opens, and its conversion into the Python program it describes.
//!
//! The differential tests (`tests/`) run each seed under the machine's python3 (through
//! `futurelab-cpython`) and under the engine, and compare the outputs as its preset says.

pub mod convert;
pub mod presets;
pub mod v1;
