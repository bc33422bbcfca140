//! D1: one thread with a target and its arguments, started and joined.
use crate::seed;
use std::error::Error;
use std::thread;

fn do_craw(a: i32, b: i32) {
    println!("{} do_craw {a} {b}", seed::thread_name());
}

fn my_func(a: i32, b: i32) {
    do_craw(a, b);
}

pub fn main() -> Result<(), Box<dyn Error>> {
    // Python names an unnamed thread after its number and target.
    let t = thread::Builder::new()
        .name("Thread-1 (my_func)".into())
        .spawn(|| my_func(100, 200))?;
    t.join().map_err(|_| "the thread panicked")?;
    Ok(())
}
