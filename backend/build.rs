//! Rebuilds the binary when the page it embeds changes (rust-embed reads ../dist at compile time; a
//! dist/ made after the first build would otherwise go unnoticed), and records the commit it was built
//! from for `futurelab --version`.

fn main() {
    // (While there is no dist/, cargo runs this script, and so rebuilds the binary, on every build:
    // only until a page is built.)
    println!("cargo:rerun-if-changed=../dist");
    include!("../build-support/commit.rs");
}
