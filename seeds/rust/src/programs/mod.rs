//! Every seed program written in Rust, by its inventory id. Each file (`seeds/programs/<ID>/rust.rs`,
//! beside the seed's Python) is one program as a learner reads it in the playground's Rust pane: its
//! `main` is the program's.

use futurelab::process::Registry;
use std::error::Error;

#[path = "../../../programs/A1/rust.rs"]
mod a1;
#[path = "../../../programs/A2/rust.rs"]
mod a2;
#[path = "../../../programs/A3/rust.rs"]
mod a3;
#[path = "../../../programs/A4/rust.rs"]
mod a4;
#[path = "../../../programs/A5/rust.rs"]
mod a5;
#[path = "../../../programs/A6/rust.rs"]
mod a6;
#[path = "../../../programs/A7/rust.rs"]
mod a7;
#[path = "../../../programs/A8/rust.rs"]
mod a8;
#[path = "../../../programs/B1/rust.rs"]
mod b1;
#[path = "../../../programs/B2/rust.rs"]
mod b2;
#[path = "../../../programs/B3/rust.rs"]
mod b3;
#[path = "../../../programs/C1/rust.rs"]
mod c1;
#[path = "../../../programs/C2/rust.rs"]
mod c2;
#[path = "../../../programs/C3/rust.rs"]
mod c3;
#[path = "../../../programs/C4/rust.rs"]
mod c4;
#[path = "../../../programs/C5/rust.rs"]
mod c5;
#[path = "../../../programs/C6/rust.rs"]
mod c6;
#[path = "../../../programs/C7/rust.rs"]
mod c7;
#[path = "../../../programs/C8/rust.rs"]
mod c8;
#[path = "../../../programs/D1/rust.rs"]
mod d1;
#[path = "../../../programs/D10/rust.rs"]
mod d10;
#[path = "../../../programs/D11/rust.rs"]
mod d11;
#[path = "../../../programs/D12/rust.rs"]
mod d12;
#[path = "../../../programs/D13/rust.rs"]
mod d13;
#[path = "../../../programs/D14/rust.rs"]
mod d14;
#[path = "../../../programs/D15/rust.rs"]
mod d15;
#[path = "../../../programs/D16/rust.rs"]
mod d16;
#[path = "../../../programs/D17/rust.rs"]
mod d17;
#[path = "../../../programs/D18/rust.rs"]
mod d18;
#[path = "../../../programs/D19/rust.rs"]
mod d19;
#[path = "../../../programs/D2/rust.rs"]
mod d2;
#[path = "../../../programs/D20/rust.rs"]
mod d20;
#[path = "../../../programs/D21/rust.rs"]
mod d21;
#[path = "../../../programs/D22/rust.rs"]
mod d22;
#[path = "../../../programs/D23/rust.rs"]
mod d23;
#[path = "../../../programs/D24/rust.rs"]
mod d24;
#[path = "../../../programs/D25/rust.rs"]
mod d25;
#[path = "../../../programs/D26/rust.rs"]
mod d26;
#[path = "../../../programs/D27/rust.rs"]
mod d27;
#[path = "../../../programs/D3/rust.rs"]
mod d3;
#[path = "../../../programs/D4/rust.rs"]
mod d4;
#[path = "../../../programs/D5/rust.rs"]
mod d5;
#[path = "../../../programs/D6/rust.rs"]
mod d6;
#[path = "../../../programs/D7/rust.rs"]
mod d7;
#[path = "../../../programs/D8/rust.rs"]
mod d8;
#[path = "../../../programs/D9/rust.rs"]
mod d9;
#[path = "../../../programs/E1/rust.rs"]
mod e1;
#[path = "../../../programs/E2/rust.rs"]
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
