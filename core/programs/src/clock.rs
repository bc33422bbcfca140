//! The run's clock. Sleeps are scaled by the run's time scale (tests run programs at a fraction of real
//! time), and `time.time()` / `time.perf_counter()` advance at 1/scale of real time, so that a program
//! that prints its elapsed time prints what it would print at full speed.

use std::time::Duration;
use web_time::{Instant, SystemTime, UNIX_EPOCH};

/// One run's clock.
#[derive(Debug, Clone)]
pub struct Clock {
    scale: f64,
    started: Instant,
    /// Seconds since the epoch when the run started.
    epoch_start: f64,
}

impl Clock {
    /// A clock where program seconds last `scale` real seconds (1 is real time).
    pub fn new(scale: f64) -> Self {
        Clock {
            scale,
            started: Instant::now(),
            epoch_start: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0),
        }
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// How long `seconds` of program time last in real time (capped at a day: no overflow).
    pub fn real_duration(&self, seconds: f64) -> Duration {
        Duration::from_secs_f64((seconds * self.scale).clamp(0.0, 86_400.0))
    }

    /// Program seconds since the run started.
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64() / self.scale
    }

    /// `time.time()`: the epoch time at the start, plus program seconds since.
    pub fn time(&self) -> f64 {
        self.epoch_start + self.elapsed()
    }
}
