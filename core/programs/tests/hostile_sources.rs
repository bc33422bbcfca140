//! Property tests: the parser and the validator take any text. Random text and mutations of every
//! seed program never panic; a source is either a program or problems that name their place; and what
//! parses prints back as Python that parses again.

use futurelab_programs::{check_program, parse_program, to_python};
use futurelab_seeds::{presets, v1::Scenario};
use proptest::prelude::*;

/// One edit of a source: delete a range, insert text, or duplicate a range, at a place given as a
/// fraction of the length (so it fits any source).
#[derive(Debug, Clone)]
enum Edit {
    Delete(f64, usize),
    Insert(f64, String),
    Duplicate(f64, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let pythonish = prop_oneof![
        Just(":".to_string()),
        Just("\n    ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("'".to_string()),
        Just("\"\"\"".to_string()),
        Just("lambda".to_string()),
        Just(" def ".to_string()),
        Just("\t".to_string()),
        Just("\\".to_string()),
        Just("**".to_string()),
        Just("é中\u{0}".to_string()),
        "[ -~]{0,8}",
    ];
    prop_oneof![
        (0.0..1.0, 0usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (0.0..1.0, pythonish).prop_map(|(at, s)| Edit::Insert(at, s)),
        (0.0..1.0, 0usize..80).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

/// The char boundary at or before `fraction` of `s`.
fn place(s: &str, fraction: f64) -> usize {
    let mut at = ((s.len() as f64) * fraction) as usize;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(source: &str, edits: &[Edit]) -> String {
    let mut s = source.to_string();
    for e in edits {
        match e {
            Edit::Delete(at, n) => {
                let from = place(&s, *at);
                let to = place(&s, ((from + n) as f64 / s.len().max(1) as f64).min(1.0));
                s.replace_range(from..to.max(from), "");
            }
            Edit::Insert(at, text) => {
                let at = place(&s, *at);
                s.insert_str(at, text);
            }
            Edit::Duplicate(at, n) => {
                let from = place(&s, *at);
                let to = place(&s, ((from + n) as f64 / s.len().max(1) as f64).min(1.0));
                let piece = s[from..to.max(from)].to_string();
                s.insert_str(from, &piece);
            }
        }
    }
    s
}

/// What every source must satisfy: no panic, and parse and check agree.
fn check(source: &str) -> Result<(), TestCaseError> {
    let parsed = parse_program(source);
    let problems = check_program(source);
    match parsed {
        Ok(program) => {
            prop_assert!(problems.is_empty(), "parsed, yet problems: {problems:?}");
            let printed = to_python(&program);
            prop_assert!(
                parse_program(&printed).is_ok(),
                "the Python printed back does not parse:\n{printed}"
            );
        }
        Err(e) => {
            prop_assert!(!problems.is_empty(), "refused ({e}) with no problem listed");
            for p in &problems {
                prop_assert!(p.line >= 1 && !p.message.is_empty(), "{p:?}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_seed_programs_never_panic_the_parser_or_the_validator(
        which in 0..presets::all().len(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let source = apply(presets::all()[which].source, &edits);
        check(&source)?;
    }

    #[test]
    fn random_text_never_panics_the_parser_or_the_validator(source in "\\PC{0,200}") {
        check(&source)?;
    }

    #[test]
    fn random_version_1_scenarios_are_refused_with_a_reason_never_a_panic(text in "\\PC{0,120}") {
        // Most random text is not JSON; what is must still pass validation or say why.
        let _ = Scenario::from_json(&text).map(|s| s.validate());
    }
}
