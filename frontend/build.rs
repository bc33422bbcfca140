//! Records the commit the page was built from, for its footer (the same text as `futurelab --version`).

fn main() {
    include!("../build-support/commit.rs");
}
