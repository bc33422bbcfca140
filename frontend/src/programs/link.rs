//! The program in the URL's fragment, so a reload or a pasted link opens it again:
//! `#program=A4` for a preset untouched, `#source=<percent-encoded Python>` for an edited program. A
//! version 1 link of the playground (`#preset=loiter-map`, `#scenario=<JSON>`) opens too: its scenario
//! is converted on load into the program it describes.
//!
//! A replay's time cursor rides along as `&t=<milliseconds>` (`#program=A4&t=1500`): a run of the program
//! opened from the link stops its views at that instant.

use futurelab_programs::convert::scenario_source;
use futurelab_programs::{presets, v1};
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

/// What a fragment opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// A preset as the seed wrote it.
    Preset(&'static str),
    /// A program's text: edited, or converted from a version 1 scenario.
    Source(String),
}

/// The fragment for the program shown: the preset's id while its text is untouched; with the replay's
/// cursor (in microseconds), if it is set.
pub fn fragment(id: &str, source: &str, cursor_us: Option<u64>) -> String {
    let program = match presets::get(id) {
        Some(p) if p.source == source => format!("program={id}"),
        _ => format!("source={}", utf8_percent_encode(source, NON_ALPHANUMERIC)),
    };
    match cursor_us {
        Some(t) => format!("{program}&t={}", t / 1000),
        None => program,
    }
}

/// The replay cursor a fragment holds, in microseconds (`&t=1500` is 1.5 s).
pub fn cursor(fragment: &str) -> Option<u64> {
    let (_, ms) = fragment.rsplit_once("&t=")?;
    ms.parse::<u64>().ok()?.checked_mul(1000)
}

/// Reads a fragment; `Err` says why a link cannot be opened.
pub fn parse(fragment: &str) -> Result<Option<Opened>, String> {
    // The program's own part: a percent-encoded source never holds a bare '&'.
    let fragment = fragment
        .rsplit_once("&t=")
        .map_or(fragment, |(program, _)| program);
    if let Some(id) = fragment.strip_prefix("program=") {
        return presets::get(id)
            .map(|p| Some(Opened::Preset(p.id)))
            .ok_or_else(|| format!("the link names a program that does not exist: {id:?}"));
    }
    if let Some(encoded) = fragment.strip_prefix("source=") {
        return percent_decode_str(encoded)
            .decode_utf8()
            .map(|text| Some(Opened::Source(text.into_owned())))
            .map_err(|_| "the link's program is not valid text".to_string());
    }
    // A version 1 link: the scenario it holds, as a program.
    if let Some(id) = fragment.strip_prefix("preset=") {
        return v1::presets::get(id)
            .map(|p| Some(Opened::Source(scenario_source(&p.scenario))))
            .ok_or_else(|| format!("the link names a preset that does not exist: {id:?}"));
    }
    if let Some(encoded) = fragment.strip_prefix("scenario=") {
        let json = percent_decode_str(encoded)
            .decode_utf8()
            .map_err(|_| "the link's scenario is not valid text".to_string())?;
        return v1::Scenario::from_json(&json)
            .map(|s| Some(Opened::Source(scenario_source(&s))))
            .map_err(|e| format!("the link's scenario is not valid: {e}"));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_edits_round_trip_through_the_fragment() {
        let seed = presets::get("A4").unwrap().source;
        assert_eq!(fragment("A4", seed, None), "program=A4");
        assert_eq!(parse("program=A4"), Ok(Some(Opened::Preset("A4"))));
        let edited = seed.replace("range(5)", "range(3)");
        let f = fragment("A4", &edited, None);
        assert!(f.starts_with("source="), "{f}");
        assert_eq!(parse(&f), Ok(Some(Opened::Source(edited))));
        assert!(parse("program=Z9").unwrap_err().contains("does not exist"));
        assert_eq!(parse(""), Ok(None));
        assert_eq!(cursor(&f), None);
    }

    #[test]
    fn the_replay_cursor_rides_along_in_milliseconds() {
        let seed = presets::get("A4").unwrap().source;
        let f = fragment("A4", seed, Some(1_500_400));
        assert_eq!(f, "program=A4&t=1500");
        assert_eq!(parse(&f), Ok(Some(Opened::Preset("A4"))));
        assert_eq!(cursor(&f), Some(1_500_000));
        let edited = seed.replace("range(5)", "range(3) if 1 & 2 else []");
        let f = fragment("A4", &edited, Some(20));
        assert_eq!(parse(&f), Ok(Some(Opened::Source(edited))), "{f}");
        assert_eq!(cursor(&f), Some(0));
        assert_eq!(cursor("program=A4&t=soon"), None);
        assert_eq!(cursor("program=A4&t=99999999999999999999"), None);
    }

    #[test]
    fn every_v1_link_opens_as_the_program_its_scenario_describes() {
        for preset in v1::presets::all() {
            let by_id = format!("preset={}", preset.id);
            // As the version 1 page wrote an edited scenario.
            let by_json = format!(
                "scenario={}",
                utf8_percent_encode(&preset.scenario.to_json(), NON_ALPHANUMERIC)
            );
            for link in [by_id, by_json] {
                let Ok(Some(Opened::Source(source))) = parse(&link) else {
                    panic!("{}: {link} did not open", preset.id)
                };
                futurelab_programs::parse_program(&source)
                    .unwrap_or_else(|e| panic!("{}: {e}\n{source}", preset.id));
            }
        }
        assert!(parse("scenario=%7B").unwrap_err().contains("not valid"));
        assert!(parse("scenario=%FF").is_err());
        assert!(parse("preset=nope").unwrap_err().contains("does not exist"));
    }
}
