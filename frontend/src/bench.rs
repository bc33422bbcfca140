//! `/?bench`: the browser half of the `is_prime` throughput figure (frontend/BENCHMARKS.md), the same
//! function the native example runs, on this page's Web Worker threads.

use crate::runtime;
use yew::prelude::*;

#[function_component(Bench)]
pub fn bench() -> Html {
    let lang = crate::i18n::use_lang();
    let rates = use_state(|| None::<Vec<(usize, f64)>>);
    {
        let rates = rates.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let measured = runtime::run_off_main_thread(|| {
                    [1usize, 2]
                        .iter()
                        .map(|&w| (w, futurelab::work::is_prime_throughput(w, 16, 3)))
                        .collect::<Vec<_>>()
                })
                .await;
                rates.set(Some(measured.unwrap_or_default()));
            });
        });
    }
    match &*rates {
        None => {
            html! { <section data-testid="bench"><p>{ lang.t("bench.measuring") }</p></section> }
        }
        Some(rates) => html! {
            <section data-testid="bench" data-done="true">
                <h2>{ lang.t("bench.heading") }</h2>
                <ul>
                    { for rates.iter().map(|(w, r)| html! {
                        <li data-testid="bench-rate" data-workers={w.to_string()} data-rate={format!("{r:.3}")}>
                            { lang.f(if *w == 1 { "bench.rate_one" } else { "bench.rate_many" }, &[("workers", w), ("rate", &format!("{r:.1}"))]) }
                        </li>
                    }) }
                </ul>
            </section>
        },
    }
}
