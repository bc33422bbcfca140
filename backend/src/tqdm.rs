//! The progress bar where the seeds use tqdm: `100%|██████████| 20/20 [00:01<00:00, 15.2/s]`.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `total` items on standard error. indicatif draws it only when standard error is a
/// terminal, so piped output stays clean.
pub fn bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template(
        "{percent:>3}%|{bar:10}| {pos}/{len} [{elapsed}<{eta}, {per_sec}]",
    ) {
        bar.set_style(style);
    }
    bar
}
