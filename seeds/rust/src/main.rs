//! `futurelab-rust-programs ID`: runs one seed program, written in Rust against futurelab's public API
//! (`seeds/programs/<ID>/rust.rs`, the playground's Rust pane). `--list` prints the ids.
//!
//! The programs that start worker processes run this same binary as their workers: `main` serves their
//! registered functions first when it was started as one.

// futurelab's `Future` hashes and compares by identity, so it is a sound key for the seeds' `{future: cc}`
// maps and sets, though it has interior mutability.
#![allow(clippy::mutable_key_type)]

mod programs;
mod seed;

use std::process::ExitCode;

fn main() -> ExitCode {
    futurelab::process::serve_if_worker(&programs::worker_functions());
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag] if flag == "--list" => {
            for (id, _) in programs::ALL {
                println!("{id}");
            }
            ExitCode::SUCCESS
        }
        [id] => match programs::ALL
            .iter()
            .find(|(i, _)| i.eq_ignore_ascii_case(id))
        {
            Some((_, run)) => match run() {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{id}: {e}");
                    ExitCode::FAILURE
                }
            },
            None => {
                eprintln!("no seed program {id:?} (see --list)");
                ExitCode::from(2)
            }
        },
        _ => {
            eprintln!("usage: futurelab-rust-programs ID | --list");
            ExitCode::from(2)
        }
    }
}
