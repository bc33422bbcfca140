//! The futurelab playground page.

mod app;
mod bench;
mod demo;
mod i18n;
mod programs;
mod runtime;
mod smoke;

fn main() {
    // Only the developers' pages (?smoke, ?demo, ?bench) run on wasm-bindgen-rayon's pool; the programs
    // start a Web Worker for each thread of their own when they run.
    runtime::start(app::page_of_its_own(), |pool| {
        yew::Renderer::<app::App>::with_props(app::AppProps { pool }).render();
    });
}
