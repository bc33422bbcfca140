//! Every seed program written in Rust, by its inventory id. Each file is one program as a learner reads
//! it in the playground's Rust pane: its `main` is the program's.

use futurelab::process::Registry;
use std::error::Error;

mod a1;
mod a2;
mod a3;
mod a4;
mod a5;
mod a6;
mod a7;
mod a8;
mod b1;
mod b2;
mod b3;
mod c1;
mod c2;
mod c3;
mod c4;
mod c5;
mod c6;
mod c7;
mod c8;
mod d1;
mod d10;
mod d11;
mod d12;
mod d13;
mod d14;
mod d15;
mod d16;
mod d17;
mod d18;
mod d19;
mod d2;
mod d20;
mod d21;
mod d22;
mod d23;
mod d24;
mod d25;
mod d26;
mod d27;
mod d3;
mod d4;
mod d5;
mod d6;
mod d7;
mod d8;
mod d9;
mod e1;
mod e2;

/// A program's `main`.
pub type Main = fn() -> Result<(), Box<dyn Error>>;

/// Every program, by inventory id.
pub const ALL: &[(&str, Main)] = &[
    ("A1", a1::main),
    ("A2", a2::main),
    ("A3", a3::main),
    ("A4", a4::main),
    ("A5", a5::main),
    ("A6", a6::main),
    ("A7", a7::main),
    ("A8", a8::main),
    ("B1", b1::main),
    ("B2", b2::main),
    ("B3", b3::main),
    ("C1", c1::main),
    ("C2", c2::main),
    ("C3", c3::main),
    ("C4", c4::main),
    ("C5", c5::main),
    ("C6", c6::main),
    ("C7", c7::main),
    ("C8", c8::main),
    ("D1", d1::main),
    ("D2", d2::main),
    ("D3", d3::main),
    ("D4", d4::main),
    ("D5", d5::main),
    ("D6", d6::main),
    ("D7", d7::main),
    ("D8", d8::main),
    ("D9", d9::main),
    ("D10", d10::main),
    ("D11", d11::main),
    ("D12", d12::main),
    ("D13", d13::main),
    ("D14", d14::main),
    ("D15", d15::main),
    ("D16", d16::main),
    ("D17", d17::main),
    ("D18", d18::main),
    ("D19", d19::main),
    ("D20", d20::main),
    ("D21", d21::main),
    ("D22", d22::main),
    ("D23", d23::main),
    ("D24", d24::main),
    ("D25", d25::main),
    ("D26", d26::main),
    ("D27", d27::main),
    ("E1", e1::main),
    ("E2", e2::main),
];

/// The functions every program's worker processes run: this binary serves them when a process pool
/// starts it as a worker.
pub fn worker_functions() -> Registry {
    let mut registry = Registry::new();
    registry.extend(&b1::worker_functions().0);
    registry.extend(&b2::worker_functions().0);
    registry.extend(&c1::worker_functions().0);
    registry.extend(&c2::worker_functions().0);
    registry.extend(&c3::worker_functions().0);
    registry.extend(&c4::worker_functions().0);
    registry.extend(&c5::worker_functions().0);
    registry.extend(&d12::worker_functions().0);
    registry.extend(&d13::worker_functions().0);
    registry
}
