//! A7: the sequential download_many, counting each outcome.
use super::a6::{download_one, FetchError, HttpStatus};
use std::error::Error;

const BASE_URL: &str = "http://127.0.0.1:8080/flags";
const CC_LIST: &str = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR ZZ";

/// `collections.Counter`, printed as Python prints it: most common first, ties in insertion order.
pub fn counter_repr(counts: &[(HttpStatus, usize)]) -> String {
    let mut sorted = counts.to_vec();
    sorted.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let items: Vec<String> = sorted.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    format!("Counter({{{}}})", items.join(", "))
}

/// Adds one to `status`'s count, keeping first-insertion order.
pub fn count(counter: &mut Vec<(HttpStatus, usize)>, status: HttpStatus) {
    match counter.iter_mut().find(|(s, _)| *s == status) {
        Some((_, n)) => *n += 1,
        None => counter.push((status, 1)),
    }
}

fn download_many(cc_list: &[&str], base_url: &str, verbose: bool) -> Vec<(HttpStatus, usize)> {
    let mut counter = Vec::new(); // 統計不同的下載狀態
    let mut cc_iter = cc_list.to_vec();
    cc_iter.sort();
    for cc in cc_iter {
        let (status, error_msg) = match download_one(cc, base_url, verbose) {
            Ok(res) => (res.status, String::new()),
            Err(FetchError::Http {
                status_code,
                reason,
            }) => (
                HttpStatus::Error,
                format!("HTTP error {status_code} - {reason}"),
            ),
            Err(FetchError::Connection(_)) => (HttpStatus::Error, "Connection error".to_string()),
        };
        count(&mut counter, status);
        if verbose && !error_msg.is_empty() {
            println!("*** Error for {cc}:{error_msg}");
        }
    }
    counter
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let cc_list: Vec<&str> = CC_LIST.split_whitespace().collect();
    println!("{}", counter_repr(&download_many(&cc_list, BASE_URL, true)));
    Ok(())
}
