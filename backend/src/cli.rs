//! The command line.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "futurelab", version, about = "Python's concurrent.futures, re-created in Rust: the playground server and tools")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the playground page (and its API) on a local address.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: nothing outside this machine can reach it.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder with the built page (trunk's output).
    #[arg(long, default_value = "dist", env = "FUTURELAB_DIST")]
    pub dist: PathBuf,
}
