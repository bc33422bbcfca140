//! The page's components.

use crate::demo::{self, Report};
use crate::i18n::Lang;
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
    /// The worker pool, or why the page cannot have one; `None` on a page that needs none.
    pub pool: Option<Result<PoolInfo, String>>,
}

/// Whether the page is one of the developers' pages (`?smoke`, `?bench`, `?demo`), which run on the
/// worker pool, rather than the playground's programs.
pub fn page_of_its_own() -> bool {
    ["smoke", "bench", "demo"]
        .iter()
        .any(|flag| runtime::query_flag(flag))
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    // The playground is the seed programs. Version 1 links (`/#preset=…`, `/?scenarios#scenario=…`)
    // open as the programs their scenarios convert to.
    let page_of_its_own = page_of_its_own();
    // The page's language: the URL's `lang`, else the browser's; the switch keeps it in the URL.
    let lang = use_state(|| {
        Lang::choose(
            runtime::query_value("lang").as_deref(),
            &runtime::browser_languages(),
        )
    });
    use_effect_with(*lang, |lang| runtime::set_document_language(lang.tag()));
    let switch = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(chosen) = Lang::from_tag(&select.value()) {
                runtime::set_query_value("lang", chosen.tag());
                lang.set(chosen);
            }
        })
    };
    let t = *lang;
    html! {
        <ContextProvider<Lang> context={*lang}>
        <main class={classes!(props.pool.as_ref().is_none_or(Result::is_ok).then_some("wide"))}>
            <header>
                <div class="title-row">
                    <h1>{ "futurelab" }</h1>
                    <label class="language">
                        <span class="sr-only">{ t.t("app.language") }</span>
                        <select data-testid="language" onchange={switch} aria-label={t.t("app.language")}>
                            { for Lang::ALL.iter().map(|l| html! {
                                <option value={l.tag()} selected={*l == t} lang={l.tag()}>{ l.name() }</option>
                            }) }
                        </select>
                    </label>
                </div>
                <p class="tagline">{ t.t("app.tagline") }</p>
            </header>
            { match &props.pool {
                Some(Ok(pool)) if runtime::query_flag("smoke") => html! { <><PoolStatus pool={pool.clone()} /><SmokeTest pool={pool.clone()} /></> },
                Some(Ok(_)) if runtime::query_flag("bench") => html! { <crate::bench::Bench /> },
                Some(Ok(pool)) if runtime::query_flag("demo") => html! { <><PoolStatus pool={pool.clone()} /><Demo pool={pool.clone()} /></> },
                Some(Err(reason)) if page_of_its_own => html! { <Unsupported reason={reason.clone()} /> },
                // Programs start threads of their own (a Web Worker each), not the pool's; and run on the
                // server even where the page cannot start threads (a run in the page then says why not).
                _ => html! { <crate::programs::Programs /> },
            } }
            <footer class="version" data-testid="version">{ VERSION }</footer>
        </main>
        </ContextProvider<Lang>>
    }
}

#[derive(Properties, PartialEq)]
struct UnsupportedProps {
    reason: String,
}

#[function_component(Unsupported)]
fn unsupported(props: &UnsupportedProps) -> Html {
    let lang = crate::i18n::use_lang();
    html! { <section class="problem" role="alert" data-testid="unsupported"><h2>{ lang.t("unsupported.heading") }</h2><p>{ &props.reason }</p></section> }
}

#[derive(Properties, PartialEq)]
struct PoolProps {
    pool: PoolInfo,
}

#[function_component(PoolStatus)]
fn pool_status(props: &PoolProps) -> Html {
    let p = &props.pool;
    let lang = crate::i18n::use_lang();
    html! {
        <section class="pool" data-testid="pool" data-threads={p.threads.to_string()}>
            <p>{ lang.f("pool.started", &[("threads", &p.threads), ("hardware", &p.hardware_concurrency), ("workers", &p.workers)]) }</p>
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
    let lang = crate::i18n::use_lang();
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
                    None => DemoState::Failed(lang.t("demo.stopped").to_string()),
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
            <h2>{ lang.t("demo.heading") }</h2>
            <pre class="code">{ format!(
                "with ThreadPoolExecutor(max_workers={workers}, thread_name_prefix='demo') as executor:\n    for n, prime in zip(NUMBERS, executor.map(is_prime, NUMBERS)):\n        print(n, prime, threading.current_thread().name)"
            ) }</pre>
            <button data-testid="run-demo" disabled={*state == DemoState::Running} onclick={run.reform(|_| ())}>{ lang.t("demo.run_again") }</button>
            { match &*state {
                DemoState::Running => html! { <p data-testid="demo-status" aria-live="polite">{ lang.t("demo.computing") }</p> },
                DemoState::Failed(e) => html! { <p class="problem" role="alert" data-testid="demo-status">{ lang.f("demo.failed", &[("error", e)]) }</p> },
                DemoState::Done(report) => report_view(lang, report),
            } }
        </section>
    }
}

fn report_view(lang: crate::i18n::Lang, report: &Report) -> Html {
    let workers = report.workers();
    let threads: std::collections::BTreeSet<_> =
        report.rows.iter().filter_map(|r| r.thread).collect();
    html! {
        <>
            <p data-testid="demo-threads" data-count={workers.len().to_string()} data-web-workers={threads.len().to_string()} aria-live="polite">
                { lang.f("demo.summary", &[("numbers", &report.rows.len()), ("ms", &format!("{:.0}", report.millis)),
                    ("workers", &workers.len()), ("names", &workers.iter().copied().collect::<Vec<_>>().join(", ")),
                    ("threads", &threads.len())]) }
            </p>
            <table data-testid="demo-results">
                <thead><tr><th>{ "n" }</th><th>{ "is_prime" }</th><th>{ lang.t("demo.col.worker") }</th><th>{ "Web Worker" }</th><th>{ "ms" }</th></tr></thead>
                <tbody>
                    { for report.rows.iter().map(|r| html! {
                        <tr data-testid="demo-row">
                            <td>{ r.n }</td><td>{ if r.prime { "True" } else { "False" } }</td><td>{ &r.worker }</td>
                            <td>{ r.thread.map(|t| lang.f("demo.rayon_thread", &[("n", &t)])).unwrap_or_default() }</td><td>{ format!("{:.1}", r.millis) }</td>
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
    let lang = crate::i18n::use_lang();
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
        return html! { <section data-testid="smoke"><p aria-live="polite">{ lang.t("smoke.running") }</p></section> };
    };
    let failed = checks.iter().filter(|c| c.outcome.is_err()).count();
    html! {
        <section data-testid="smoke" data-checks={checks.len().to_string()} data-failed={failed.to_string()}>
            <h2>{ lang.f("smoke.heading", &[("passed", &(checks.len() - failed)), ("total", &checks.len())]) }</h2>
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
