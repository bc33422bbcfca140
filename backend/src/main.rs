//! `futurelab`: the playground server and command-line tool.

use clap::Parser;
use futurelab_server::cli::{Cli, Command};
use futurelab_server::server;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Process pools re-run this program as their workers: serve them before anything else.
    let mut registry = futurelab::process::builtin_registry().0;
    futurelab_programs::register_process_functions(&mut registry);
    futurelab::process::serve_if_worker(&registry);
    let cli = Cli::parse();
    match &cli.command {
        Command::Run(args) => {
            return match futurelab_server::run::main(args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e.0),
            }
        }
        Command::Flags(args) => {
            return match futurelab_server::download::main(args) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => fail(&e.0),
            }
        }
        Command::Worker(args) => {
            return match futurelab_server::worker::main(args, &registry) {
                Ok(report) => {
                    println!("futurelab worker: stopped; {report:?}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e.to_string()),
            }
        }
        Command::Site(args) => {
            return match futurelab_server::site::write(&args.dir) {
                Ok(summary) => {
                    println!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e.to_string()),
            }
        }
        Command::RunChild => return futurelab_server::run_child::child::main(),
        Command::Serve(_) => {}
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => {
                // Log lines go through a bounded buffer to a thread of their own, and are dropped when it
                // is full: a standard error nobody reads (a full pipe) must never stall the server.
                let (writer, _flush_at_exit) = tracing_appender::non_blocking(std::io::stderr());
                tracing_subscriber::fmt()
                    .with_writer(writer)
                    .with_max_level(args.log.filter())
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                    .with_target(false)
                    .init();
                let mut options = args.serve_options();
                if let Some(target) = args.cluster.target() {
                    let cluster = server::connect_cluster(target).await?;
                    eprintln!("futurelab: {}", cluster.describe());
                    options.cluster = Some(cluster);
                }
                let listener = server::bind(args.addr).await?;
                let local = listener.local_addr().map_err(server::ServeError::Io)?;
                let page = args.page();
                if !page.has_page() {
                    eprintln!(
                        "futurelab: no page to serve: {page} has none (`make run` builds a binary that carries one; or pass --dist DIR); the API routes answer meanwhile"
                    );
                }
                println!("futurelab: serving the playground at http://{local}");
                server::serve(listener, options).await
            }
            Command::Run(_)
            | Command::Flags(_)
            | Command::Site(_)
            | Command::Worker(_)
            | Command::RunChild => {
                unreachable!("handled above, with their own runtimes")
            }
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("futurelab: {message}");
    ExitCode::FAILURE
}
