//! D8: submit each page; wait for the futures in order, then again with as_completed.
use crate::seed;
use futurelab::{as_completed, ThreadPoolExecutor};
use std::error::Error;

fn urls() -> Vec<String> {
    (1..=50)
        .map(|page| format!("http://127.0.0.1:8080/pages/{page}"))
        .collect()
}

fn craw(url: &str) -> Result<(), String> {
    let r = seed::get(url)?;
    println!("{url} {}", r.text().chars().count());
    Ok(())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let pool = ThreadPoolExecutor::builder().build()?;
    let mut futures = Vec::new();
    for url in urls() {
        futures.push(pool.submit(move || craw(&url))?);
    }
    for future in &futures {
        // 挨个等待每一个按顺序的结束
        println!("{:?}", future.result()??);
    }
    for future in as_completed(&futures, None) {
        // 不管里面那个任务先执行完了,它就会先进行返回
        println!("{:?}", future?.result()??);
    }
    Ok(())
}
