//! Building a scenario: the presets, grouped by the seed lesson they teach, and an editor for every field,
//! with each problem shown beside its field.

use futurelab::scenario::{presets, Consume, Problem, Scenario, Style, Task, Work};
use futurelab::work::{POP20_CC, PRIMES};
use futurelab::ReturnWhen;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

pub type Edit = Callback<Rc<dyn Fn(&mut Scenario)>>;

#[derive(Properties, PartialEq)]
pub struct PresetProps {
    pub current: Option<String>,
    pub on_pick: Callback<String>,
}

/// The presets, grouped by lesson, each with its explanation.
#[function_component(PresetList)]
pub fn preset_list(props: &PresetProps) -> Html {
    let all = presets::all();
    let mut lessons: Vec<&str> = Vec::new();
    for p in &all {
        if !lessons.contains(&p.lesson) {
            lessons.push(p.lesson);
        }
    }
    html! {
        <nav class="presets" aria-label="Presets">
            { for lessons.iter().map(|lesson| html! {
                <details open={all.iter().any(|p| p.lesson == *lesson && props.current.as_deref() == Some(p.id))}>
                    <summary>{ *lesson }</summary>
                    <ul>
                        { for all.iter().filter(|p| p.lesson == *lesson).map(|p| {
                            let (id, on_pick) = (p.id.to_string(), props.on_pick.clone());
                            let current = props.current.as_deref() == Some(p.id);
                            html! {
                                <li>
                                    <button class={classes!("preset", current.then_some("on"))} data-testid={format!("preset-{}", p.id)}
                                        aria-pressed={current.to_string()} title={p.explanation}
                                        onclick={Callback::from(move |_| on_pick.emit(id.clone()))}>{ p.title }</button>
                                </li>
                            }
                        }) }
                    </ul>
                </details>
            }) }
        </nav>
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub scenario: std::rc::Rc<Scenario>,
    pub problems: Vec<Problem>,
    pub on_edit: Edit,
    pub disabled: bool,
}

fn edit(on_edit: &Edit, change: impl Fn(&mut Scenario) + 'static) {
    on_edit.emit(Rc::new(change));
}

/// The problems whose field is `field` or inside it, as an inline message.
fn problems_at(problems: &[Problem], field: &str) -> Html {
    let mine: Vec<&Problem> = problems
        .iter()
        .filter(|p| {
            p.field == field
                || p.field.starts_with(&format!("{field}."))
                || p.field.starts_with(&format!("{field}["))
        })
        .collect();
    if mine.is_empty() {
        return html! {};
    }
    html! {
        <span class="field-problem" role="alert" data-testid="problem">
            { mine.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; ") }
        </span>
    }
}

fn number(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn style_key(style: &Style) -> &'static str {
    match style {
        Style::Sequential => "sequential",
        Style::ThreadPool { .. } => "thread_pool",
        Style::ProcessPool { .. } => "process_pool",
        Style::AsyncLoop => "async_loop",
        Style::Pipeline { .. } => "pipeline",
    }
}

fn consume_key(consume: &Consume) -> &'static str {
    match consume {
        Consume::Map => "map",
        Consume::AsCompleted => "as_completed",
        Consume::SubmitThenResultsInOrder => "submit_then_results_in_order",
        Consume::SubmitAndWaitEach => "submit_and_wait_each",
        Consume::Callbacks => "callbacks",
        Consume::Wait { .. } => "wait",
    }
}

fn work_key(work: &Work) -> &'static str {
    match work {
        Work::Sleep { .. } => "sleep",
        Work::Cpu { .. } => "cpu",
        Work::Fetch { .. } => "fetch",
        Work::Fail { .. } => "fail",
        Work::Panic => "panic",
        Work::Withdraw { .. } => "withdraw",
    }
}

/// The work's one editable parameter, as text.
fn work_param(work: &Work) -> String {
    match work {
        Work::Sleep { ms } => ms.to_string(),
        Work::Cpu { n } => n.to_string(),
        Work::Fetch { url } => url.clone(),
        Work::Fail { message } => message.clone(),
        Work::Panic => String::new(),
        Work::Withdraw { amount, .. } => amount.to_string(),
    }
}

fn with_param(work: &Work, text: &str) -> Work {
    match work {
        Work::Sleep { .. } => Work::Sleep {
            ms: number(text).unwrap_or(0),
        },
        Work::Cpu { .. } => Work::Cpu {
            n: number(text).unwrap_or(0),
        },
        Work::Fetch { .. } => Work::Fetch {
            url: text.to_string(),
        },
        Work::Fail { .. } => Work::Fail {
            message: text.to_string(),
        },
        Work::Panic => Work::Panic,
        Work::Withdraw { delay_ms, lock, .. } => Work::Withdraw {
            amount: text.trim().parse().unwrap_or(0),
            delay_ms: *delay_ms,
            lock: *lock,
        },
    }
}

