//! A4, the loiter demo: `Executor.map` hands back results in input order.
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;

fn display(text: &str) {
    println!("{} {text}", seed::clock_hms());
}

fn loiter(n: usize) -> usize {
    display(&format!(
        "{}loiter({n}):doing nothing for {n}s",
        "\t".repeat(n)
    ));
    seed::sleep(n as f64);
    display(&format!("{}loiter({n}):done", "\t".repeat(n)));
    n * 10
}

pub fn main() -> Result<(), Box<dyn Error>> {
    display("Script starting.");
    let executor = ThreadPoolExecutor::new(3)?;
    let results = executor.map(loiter, 0..5)?;
    display(&format!("results : {results:?}"));
    display("waiting for individual results:");
    for (i, result) in results.enumerate() {
        display(&format!("result {i}: {}", result?));
    }
    Ok(())
}
