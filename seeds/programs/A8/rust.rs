//! A8: download_many on a thread pool: a {future: cc} map, and as_completed over its futures.
use super::a6::{download_one, Download, FetchError, HttpStatus};
use super::a7::{count, counter_repr};
use futurelab::{as_completed, Future, ThreadPoolExecutor};
use std::collections::HashMap;
use std::error::Error;

const BASE_URL: &str = "http://127.0.0.1:8080/flags";
const CC_LIST: &str = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR ZZ";
const DEFAULT_CONCUR_REQ: usize = 30; // 默認的線程池大小
const MAX_CONCUR_REQ: usize = 1000; // 最大并發請求數,這是一個安全措施

type Outcome = Result<std::sync::Arc<Download>, std::sync::Arc<FetchError>>;

fn download_many(
    cc_list: &[&'static str],
    base_url: &'static str,
    verbose: bool,
    concur_req: usize,
) -> Result<Vec<(HttpStatus, usize)>, Box<dyn Error>> {
    let mut counter = Vec::new();
    let executor = ThreadPoolExecutor::new(concur_req)?;
    let mut to_do_map: HashMap<Future<Outcome>, &str> = HashMap::new();
    let mut sorted = cc_list.to_vec();
    sorted.sort();
    for cc in sorted {
        let future = executor.submit(move || {
            download_one(cc, base_url, verbose)
                .map(std::sync::Arc::new)
                .map_err(std::sync::Arc::new)
        })?;
        to_do_map.insert(future, cc); // 把各個Future實例映射到國家代碼上,在錯誤處理時使用
    }
    let futures: Vec<Future<Outcome>> = to_do_map.keys().cloned().collect();
    for future in as_completed(&futures, None) {
        let future = future?;
        let (status, error_msg) = match future.result()? {
            Ok(res) => (res.status, String::new()),
            Err(e) => match &*e {
                FetchError::Http {
                    status_code,
                    reason,
                } => (HttpStatus::Error, format!("HTTP {status_code} - {reason}")),
                FetchError::Connection(_) => (HttpStatus::Error, "Connection error".to_string()),
            },
        };
        count(&mut counter, status);
        if verbose && !error_msg.is_empty() {
            println!("*** Error for {}:{error_msg}", to_do_map[&future]);
        }
    }
    Ok(counter)
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let cc_list: Vec<&'static str> = CC_LIST.split_whitespace().collect();
    let concur_req = DEFAULT_CONCUR_REQ.min(MAX_CONCUR_REQ).min(cc_list.len());
    println!(
        "{}",
        counter_repr(&download_many(&cc_list, BASE_URL, true, concur_req)?)
    );
    Ok(())
}
