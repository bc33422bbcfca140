//! E1: ThreadPoolExecutor.map over four flags (the seed prints nothing).
use crate::seed;
use futurelab::ThreadPoolExecutor;
use std::error::Error;
use std::path::PathBuf;

const BASE_URL: &str = "http://127.0.0.1:8080/flags";
const CC_LIST: [&str; 4] = ["CN", "US", "JP", "EG"];

/// The `download` folder beside the program (here: where it runs).
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
    let executor = ThreadPoolExecutor::new(cc_list.len())?;
    let response = executor.map(download_one, cc_list.iter().copied())?;
    let mut count = 0;
    for result in response {
        result??;
        count += 1;
    }
    Ok(count)
}

pub fn main() -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(dest_dir())?;
    download_many(&CC_LIST)?;
    Ok(())
}
