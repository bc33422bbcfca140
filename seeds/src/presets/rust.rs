//! The seed programs written in Rust against futurelab's public API (`seeds/programs/<ID>/rust.rs`,
//! built by the crate `seeds/rust`): the playground's Rust pane. The Rust differential test there
//! runs each and compares what it prints with CPython's run of the preset.

use super::Preset;

/// Each preset's Rust program, by id: the text of `seeds/programs/<ID>/rust.rs` (written by `build.rs`).
const PROGRAMS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rust_programs.rs"));

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
