//! The timeline's zoom, as plain numbers: how many times its box's width the time axis is drawn, and
//! which stretch of the run a zoom shows. A drag across the drawing, the zoom buttons and the keys
//! (`+`, `-`, `0`) all zoom to a stretch of time; "Fit" (or `0`) shows the whole run again.
//! The drawing is as wide as the zoom makes it and its box scrolls sideways, so the stretch shown is
//! the box's scroll position ([`shown`]), and a zoom asks for one ([`Zoom::scroll_to`]).

/// The most the axis is stretched (its drawing this many times its box's width).
pub const MAX: f64 = 64.0;
/// A drag shorter than this (px) is a click, not a zoom.
pub const MIN_DRAG_PX: f64 = 5.0;

/// How the timeline is zoomed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zoom {
    /// The time axis's length, in widths of the box's room for it: 1 shows the whole run.
    pub factor: f64,
    /// The time (µs) the box is to be scrolled to at its left edge once drawn, with a count of such
    /// asks (the same time asked twice is scrolled to twice: the learner may have scrolled between).
    pub scroll_to: Option<(u32, f64)>,
}

impl Default for Zoom {
    fn default() -> Self {
        Zoom {
            factor: 1.0,
            scroll_to: None,
        }
    }
}

impl Zoom {
    /// The zoom that shows `from_us..to_us` of a run whose axis is `span_us` long, after `self`: as
    /// much of it as fits at [`MAX`] (about its middle), and never less than the whole run.
    pub fn to(self, from_us: f64, to_us: f64, span_us: f64) -> Zoom {
        let (from, to) = (from_us.min(to_us).max(0.0), from_us.max(to_us).min(span_us));
        let factor = (span_us / (to - from).max(1.0)).clamp(1.0, MAX);
        let width = span_us / factor;
        let start = ((from + to) / 2.0 - width / 2.0).clamp(0.0, (span_us - width).max(0.0));
        let asks = self.scroll_to.map_or(0, |(n, _)| n) + 1;
        Zoom {
            factor,
            scroll_to: Some((asks, start)),
        }
    }

    /// `times` as close (2: zoom in, 0.5: out) about the middle of `shown`, the stretch shown now.
    pub fn by(self, times: f64, shown: (f64, f64), span_us: f64) -> Zoom {
        let middle = (shown.0 + shown.1) / 2.0;
        let half = (shown.1 - shown.0) / times / 2.0;
        self.to(middle - half, middle + half, span_us)
    }

    /// The whole run.
    pub fn fit(self) -> Zoom {
        self.to(0.0, f64::MAX, 0.0)
    }

    pub fn zoomed(&self) -> bool {
        self.factor > 1.0
    }
}

/// The stretch of the run (µs) a box scrolled `scroll_px` to the right shows, where its room for the
/// axis is `room_px` wide and a pixel is `us_per_px`.
pub fn shown(scroll_px: f64, room_px: f64, us_per_px: f64) -> (f64, f64) {
    (scroll_px * us_per_px, (scroll_px + room_px) * us_per_px)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stretch_is_zoomed_to_fill_the_box_and_scrolled_to() {
        // A 2 s axis; 0.5 s to 1 s asked for: four times as long, scrolled to 0.5 s.
        let z = Zoom::default().to(1_000_000.0, 500_000.0, 2_000_000.0);
        assert_eq!(z.factor, 4.0);
        assert_eq!(z.scroll_to, Some((1, 500_000.0)));
        // Asked again, it is asked again.
        assert_eq!(
            z.to(500_000.0, 1_000_000.0, 2e6).scroll_to,
            Some((2, 500_000.0))
        );
        // Too short a stretch shows as much as MAX allows, about its middle; past the end is the end.
        let z = Zoom::default().to(1_000_000.0, 1_000_010.0, 2_000_000.0);
        assert_eq!(z.factor, MAX);
        let (_, start) = z.scroll_to.unwrap();
        assert!((start + 2e6 / MAX / 2.0 - 1_000_005.0).abs() < 1.0);
        assert_eq!(Zoom::default().to(-5.0, 9e9, 2e6).factor, 1.0);
    }

    #[test]
    fn zoom_in_and_out_keep_the_middle_and_fit_shows_the_whole_run() {
        let span = 2_000_000.0;
        let z = Zoom::default().by(2.0, (0.0, span), span);
        assert_eq!(z.factor, 2.0);
        assert_eq!(z.scroll_to.unwrap().1, 500_000.0);
        let z = z.by(2.0, (500_000.0, 1_500_000.0), span);
        assert_eq!((z.factor, z.scroll_to.unwrap().1), (4.0, 750_000.0));
        let out = z.by(0.5, (750_000.0, 1_250_000.0), span);
        assert_eq!((out.factor, out.scroll_to.unwrap().1), (2.0, 500_000.0));
        // Zoomed out past the whole run: the whole run.
        assert_eq!(out.by(0.25, (500_000.0, 1_500_000.0), span).factor, 1.0);
        let fit = z.fit();
        assert!(!fit.zoomed());
        assert_eq!(fit.scroll_to.unwrap().1, 0.0);
    }

    #[test]
    fn the_stretch_shown_is_the_box_s_scroll_in_time() {
        assert_eq!(shown(100.0, 500.0, 1_000.0), (100_000.0, 600_000.0));
    }
}
