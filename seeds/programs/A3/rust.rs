//! A3: submit five downloads to three workers, print each future as it is scheduled, then take them
//! back with as_completed as they finish.
use crate::seed;
use futurelab::{as_completed, ThreadPoolExecutor};
use std::error::Error;
use std::io::Write;

const POP20_CC: &str = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR";
const BASE_URL: &str = "http://127.0.0.1:8080/flags";
const DEST_DIR: &str = "downloads/";

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

fn download_one(cc: &'static str) -> Result<&'static str, String> {
    let image = get_flag(cc)?;
    show(cc);
    save_flag(&image, &format!("{}.gif", cc.to_lowercase())).map_err(|e| e.to_string())?;
    Ok(cc)
}

fn download_many(cc_list: &[&'static str]) -> Result<usize, Box<dyn Error>> {
    let mut cc_list = cc_list[..5].to_vec(); // 這次演示5個國家
    cc_list.sort();
    let executor = ThreadPoolExecutor::new(3)?; // 線程池為3,便于觀察
    let mut future_list = Vec::new();
    for cc in cc_list {
        let future = executor.submit(move || download_one(cc))?; // 排定執行時間,返回一個future
        println!("{cc}: {future}");
        future_list.push(future);
    }
    let mut res = Vec::new();
    for future in as_completed(&future_list, None) {
        let future = future?; // 在future執行完畢後返回future
        let result = future.result()??;
        println!("{future} result: {}", seed::repr(result));
        res.push(result);
    }
    Ok(res.len())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let t0 = seed::time();
    let cc_list: Vec<&'static str> = POP20_CC.split_whitespace().collect();
    let count = download_many(&cc_list)?;
    let elapsed = seed::time() - t0;
    println!("\n{count} flags download in {elapsed:.2}s");
    Ok(())
}
