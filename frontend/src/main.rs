//! The futurelab playground page.

mod app;
mod demo;
mod runtime;

fn main() {
    runtime::start(|pool| {
        yew::Renderer::<app::App>::with_props(app::AppProps { pool }).render();
    });
}
