//! D3: a queue's put, get, qsize, empty and full (the seed prints nothing).
use std::error::Error;
use std::sync::mpsc;

pub fn main() -> Result<(), Box<dyn Error>> {
    // queue.Queue() is unbounded: an unbounded channel; it is never full.
    let (put, get) = mpsc::channel();
    put.send("http://127.0.0.1:8080/pages/1")?;
    let _item = get.recv()?;
    let _empty = get.try_recv().is_err(); // 判断是否为空
    Ok(())
}
