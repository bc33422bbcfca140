//! The program in the URL's fragment, so a reload or a pasted link opens it again:
//! `#program=A4` for a preset untouched, `#source=<percent-encoded Python>&from=D5` for an edit of a
//! preset (it opens under that preset: its lesson, its Rust), `#source=…` alone for a program of the
//! learner's own. A version 1 link of the playground (`#preset=loiter-map`, `#scenario=<JSON>`) opens
//! too: its scenario is converted on load into a program of its own.
//!
//! A replay's time cursor rides along as `&t=<milliseconds>` (`#program=A4&t=1500`): a run of the program
//! opened from the link stops its views at that instant.
//!
//! The parts are joined by `&`, which a percent-encoded source never holds bare.

use futurelab_seeds::convert::scenario_source;
use futurelab_seeds::{presets, v1};
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

/// What a fragment opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// A preset as the seed wrote it.
    Preset(&'static str),
    /// A program's text: an edit of the preset `from`, or (`from: None`) a program of its own, such as
    /// a version 1 scenario converted.
    Source {
        text: String,
        from: Option<&'static str>,
    },
}

/// The fragment for the program shown (`from`: the preset it is an edit of, if any): the preset's id
/// while its text is untouched; with the replay's cursor (in microseconds), if it is set.
pub fn fragment(from: Option<&str>, source: &str, cursor_us: Option<u64>) -> String {
    let text = || format!("source={}", utf8_percent_encode(source, NON_ALPHANUMERIC));
    let program = match from.and_then(presets::get) {
        Some(p) if p.source == source => format!("program={}", p.id),
        Some(p) => format!("{}&from={}", text(), p.id),
        None => text(),
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
    let part = |key: &str| {
        fragment
            .split('&')
            .find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
    };
    let preset = |id: &str| {
        presets::get(id)
            .map(|p| p.id)
            .ok_or_else(|| format!("the link names a program that does not exist: {id:?}"))
    };
    if let Some(encoded) = part("source") {
        let text = percent_decode_str(encoded)
            .decode_utf8()
            .map_err(|_| "the link's program is not valid text".to_string())?
            .into_owned();
        let from = part("from").map(preset).transpose()?;
        return Ok(Some(Opened::Source { text, from }));
    }
    if let Some(id) = part("program") {
        return preset(id).map(|id| Some(Opened::Preset(id)));
    }
    let fragment = fragment.split('&').next().unwrap_or_default();
    // A version 1 link: the scenario it holds, as a program.
    if let Some(id) = fragment.strip_prefix("preset=") {
        return v1::presets::get(id)
            .map(|p| {
                Some(Opened::Source {
                    text: scenario_source(&p.scenario),
                    from: None,
                })
            })
            .ok_or_else(|| format!("the link names a preset that does not exist: {id:?}"));
    }
    if let Some(encoded) = fragment.strip_prefix("scenario=") {
        let json = percent_decode_str(encoded)
            .decode_utf8()
            .map_err(|_| "the link's scenario is not valid text".to_string())?;
        return v1::Scenario::from_json(&json)
            .map(|s| {
                Some(Opened::Source {
                    text: scenario_source(&s),
                    from: None,
                })
            })
            .map_err(|e| format!("the link's scenario is not valid: {e}"));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_edits_round_trip_through_the_fragment() {
        let seed = presets::get("D5").unwrap().source;
        assert_eq!(fragment(Some("D5"), seed, None), "program=D5");
        assert_eq!(parse("program=D5"), Ok(Some(Opened::Preset("D5"))));
        // An edit opens under the preset it came from.
        let edited = seed.replace("Account(1000)", "Account(2000)");
        let f = fragment(Some("D5"), &edited, None);
        assert!(f.starts_with("source=") && f.ends_with("&from=D5"), "{f}");
        let opened = Opened::Source {
            text: edited.clone(),
            from: Some("D5"),
        };
        assert_eq!(parse(&f), Ok(Some(opened)));
        // A program of its own opens as one, the seed's text too.
        let own = |text: &str| {
            Ok(Some(Opened::Source {
                text: text.into(),
                from: None,
            }))
        };
        assert_eq!(parse(&fragment(None, &edited, None)), own(&edited));
        assert_eq!(parse(&fragment(None, seed, None)), own(seed));
        assert!(parse("program=Z9").unwrap_err().contains("does not exist"));
        assert!(parse("source=x&from=Z9")
            .unwrap_err()
            .contains("does not exist"));
        assert_eq!(parse(""), Ok(None));
        assert_eq!(cursor(&f), None);
    }

    #[test]
    fn the_replay_cursor_rides_along_in_milliseconds() {
        let seed = presets::get("A4").unwrap().source;
        let f = fragment(Some("A4"), seed, Some(1_500_400));
        assert_eq!(f, "program=A4&t=1500");
        assert_eq!(parse(&f), Ok(Some(Opened::Preset("A4"))));
        assert_eq!(cursor(&f), Some(1_500_000));
        // '&' and '=' in the program's text are encoded, so they never split the fragment.
        let edited = seed.replace("range(5)", "range(3) if 1 & 2 == 0 else []");
        let f = fragment(Some("A4"), &edited, Some(20));
        let opened = Opened::Source {
            text: edited,
            from: Some("A4"),
        };
        assert_eq!(parse(&f), Ok(Some(opened)), "{f}");
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
                let Ok(Some(Opened::Source {
                    text: source,
                    from: None,
                })) = parse(&link)
                else {
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
