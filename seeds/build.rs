//! The table of presets, from the folders of `programs/`: each `programs/<ID>/` holds the seed's
//! Python (`program.py`), its Rust version (`rust.rs`) and its metadata (`meta.toml`). This writes
//! two Rust expressions into `OUT_DIR`, which `src/presets` includes:
//! - `presets.rs`: the `&[Preset]` of every program, in inventory order (A1 … A8, B1 …, D27, E1), its
//!   texts pulled in with `include_str!`;
//! - `rust_programs.rs`: the `&[(id, text)]` of the Rust versions.
//!
//! A folder without its three files, a field `meta.toml` does not know or a rewrite set that does not
//! exist fails the build, naming the folder.

use serde::Deserialize;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A program's `meta.toml`: the fields of `Preset` that are not its texts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    title: String,
    description: String,
    test_time_scale: f64,
    needs_server: bool,
    starts_processes: bool,
    #[serde(default)]
    hangs_for: Option<f64>,
    #[serde(default)]
    test_edits: Vec<(String, String)>,
    comparison: Comparison,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Comparison {
    #[serde(default)]
    rewrites: Rewrites,
    in_order: bool,
    #[serde(default)]
    by_words: bool,
    #[serde(default)]
    cpython_may_miss_lines: bool,
    #[serde(default)]
    ordered: Vec<String>,
    why: String,
}

/// A program's own rewrites, or the name of a set that several programs share (`process_names`:
/// the constant `PROCESS_NAMES` in `src/presets/mod.rs`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Rewrites {
    Shared(String),
    Own(Vec<(String, String)>),
}

impl Default for Rewrites {
    fn default() -> Self {
        Rewrites::Own(Vec::new())
    }
}

/// The rewrite sets `src/presets/mod.rs` defines, as `meta.toml` names them.
const SHARED_REWRITES: &[&str] = &[
    "worker_names",
    "process_names",
    "crawl_times",
    "pipeline",
    "racers",
];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let programs = root.join("programs");
    println!("cargo::rerun-if-changed={}", programs.display());
    let mut ids: Vec<String> = std::fs::read_dir(&programs)
        .unwrap_or_else(|e| panic!("{}: {e}", programs.display()))
        .map(|entry| entry.expect("a readable folder entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().into_string().expect("a UTF-8 id"))
        .collect();
    ids.sort_by_key(|id| inventory_order(id));

    let mut presets = String::from("&[\n");
    let mut rust = String::from("&[\n");
    for id in &ids {
        let dir = programs.join(id);
        let meta_path = dir.join("meta.toml");
        let text = std::fs::read_to_string(&meta_path)
            .unwrap_or_else(|e| panic!("{}: {e}", meta_path.display()));
        let meta: Meta =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", meta_path.display()));
        let source = existing(&dir.join("program.py"));
        let rust_file = existing(&dir.join("rust.rs"));
        presets.push_str(&preset(id, &meta, &source));
        let _ = writeln!(rust, "    ({id:?}, include_str!({rust_file:?})),");
    }
    presets.push_str("]\n");
    rust.push_str("]\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("presets.rs"), presets).expect("OUT_DIR is writable");
    std::fs::write(out.join("rust_programs.rs"), rust).expect("OUT_DIR is writable");
}

/// `A4` sorts as (`A`, 4): letters, then the number, so D9 comes before D10.
fn inventory_order(id: &str) -> (String, u32) {
    let digits = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let number = id[digits..]
        .parse()
        .unwrap_or_else(|_| panic!("programs/{id}: a folder's name is a seed's id, as A4"));
    (id[..digits].to_string(), number)
}

/// The path of a file the program's folder must have, as `include_str!` takes it.
fn existing(path: &Path) -> String {
    assert!(path.is_file(), "{} is missing", path.display());
    path.to_str().expect("a UTF-8 path").to_string()
}

/// One `Preset { … }` literal. `{:?}` writes a Rust string literal, and an f64 with its point.
fn preset(id: &str, m: &Meta, source: &str) -> String {
    let pairs = |pairs: &[(String, String)]| {
        let items: Vec<String> = pairs
            .iter()
            .map(|(a, b)| format!("({a:?}, {b:?})"))
            .collect();
        format!("&[{}]", items.join(", "))
    };
    let c = &m.comparison;
    let rewrites = match &c.rewrites {
        Rewrites::Own(own) => pairs(own),
        Rewrites::Shared(name) => {
            assert!(
                SHARED_REWRITES.contains(&name.as_str()),
                "programs/{id}/meta.toml: no rewrite set {name:?} (there are {SHARED_REWRITES:?})"
            );
            name.to_ascii_uppercase()
        }
    };
    let ordered: Vec<String> = c.ordered.iter().map(|o| format!("{o:?}")).collect();
    let hangs_for = match m.hangs_for {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    };
    format!(
        "    Preset {{
        id: {id:?},
        title: {title:?},
        description: {description:?},
        source: include_str!({source:?}),
        test_time_scale: {scale:?},
        needs_server: {needs_server},
        starts_processes: {starts_processes},
        hangs_for: {hangs_for},
        test_edits: {test_edits},
        comparison: Comparison {{
            rewrites: {rewrites},
            in_order: {in_order},
            by_words: {by_words},
            cpython_may_miss_lines: {miss},
            ordered: &[{ordered}],
            why: {why:?},
        }},
    }},
",
        title = m.title,
        description = m.description,
        scale = m.test_time_scale,
        needs_server = m.needs_server,
        starts_processes = m.starts_processes,
        test_edits = pairs(&m.test_edits),
        in_order = c.in_order,
        by_words = c.by_words,
        miss = c.cpython_may_miss_lines,
        ordered = ordered.join(", "),
        why = c.why,
    )
}
