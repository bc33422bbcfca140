//! D27: blocking downloads (requests) through run_in_executor, three at once.
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;
use std::sync::Arc;

async fn download_file(executor: Arc<ThreadPoolExecutor>, url: &'static str) -> Result<(), String> {
    println!("开始下载: {url}");
    let future = executor
        .submit(move || seed::get(url))
        .map_err(|e| e.to_string())?;
    let response = future.await.map_err(|e| e.to_string())??;
    println!("下载完成: {url}");
    let file_name = url.rsplit('/').next().unwrap_or("page");
    std::fs::write(file_name, &response.content).map_err(|e| e.to_string())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let url_list = [
        "http://127.0.0.1:8080/pages/9",
        "http://127.0.0.1:8080/pages/10",
        "http://127.0.0.1:8080/pages/11",
    ];
    let executor = Arc::new(ThreadPoolExecutor::builder().build()?);
    let event_loop = tokio::runtime::Builder::new_current_thread().build()?;
    event_loop.block_on(async {
        let tasks: Vec<_> = url_list
            .into_iter()
            .map(|url| tokio::spawn(download_file(Arc::clone(&executor), url)))
            .collect();
        for task in tasks {
            task.await??;
        }
        Ok(())
    })
}
