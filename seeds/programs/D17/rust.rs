//! D17: three pages downloaded at once by three tasks sharing one HTTP client session.
use crate::seed;
use std::error::Error;

async fn fetch(session: reqwest::Client, url: &'static str) -> Result<(), String> {
    println!("发送请求:  {url}");
    let response = session
        .get(seed::url(url))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let content = response.bytes().await.map_err(|e| e.to_string())?;
    let file_name = url.rsplit('/').next().unwrap_or("page");
    std::fs::write(file_name, &content).map_err(|e| e.to_string())?;
    println!("下载完成:  {url}");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() -> Result<(), Box<dyn Error>> {
    let session = reqwest::Client::new();
    let url_list = [
        "http://127.0.0.1:8080/pages/9",
        "http://127.0.0.1:8080/pages/12",
        "http://127.0.0.1:8080/pages/13",
    ];
    let tasks: Vec<_> = url_list
        .into_iter()
        .map(|url| tokio::spawn(fetch(session.clone(), url)))
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(())
}
