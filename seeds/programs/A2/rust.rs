//! A2: the same twenty flags on a ThreadPoolExecutor with map: all the requests wait at once.
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;
use std::io::Write;

const POP20_CC: &str = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR";
const BASE_URL: &str = "http://127.0.0.1:8080/flags";
const DEST_DIR: &str = "downloads/";
const MAX_WORKERS: usize = 20; // 設定線程數

fn save_flag(img: &[u8], filename: &str) -> std::io::Result<()> {
    std::fs::write(format!("{DEST_DIR}{filename}"), img)
}

fn get_flag(cc: &str) -> Result<Vec<u8>, String> {
    let url = format!("{BASE_URL}/{cc}/{cc}.gif", cc = cc.to_lowercase());
    Ok(seed::get(&url)?.content)
}

fn show(text: &str) {
    print!("{text} ");
    std::io::stdout().flush().ok();
}

fn download_one(cc: &str) -> Result<(), String> {
    let image = get_flag(cc)?;
    show(cc);
    save_flag(&image, &format!("{}.gif", cc.to_lowercase())).map_err(|e| e.to_string())
}

fn download_many(cc_list: &[&'static str]) -> Result<usize, Box<dyn Error>> {
    let workers = cc_list.len().min(MAX_WORKERS); // 以免創建多余的線程
    let executor = ThreadPoolExecutor::new(workers)?;
    let results = executor.map(download_one, cc_list.iter().copied())?;
    let mut count = 0;
    for result in results {
        result??; // the task's own error, then the download's
        count += 1;
    }
    Ok(count)
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let t0 = seed::time();
    let cc_list: Vec<&'static str> = POP20_CC.split_whitespace().collect();
    let count = download_many(&cc_list)?;
    let elapsed = seed::time() - t0;
    println!("\n{count} flags download in {elapsed:.2}s");
    Ok(())
}