fn work_of_kind(kind: &str) -> Work {
    match kind {
        "cpu" => Work::Cpu {
            n: 112_272_535_095_293,
        },
        "fetch" => Work::Fetch {
            url: "/flags/cn/cn.gif".into(),
        },
        "fail" => Work::Fail {
            message: "something went wrong".into(),
        },
        "panic" => Work::Panic,
        _ => Work::Sleep { ms: 1000 },
    }
}

/// Quick fills: whole task lists from the seeds.
fn quick_fill(kind: &str) -> Vec<Task> {
    match kind {
        "loiter" => (0..5u64)
            .map(|n| {
                Task::new(Work::Sleep { ms: 1000 * n })
                    .label(format!("loiter({n})"))
                    .returns(n * 10)
            })
            .collect(),
        "flags" => POP20_CC
            .iter()
            .map(|cc| {
                let lower = cc.to_lowercase();
                Task::new(Work::Fetch {
                    url: format!("/flags/{lower}/{lower}.gif"),
                })
                .label(*cc)
                .returns(*cc)
            })
            .collect(),
        _ => PRIMES[..5]
            .iter()
            .chain(&PRIMES[..3])
            .map(|&n| Task::new(Work::Cpu { n }).label(format!("is_prime({n})")))
            .collect(),
    }
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let s = &props.scenario;
    let on_edit = props.on_edit.clone();
    let workers = match s.style {
        Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => Some(max_workers),
        _ => None,
    };
    let on_style = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let key = select_value(&e);
            edit(&on_edit, move |s| {
                let workers = match s.style {
                    Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } => {
                        max_workers
                    }
                    _ => 3,
                };
                s.style = match key.as_str() {
                    "sequential" => Style::Sequential,
                    "process_pool" => Style::ProcessPool {
                        max_workers: workers,
                    },
                    "async_loop" => Style::AsyncLoop,
                    "pipeline" => Style::Pipeline {
                        producers: 3,
                        consumers: 0,
                        consumer_work: None,
                    },
                    _ => Style::ThreadPool {
                        max_workers: workers,
                    },
                };
            })
        })
    };
    let on_workers = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let n = number(&input_value(&e)).unwrap_or(0) as usize;
            edit(&on_edit, move |s| {
                if let Style::ThreadPool { max_workers } | Style::ProcessPool { max_workers } =
                    &mut s.style
                {
                    *max_workers = n;
                }
            })
        })
    };
    let on_gil = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            edit(&on_edit, move |s| s.gil = on)
        })
    };
    let on_consume = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let key = select_value(&e);
            edit(&on_edit, move |s| {
                s.consume = match key.as_str() {
                    "as_completed" => Consume::AsCompleted,
                    "submit_then_results_in_order" => Consume::SubmitThenResultsInOrder,
                    "submit_and_wait_each" => Consume::SubmitAndWaitEach,
                    "callbacks" => Consume::Callbacks,
                    "wait" => Consume::Wait {
                        return_when: ReturnWhen::AllCompleted,
                        timeout_ms: None,
                    },
                    _ => Consume::Map,
                }
            })
        })
    };
    let optional_ms = |set: fn(&mut Scenario, Option<u64>)| {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let v = number(&input_value(&e));
            edit(&on_edit, move |s| set(s, v))
        })
    };
    let shutdown_flag = |set: fn(&mut Scenario, bool)| {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            edit(&on_edit, move |s| set(s, on))
        })
    };
    let fill = |kind: &'static str| {
        let on_edit = on_edit.clone();
        Callback::from(move |_| edit(&on_edit, move |s| s.tasks = quick_fill(kind)))
    };
    let add = {
        let on_edit = on_edit.clone();
        Callback::from(move |_| {
            edit(&on_edit, |s| {
                s.tasks.push(Task::new(Work::Sleep { ms: 1000 }))
            })
        })
    };
    let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    html! {
        <fieldset class="editor" disabled={props.disabled}>
            <legend>{ "Scenario" }</legend>
            <div class="fields">
                <label>{ "Runs on " }
                    <select data-testid="style" onchange={on_style}>
                        { for [("sequential", "one thread, in turn"), ("thread_pool", "ThreadPoolExecutor"), ("process_pool", "ProcessPoolExecutor"),
                               ("async_loop", "asyncio event loop"), ("pipeline", "threads and queues")].iter().map(|(k, t)| html! {
                            <option value={*k} selected={style_key(&s.style) == *k}>{ *t }</option>
                        }) }
                    </select>
                </label>
                { problems_at(&props.problems, "style") }
                if let Some(n) = workers {
                    <label>{ "max_workers " }
                        <input type="number" min="1" max="64" data-testid="max-workers" value={n.to_string()} onchange={on_workers} />
                    </label>
                }
                <label><input type="checkbox" data-testid="gil" checked={s.gil} onchange={on_gil} />{ " simulate the GIL" }</label>
                <label>{ "Results with " }
                    <select data-testid="consume-mode" onchange={on_consume}>
                        { for [("map", "executor.map"), ("as_completed", "submit + as_completed"), ("submit_then_results_in_order", "submit, then result() in order"),
                               ("submit_and_wait_each", "submit(...).result() each"), ("callbacks", "add_done_callback"), ("wait", "wait(ALL_COMPLETED)")].iter().map(|(k, t)| html! {
                            <option value={*k} selected={consume_key(&s.consume) == *k}>{ *t }</option>
                        }) }
                    </select>
                </label>
                { problems_at(&props.problems, "consume") }
                <label>{ "timeout (ms) " }<input type="number" min="0" data-testid="timeout" placeholder="none" value={opt(s.timeout_ms)} onchange={optional_ms(|s, v| s.timeout_ms = v)} /></label>
                { problems_at(&props.problems, "timeout_ms") }
                <label>{ "cancel after (ms) " }<input type="number" min="0" data-testid="cancel-after" placeholder="never" value={opt(s.cancel_after_ms)} onchange={optional_ms(|s, v| s.cancel_after_ms = v)} /></label>
                { problems_at(&props.problems, "cancel_after_ms") }
                <label><input type="checkbox" checked={s.shutdown.wait} onchange={shutdown_flag(|s, on| s.shutdown.wait = on)} />{ " shutdown(wait=True)" }</label>
                <label><input type="checkbox" checked={s.shutdown.cancel_futures} onchange={shutdown_flag(|s, on| s.shutdown.cancel_futures = on)} />{ " cancel_futures=True" }</label>
            </div>
            <div class="tasks-head">
                <strong>{ format!("{} tasks", s.tasks.len()) }</strong>
                <button onclick={fill("loiter")}>{ "5 loiter tasks" }</button>
                <button onclick={fill("flags")}>{ "20 flags" }</button>
                <button onclick={fill("primes")}>{ "8 is_prime" }</button>
                <button onclick={add} data-testid="add-task">{ "Add a task" }</button>
            </div>
            { problems_at(&props.problems, "tasks") }
            <ol class="task-list">
                { for s.tasks.iter().enumerate().map(|(i, t)| task_row(i, t, s.tasks.len(), &props.problems, &on_edit)) }
            </ol>
        </fieldset>
    }
}

