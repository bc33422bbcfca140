//! D5: two withdrawals without a lock. Rust forbids the data race, not the race: each thread checks the
//! balance, then sleeps, then writes what it computed, and both see 1000.
use crate::seed;
use std::error::Error;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::thread;

struct Account {
    balance: AtomicI64,
}

fn draw(account: &Account, amount: i64) {
    let name = seed::thread_name();
    if account.balance.load(Ordering::SeqCst) >= amount {
        seed::sleep(0.1); // blocking can lead to thread switching
        println!("{name} withdraw money successfully");
        let balance = account.balance.load(Ordering::SeqCst) - amount;
        account.balance.store(balance, Ordering::SeqCst);
        println!("{name} balance {balance}");
    } else {
        println!("{name} withdrawal failure insuffcient balance");
    }
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let account = Arc::new(Account {
        balance: AtomicI64::new(1000),
    });
    let mut threads = Vec::new();
    for name in ["ta", "tb"] {
        let account = Arc::clone(&account);
        threads.push(
            thread::Builder::new()
                .name(name.into())
                .spawn(move || draw(&account, 800))?,
        );
    }
    // Python waits for non-daemon threads at exit; Rust's main joins them.
    for t in threads {
        t.join().map_err(|_| "a thread panicked")?;
    }
    Ok(())
}
