//! The page's components.

use crate::demo::{self, Report};
use crate::runtime::{self, PoolInfo};
use crate::smoke::{self, Check};
use std::rc::Rc;
use yew::prelude::*;

/// What `futurelab --version` prints: the version and the commit the page was built from (build.rs).
const VERSION: &str = concat!(
    "futurelab ",
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("FUTURELAB_COMMIT"),
    ")"
);

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The worker pool, or why the page cannot have one.
    pub pool: Result<PoolInfo, String>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    // The playground is the seed programs. Version 1 links (`/#preset=…`, `/?scenarios#scenario=…`)
    // open as the programs their scenarios convert to.
    let page_of_its_own = ["smoke", "bench", "demo"]
        .iter()
        .any(|flag| runtime::query_flag(flag));
    html! {
        <main class={classes!(props.pool.is_ok().then_some("wide"))}>
            <header>
                <h1>{ "futurelab" }</h1>
                <p class="tagline">
                    { "Python's concurrent.futures, re-created in Rust, running on Web Worker threads: the seed programs as written (A1 … E2)." }
                </p>
            </header>
            { match &props.pool {
                Ok(pool) if runtime::query_flag("smoke") => html! { <><PoolStatus pool={pool.clone()} /><SmokeTest pool={pool.clone()} /></> },
                Ok(_) if runtime::query_flag("bench") => html! { <crate::bench::Bench /> },
                Ok(pool) if runtime::query_flag("demo") => html! { <><PoolStatus pool={pool.clone()} /><Demo pool={pool.clone()} /></> },
                Err(reason) if page_of_its_own => html! { <Unsupported reason={reason.clone()} /> },
                // Programs start threads of their own (a Web Worker each), not the pool's; and run on the
                // server even where the page cannot start threads (a run in the page then says why not).
                _ => html! { <crate::programs::Programs /> },
            } }
            <footer class="version" data-testid="version">{ VERSION }</footer>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct UnsupportedProps {
    reason: String,
}

#[function_component(Unsupported)]
fn unsupported(props: &UnsupportedProps) -> Html {
    html! { <section class="problem" role="alert" data-testid="unsupported"><h2>{ "Worker threads unavailable" }</h2><p>{ &props.reason }</p></section> }
}

#[derive(Properties, PartialEq)]
struct PoolProps {
    pool: PoolInfo,
}

#[function_component(PoolStatus)]
fn pool_status(props: &PoolProps) -> Html {
    let p = &props.pool;
    html! {
        <section class="pool" data-testid="pool" data-threads={p.threads.to_string()}>
            <p>{ format!(
                "{} Web Worker threads started (navigator.hardwareConcurrency = {}): {} for executor workers, 1 for the program that consumes their results.",
                p.threads, p.hardware_concurrency, p.workers
            ) }</p>
        </section>
    }
}

#[derive(Clone, PartialEq)]
enum DemoState {
    Running,
    Done(Rc<Report>),
    Failed(String),
}

#[function_component(Demo)]
fn demo_view(props: &PoolProps) -> Html {
    let state = use_state(|| DemoState::Running);
    let run = {
        let state = state.clone();
        let workers = props.pool.workers;
        Callback::from(move |_: ()| {
            state.set(DemoState::Running);
            let state = state.clone();
            yew::platform::spawn_local(async move {
                let outcome = runtime::run_off_main_thread(move || demo::run(workers)).await;
                state.set(match outcome {
                    Some(Ok(report)) => DemoState::Done(Rc::new(report)),
                    Some(Err(e)) => DemoState::Failed(e),
                    None => {
                        DemoState::Failed("the worker thread stopped before answering".to_string())
                    }
                });
            });
        })
    };
    {
        let run = run.clone();
        use_effect_with((), move |_| run.emit(()));
    }
    let workers = props.pool.workers;
    html! {
        <section class="demo" data-testid="demo">
            <h2>{ "A first run" }</h2>
            <pre class="code">{ format!(
                "with ThreadPoolExecutor(max_workers={workers}, thread_name_prefix='demo') as executor:\n    for n, prime in zip(NUMBERS, executor.map(is_prime, NUMBERS)):\n        print(n, prime, threading.current_thread().name)"
            ) }</pre>
            <button data-testid="run-demo" disabled={*state == DemoState::Running} onclick={run.reform(|_| ())}>{ "Run again" }</button>
            { match &*state {
                DemoState::Running => html! { <p data-testid="demo-status" aria-live="polite">{ "Computing on the worker threads…" }</p> },
                DemoState::Failed(e) => html! { <p class="problem" role="alert" data-testid="demo-status">{ format!("The demonstration failed: {e}") }</p> },
                DemoState::Done(report) => report_view(report),
            } }
        </section>
    }
}

fn report_view(report: &Report) -> Html {
    let workers = report.workers();
    let threads: std::collections::BTreeSet<_> =
        report.rows.iter().filter_map(|r| r.thread).collect();
    html! {
        <>
            <p data-testid="demo-threads" data-count={workers.len().to_string()} data-web-workers={threads.len().to_string()} aria-live="polite">
                { format!(
                    "{} numbers checked in {:.0} ms by {} executor workers ({}) on {} distinct Web Worker threads; the page never waited.",
                    report.rows.len(), report.millis, workers.len(),
                    workers.iter().copied().collect::<Vec<_>>().join(", "), threads.len()
                ) }
            </p>
            <table data-testid="demo-results">
                <thead><tr><th>{ "n" }</th><th>{ "is_prime" }</th><th>{ "worker" }</th><th>{ "Web Worker" }</th><th>{ "ms" }</th></tr></thead>
                <tbody>
                    { for report.rows.iter().map(|r| html! {
                        <tr data-testid="demo-row">
                            <td>{ r.n }</td><td>{ if r.prime { "True" } else { "False" } }</td><td>{ &r.worker }</td>
                            <td>{ r.thread.map(|t| format!("rayon thread {t}")).unwrap_or_default() }</td><td>{ format!("{:.1}", r.millis) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </>
    }
}

/// `/?smoke`: the core's smoke test, run in this browser; each check a row with its outcome.
#[function_component(SmokeTest)]
fn smoke_test(props: &PoolProps) -> Html {
    let checks = use_state(|| None::<Rc<Vec<Check>>>);
    {
        let checks = checks.clone();
        let workers = props.pool.workers;
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let mut all = runtime::run_off_main_thread(move || smoke::blocking_checks(workers))
                    .await
                    .unwrap_or_default();
                all.extend(smoke::main_thread_checks(workers).await);
                all.extend(
                    runtime::run_off_main_thread(smoke::crash_checks)
                        .await
                        .unwrap_or_default(),
                );
                checks.set(Some(Rc::new(all)));
            });
        });
    }
    let Some(checks) = &*checks else {
        return html! { <section data-testid="smoke"><p aria-live="polite">{ "Running the core's smoke test…" }</p></section> };
    };
    let failed = checks.iter().filter(|c| c.outcome.is_err()).count();
    html! {
        <section data-testid="smoke" data-checks={checks.len().to_string()} data-failed={failed.to_string()}>
            <h2>{ format!("Core smoke test: {} of {} checks passed", checks.len() - failed, checks.len()) }</h2>
            <ul>
                { for checks.iter().map(|c| html! {
                    <li data-testid="smoke-check" data-ok={c.outcome.is_ok().to_string()}>
                        { if c.outcome.is_ok() { "✔ " } else { "✘ " } }{ c.name }
                        { c.outcome.as_ref().err().map(|e| format!(": {e}")).unwrap_or_default() }
                    </li>
                }) }
            </ul>
        </section>
    }
}