fn task_row(i: usize, t: &Task, count: usize, problems: &[Problem], on_edit: &Edit) -> Html {
    let on_label = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let v = input_value(&e);
            edit(&on_edit, move |s| {
                s.tasks[i].label = (!v.is_empty()).then(|| v.clone())
            })
        })
    };
    let on_kind = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let k = select_value(&e);
            edit(&on_edit, move |s| s.tasks[i].work = work_of_kind(&k))
        })
    };
    let on_param = {
        let on_edit = on_edit.clone();
        Callback::from(move |e: Event| {
            let v = input_value(&e);
            edit(&on_edit, move |s| {
                s.tasks[i].work = with_param(&s.tasks[i].work, &v)
            })
        })
    };
    let swap = |j: usize| {
        let on_edit = on_edit.clone();
        Callback::from(move |_| edit(&on_edit, move |s| s.tasks.swap(i, j)))
    };
    let remove = {
        let on_edit = on_edit.clone();
        Callback::from(move |_| {
            edit(&on_edit, move |s| {
                s.tasks.remove(i);
            })
        })
    };
    let param_name = match t.work {
        Work::Sleep { .. } => "ms",
        Work::Cpu { .. } => "n",
        Work::Fetch { .. } => "path",
        Work::Fail { .. } => "message",
        Work::Withdraw { .. } => "amount",
        Work::Panic => "",
    };
    html! {
        <li class="task" data-testid="task">
            <input aria-label={format!("task {i} label")} placeholder={t.name()} value={t.label.clone().unwrap_or_default()} onchange={on_label} />
            <select aria-label={format!("task {i} kind")} onchange={on_kind}>
                { for [("sleep", "sleep"), ("cpu", "is_prime"), ("fetch", "fetch"), ("fail", "raise"), ("panic", "panic")].iter().map(|(k, txt)| html! {
                    <option value={*k} selected={work_key(&t.work) == *k}>{ *txt }</option>
                }) }
                if matches!(t.work, Work::Withdraw { .. }) { <option value="withdraw" selected=true>{ "withdraw" }</option> }
            </select>
            if !param_name.is_empty() {
                <input aria-label={format!("task {i} {param_name}")} class="param" value={work_param(&t.work)} onchange={on_param} />
            }
            <button aria-label={format!("move task {i} up")} disabled={i == 0} onclick={swap(i.saturating_sub(1))}>{ "↑" }</button>
            <button aria-label={format!("move task {i} down")} disabled={i + 1 >= count} onclick={swap((i + 1).min(count - 1))}>{ "↓" }</button>
            <button aria-label={format!("remove task {i}")} onclick={remove}>{ "✕" }</button>
            { problems_at(problems, &format!("tasks[{i}]")) }
        </li>
    }
}
