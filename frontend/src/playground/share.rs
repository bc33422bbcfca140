//! The scenario in the URL's fragment, so a reload or a pasted link restores it:
//! `#preset=loiter-map` for an unchanged preset, `#scenario=<percent-encoded JSON>` for anything else.

use futurelab::scenario::{presets, Scenario};
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

/// What a fragment asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Shared {
    Preset(String),
    Scenario(Scenario),
}

/// The fragment for a scenario: the preset's id if it is that preset unchanged.
pub fn fragment(scenario: &Scenario, preset: Option<&str>) -> String {
    if let Some(id) = preset {
        if presets::get(id).is_some_and(|p| p.scenario == *scenario) {
            return format!("preset={id}");
        }
    }
    format!(
        "scenario={}",
        utf8_percent_encode(&scenario.to_json(), NON_ALPHANUMERIC)
    )
}

/// Reads a fragment. `Err` says why a shared scenario cannot be used (every problem), so the page can say
/// so instead of silently showing something else.
pub fn parse(fragment: &str) -> Result<Option<Shared>, String> {
    if let Some(id) = fragment.strip_prefix("preset=") {
        return match presets::get(id) {
            Some(_) => Ok(Some(Shared::Preset(id.to_string()))),
            None => Err(format!(
                "the link names a preset that does not exist: {id:?}"
            )),
        };
    }
    let Some(encoded) = fragment.strip_prefix("scenario=") else {
        return Ok(None);
    };
    let json = percent_decode_str(encoded)
        .decode_utf8()
        .map_err(|_| "the link's scenario is not valid text".to_string())?;
    Scenario::from_json(&json)
        .map(|s| Some(Shared::Scenario(s)))
        .map_err(|e| format!("the link's scenario is not valid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_preset_is_its_id_and_a_changed_one_its_json() {
        let mut s = presets::get("loiter-map").unwrap().scenario;
        assert_eq!(fragment(&s, Some("loiter-map")), "preset=loiter-map");
        s.gil = true;
        let f = fragment(&s, Some("loiter-map"));
        assert!(f.starts_with("scenario=%7B"), "{f}");
        assert_eq!(parse(&f), Ok(Some(Shared::Scenario(s))));
        assert_eq!(
            parse("preset=loiter-map"),
            Ok(Some(Shared::Preset("loiter-map".into())))
        );
    }

    #[test]
    fn a_broken_link_says_why() {
        assert!(parse("preset=nope").unwrap_err().contains("does not exist"));
        assert!(parse("scenario=%7B").unwrap_err().contains("not valid"));
        assert!(parse("scenario=%FF").is_err());
        assert_eq!(parse(""), Ok(None));
    }
}
