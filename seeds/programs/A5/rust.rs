//! A5: a progress bar around a loop (tqdm; here indicatif). The bar is drawn on standard error, so the
//! program prints nothing on its output.
use crate::seed;
use indicatif::ProgressIterator;
use std::error::Error;

pub fn main() -> Result<(), Box<dyn Error>> {
    for _i in (0..1000).progress() {
        seed::sleep(0.01);
    }
    Ok(())
}
