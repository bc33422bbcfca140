//! D18: calling an async function makes a future; nothing runs until the runtime runs it.
use std::error::Error;

async fn func() {
    println!("1");
}

pub fn main() -> Result<(), Box<dyn Error>> {
    let result = func(); // nothing printed yet
    tokio::runtime::Builder::new_current_thread()
        .build()?
        .block_on(result); // asyncio.run(result)
    Ok(())
}
