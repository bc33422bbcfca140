//! A worker program for process pools that serves futurelab's built-in functions
//! (`futurelab::process::builtin_registry`). Process pools start it; run by hand, it says so and exits.

fn main() {
    let (registry, _) = futurelab::process::builtin_registry();
    futurelab::process::serve_if_worker(&registry);
    eprintln!("futurelab-worker: this program is started by a process pool (ProcessPoolExecutor::builder().program(...))");
    std::process::exit(2);
}
