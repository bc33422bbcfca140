//! D22: named tasks, and asyncio.wait handing back the done ones.
use crate::seed;
use std::error::Error;

async fn func() -> &'static str {
    println!("1");
    seed::sleep_async(2.0).await;
    println!("2");
    "返回值"
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    println!("start");
    let task_list = [("n1", tokio::spawn(func())), ("n2", tokio::spawn(func()))];
    println!("end");
    let mut done = Vec::new();
    for (name, task) in task_list {
        done.push((name, task.await?));
    }
    // Python prints the set of finished tasks; here each task's name and result, set-like.
    let reprs: Vec<String> = done
        .iter()
        .map(|(name, result)| {
            format!(
                "<Task finished name={} result={}>",
                seed::repr(name),
                seed::repr(result)
            )
        })
        .collect();
    println!("{{{}}}", reprs.join(", "));
    Ok(())
}
