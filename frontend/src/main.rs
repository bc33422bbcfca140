//! The futurelab playground page.

// The engine's host notes a failed allocation before the abort that follows (programs/engine.rs): the
// wasm build is nightly's already (threads need std rebuilt with atomics).
#![cfg_attr(target_arch = "wasm32", feature(alloc_error_hook))]

mod app;
mod bench;
mod demo;
mod i18n;
mod programs;
mod runtime;
mod smoke;

fn main() {
    // The module also runs in the engine's host, a worker with a memory of its own for the programs
    // (programs/engine.rs), which has no page to draw: it waits there to be asked.
    #[cfg(target_arch = "wasm32")]
    if web_sys::window().is_none() {
        return;
    }
    // Only the developers' pages (?smoke, ?demo, ?bench) run on wasm-bindgen-rayon's pool; the programs
    // start a Web Worker for each thread of their own when they run, in the engine's host.
    runtime::start(app::page_of_its_own(), |pool| {
        yew::Renderer::<app::App>::with_props(app::AppProps { pool }).render();
    });
}
