//! D7: pool.map(craw, urls): every page fetched on the pool, results handed back in order.
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;

fn urls() -> Vec<String> {
    (1..=50)
        .map(|page| format!("http://127.0.0.1:8080/pages/{page}"))
        .collect()
}

fn craw(url: String) -> Result<(), String> {
    let r = seed::get(&url)?;
    println!("{url} {}", r.text().chars().count());
    Ok(())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    // ThreadPoolExecutor() without max_workers: min(32, cpus + 4) workers, as Python's.
    let pool = ThreadPoolExecutor::builder().build()?;
    let results = pool.map(craw, urls())?; // 提前把urls都准备好,进行全部的执行
    for result in results {
        println!("{:?}", result??);
    }
    Ok(())
}
