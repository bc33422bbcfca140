//! E2: submit each download, print its future, then take them back with as_completed.
use crate::seed;
use futurelab::{as_completed, ThreadPoolExecutor};
use std::error::Error;
use std::path::PathBuf;

const BASE_URL: &str = "http://127.0.0.1:8080/flags";
const CC_LIST: [&str; 4] = ["CN", "US", "JP", "EG"];

fn dest_dir() -> PathBuf {
    PathBuf::from("download")
}

fn get_img(cc: &str) -> Result<Vec<u8>, String> {
    let url = format!("{BASE_URL}/{cc}/{cc}.gif", cc = cc.to_lowercase());
    Ok(seed::get(&url)?.content)
}

fn save_img(img: &[u8], filename: &str) -> std::io::Result<()> {
    std::fs::write(dest_dir().join(filename), img)
}

fn download_one(cc: &'static str) -> Result<&'static str, String> {
    let img = get_img(cc)?;
    save_img(&img, &format!("{}.gif", cc.to_lowercase())).map_err(|e| e.to_string())?;
    Ok(cc)
}

fn download_many(cc_list: &[&'static str]) -> Result<usize, Box<dyn Error>> {
    let executor = ThreadPoolExecutor::new(5)?;
    let mut future_list = Vec::new();
    for &cc in cc_list {
        // submit returns a future at once (non-blocking)
        let future = executor.submit(move || download_one(cc))?;
        println!("{cc} {future}");
        future_list.push(future);
    }
    let mut result = Vec::new();
    // as_completed yields each future as it finishes
    for future in as_completed(&future_list, None) {
        let future = future?;
        let res = future.result()??;
        println!("{res} {future}");
        result.push(res);
    }
    Ok(result.len())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(dest_dir())?;
    download_many(&CC_LIST)?;
    Ok(())
}
