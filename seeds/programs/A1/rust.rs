//! A1: twenty flags downloaded one after the other.
use crate::seed;
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
    std::io::stdout().flush().ok(); // 能在一行中顯示
}

fn download_many(cc_list: &[&str]) -> Result<usize, Box<dyn Error>> {
    let mut sorted = cc_list.to_vec();
    sorted.sort();
    for cc in sorted {
        let image = get_flag(cc)?;
        show(cc);
        save_flag(&image, &format!("{}.gif", cc.to_lowercase()))?;
    }
    Ok(cc_list.len())
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let t0 = seed::time();
    let cc_list: Vec<&str> = POP20_CC.split_whitespace().collect();
    let count = download_many(&cc_list)?;
    let elapsed = seed::time() - t0;
    println!("\n{count} flags download in {elapsed:.2}s");
    Ok(())
}
