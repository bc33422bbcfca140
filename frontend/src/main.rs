//! The futurelab playground page.

mod app;
mod bench;
mod demo;
mod programs;
mod runtime;
mod smoke;

fn main() {
    runtime::start(|pool| {
        yew::Renderer::<app::App>::with_props(app::AppProps { pool }).render();
    });
}
