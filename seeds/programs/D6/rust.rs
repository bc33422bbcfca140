//! D6: the same two withdrawals with a lock: the check and the write happen as one step.
use crate::seed;
use std::error::Error;
use std::sync::{Arc, Mutex};
use std::thread;

struct Account {
    balance: i64,
}

fn draw(account: &Mutex<Account>, amount: i64) {
    let name = seed::thread_name();
    let mut account = account.lock().unwrap_or_else(|e| e.into_inner()); // adding a lock to a thread
    if account.balance >= amount {
        seed::sleep(0.1); // blocking can lead to thread switching
        println!("{name} withdraw money successfully");
        account.balance -= amount;
        println!("{name} balance {}", account.balance);
    } else {
        println!("{name} withdrawal failure insuffcient balance");
    }
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let account = Arc::new(Mutex::new(Account { balance: 1000 }));
    let mut threads = Vec::new();
    for name in ["ta", "tb"] {
        let account = Arc::clone(&account);
        threads.push(
            thread::Builder::new()
                .name(name.into())
                .spawn(move || draw(&account, 800))?,
        );
    }
    for t in threads {
        t.join().map_err(|_| "a thread panicked")?;
    }
    Ok(())
}
