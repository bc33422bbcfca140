//! The engine's layers depend one way (src/README of the engine: `object` ← `builtins` ← `vm` ←
//! `stdlib`): a file of a layer names no layer above its own, and the parser and the plumbing
//! (`ast`, `parse`, `clock`, `stack`, `unicode14`) name none of them. Read from the source's paths
//! (`crate::vm::…`, `use crate::{builtins, …}`), comments left out.
//!
//! Where the object protocol must reach up, it goes through `object::Above`, a table the crate's
//! root fills; a module's per-run state is its own type, kept by the runtime by type
//! (`object::ModuleState`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, lowest first.
const LAYERS: &[&str] = &["object", "builtins", "vm", "stdlib"];

/// Modules below every layer: they name no layer.
const BASE: &[&str] = &["ast.rs", "parse", "clock.rs", "stack.rs", "unicode14.rs"];

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The crate's top-level modules a source text names through `crate::`.
fn named_modules(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c, d::{e, f}}`: the first name of each top-level item.
            let mut depth = 1;
            let mut item_start = true;
            for (i, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            rest = &group[i..];
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if item_start && depth == 1 && (c.is_alphabetic() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        names.insert(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.insert(name);
        }
    }
    names
}

#[test]
fn the_layers_depend_one_way() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut up = BTreeSet::new();
    let mut seen_layers = BTreeSet::new();
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let top = relative.split('/').next().unwrap().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let named = named_modules(&text);
        if let Some(level) = LAYERS.iter().position(|l| *l == top) {
            seen_layers.insert(top.clone());
            for above in &LAYERS[level + 1..] {
                if named.contains(*above) {
                    up.insert((relative.clone(), above.to_string()));
                }
            }
        } else if BASE.contains(&top.as_str()) {
            for layer in LAYERS {
                assert!(
                    !named.contains(*layer),
                    "{relative} is below the engine's layers, yet names `crate::{layer}`"
                );
            }
        }
    }
    assert_eq!(
        seen_layers.len(),
        LAYERS.len(),
        "every layer has a folder in src/"
    );
    assert!(
        up.is_empty(),
        "a layer names one above it (file, layer): {up:?}; the object protocol reaches up through \
         `object::Above`, and a module's per-run state is the module's own (`object::ModuleState`)"
    );
}

#[test]
fn the_reader_finds_paths_in_groups_and_paths() {
    let named = named_modules(
        "use crate::{object::Ctx, vm::{a, b}, builtins};\n// crate::stdlib in a comment\nlet x = crate::clock::now();",
    );
    let expected: BTreeSet<String> = ["object", "vm", "builtins", "clock"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(named, expected);
}
