//! A6: get_flag and download_one; a 404 becomes a result, any other error rises to the caller.
use crate::seed;
use std::error::Error;
use std::fmt;

const BASE_URL: &str = "http://127.0.0.1:8080/flags";
const DEST_DIR: &str = "downloads/";

/// `HTTPStatus = Enum('Status', 'ok not_found error')`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpStatus {
    Ok = 1,
    NotFound = 2,
    Error = 3,
}

impl fmt::Display for HttpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            HttpStatus::Ok => "ok",
            HttpStatus::NotFound => "not_found",
            HttpStatus::Error => "error",
        };
        write!(f, "<Status.{name}: {}>", *self as u8)
    }
}

/// `Result = namedtuple('Result', 'status cc')`.
pub struct Download {
    pub status: HttpStatus,
    pub cc: String,
}

impl fmt::Display for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Result(status={}, cc={})",
            self.status,
            seed::repr(&self.cc)
        )
    }
}

/// What `requests` raises: a status `raise_for_status` turned into an error, or no connection.
#[derive(Debug)]
pub enum FetchError {
    Http { status_code: u16, reason: String },
    Connection(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Http {
                status_code,
                reason,
            } => write!(f, "{status_code} {reason}"),
            FetchError::Connection(e) => f.write_str(e),
        }
    }
}

impl Error for FetchError {}

fn save_flag(img: &[u8], filename: &str) -> std::io::Result<()> {
    std::fs::write(format!("{DEST_DIR}{filename}"), img)
}

pub fn get_flag(base_url: &str, cc: &str) -> Result<Vec<u8>, FetchError> {
    let url = format!("{base_url}/{cc}/{cc}.gif", cc = cc.to_lowercase());
    let resp = seed::get(&url).map_err(FetchError::Connection)?;
    if resp.status_code != 200 {
        // raise_for_status: a status that is not 200 becomes an error
        return Err(FetchError::Http {
            status_code: resp.status_code,
            reason: resp.reason,
        });
    }
    Ok(resp.content)
}

pub fn download_one(cc: &str, base_url: &str, verbose: bool) -> Result<Download, FetchError> {
    let (status, msg) = match get_flag(base_url, cc) {
        Ok(image) => {
            save_flag(&image, &format!("{}.gif", cc.to_lowercase()))
                .map_err(|e| FetchError::Connection(e.to_string()))?;
            (HttpStatus::Ok, "ok")
        }
        Err(FetchError::Http {
            status_code: 404, ..
        }) => (HttpStatus::NotFound, "not found"),
        Err(other) => return Err(other), // 不是404異常,向上冒泡,傳給調用方
    };
    if verbose {
        println!("{cc} {msg}");
    }
    Ok(Download {
        status,
        cc: cc.to_string(),
    })
}

pub fn main() -> Result<(), Box<dyn Error>> {
    for cc in ["CN", "ZZ", "JP"] {
        println!("{}", download_one(cc, BASE_URL, true)?);
    }
    Ok(())
}
