//! The seed programs written in Rust against futurelab's public API (the crate
//! `core/programs/rust`): the playground's Rust pane. The Rust differential test there runs each and
//! compares what it prints with CPython's run of the preset.

use super::Preset;

/// Each preset's Rust program, by id: the text of `core/programs/rust/src/programs/<id>.rs`.
const PROGRAMS: &[(&str, &str)] = &[
    ("A1", include_str!("../../rust/src/programs/a1.rs")),
    ("A2", include_str!("../../rust/src/programs/a2.rs")),
    ("A3", include_str!("../../rust/src/programs/a3.rs")),
    ("A4", include_str!("../../rust/src/programs/a4.rs")),
    ("A5", include_str!("../../rust/src/programs/a5.rs")),
    ("A6", include_str!("../../rust/src/programs/a6.rs")),
    ("A7", include_str!("../../rust/src/programs/a7.rs")),
    ("A8", include_str!("../../rust/src/programs/a8.rs")),
    ("B1", include_str!("../../rust/src/programs/b1.rs")),
    ("B2", include_str!("../../rust/src/programs/b2.rs")),
    ("B3", include_str!("../../rust/src/programs/b3.rs")),
    ("C1", include_str!("../../rust/src/programs/c1.rs")),
    ("C2", include_str!("../../rust/src/programs/c2.rs")),
    ("C3", include_str!("../../rust/src/programs/c3.rs")),
    ("C4", include_str!("../../rust/src/programs/c4.rs")),
    ("C5", include_str!("../../rust/src/programs/c5.rs")),
    ("C6", include_str!("../../rust/src/programs/c6.rs")),
    ("C7", include_str!("../../rust/src/programs/c7.rs")),
    ("C8", include_str!("../../rust/src/programs/c8.rs")),
    ("D1", include_str!("../../rust/src/programs/d1.rs")),
    ("D2", include_str!("../../rust/src/programs/d2.rs")),
    ("D3", include_str!("../../rust/src/programs/d3.rs")),
    ("D4", include_str!("../../rust/src/programs/d4.rs")),
    ("D5", include_str!("../../rust/src/programs/d5.rs")),
    ("D6", include_str!("../../rust/src/programs/d6.rs")),
    ("D7", include_str!("../../rust/src/programs/d7.rs")),
    ("D8", include_str!("../../rust/src/programs/d8.rs")),
    ("D9", include_str!("../../rust/src/programs/d9.rs")),
    ("D10", include_str!("../../rust/src/programs/d10.rs")),
    ("D11", include_str!("../../rust/src/programs/d11.rs")),
    ("D12", include_str!("../../rust/src/programs/d12.rs")),
    ("D13", include_str!("../../rust/src/programs/d13.rs")),
    ("D14", include_str!("../../rust/src/programs/d14.rs")),
    ("D15", include_str!("../../rust/src/programs/d15.rs")),
    ("D16", include_str!("../../rust/src/programs/d16.rs")),
    ("D17", include_str!("../../rust/src/programs/d17.rs")),
    ("D18", include_str!("../../rust/src/programs/d18.rs")),
    ("D19", include_str!("../../rust/src/programs/d19.rs")),
    ("D20", include_str!("../../rust/src/programs/d20.rs")),
    ("D21", include_str!("../../rust/src/programs/d21.rs")),
    ("D22", include_str!("../../rust/src/programs/d22.rs")),
    ("D23", include_str!("../../rust/src/programs/d23.rs")),
    ("D24", include_str!("../../rust/src/programs/d24.rs")),
    ("D25", include_str!("../../rust/src/programs/d25.rs")),
    ("D26", include_str!("../../rust/src/programs/d26.rs")),
    ("D27", include_str!("../../rust/src/programs/d27.rs")),
    ("E1", include_str!("../../rust/src/programs/e1.rs")),
    ("E2", include_str!("../../rust/src/programs/e2.rs")),
];

/// The module every program uses for what Python's standard library gives and Rust leaves to the
/// program, and through which the tests scale time and reach their server.
pub const SEED_MODULE: &str = include_str!("../../rust/src/seed.rs");

impl Preset {
    /// The program in Rust, as files to read in order: its own (`a8.rs`), then those of the programs it
    /// borrows from (A8 uses A6's `download_one` and A7's counter), then `seed.rs`.
    pub fn rust_files(&self) -> Vec<(String, &'static str)> {
        let mut files = Vec::new();
        let mut queue = vec![self.id.to_ascii_lowercase()];
        while let Some(id) = queue.pop() {
            if files.iter().any(|(name, _)| *name == format!("{id}.rs")) {
                continue;
            }
            let Some((_, text)) = PROGRAMS.iter().find(|(i, _)| i.eq_ignore_ascii_case(&id)) else {
                continue;
            };
            for line in text.lines() {
                if let Some(rest) = line.strip_prefix("use super::") {
                    let used: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    queue.insert(0, used);
                }
            }
            files.push((format!("{id}.rs"), *text));
        }
        files.push(("seed.rs".to_string(), SEED_MODULE));
        files
    }
}

#[cfg(test)]
mod tests {
    use super::{super::all, PROGRAMS};

    #[test]
    fn every_preset_has_its_rust_program() {
        for preset in all() {
            assert!(
                PROGRAMS.iter().any(|(id, _)| *id == preset.id),
                "{} has no Rust program",
                preset.id
            );
            let files = preset.rust_files();
            assert_eq!(files[0].0, format!("{}.rs", preset.id.to_ascii_lowercase()));
            assert_eq!(files.last().unwrap().0, "seed.rs");
        }
        assert_eq!(PROGRAMS.len(), all().len());
        let a8: Vec<String> = super::super::get("A8")
            .unwrap()
            .rust_files()
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(a8, ["a8.rs", "a6.rs", "a7.rs", "seed.rs"]);
    }
}
