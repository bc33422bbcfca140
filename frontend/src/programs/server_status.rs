//! What the page knows of the server that serves it: none (a static copy of the page), or a futurelab
//! server, and where that server's process pools run (its own machine, or a cluster's workers).

use crate::runtime;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum ServerStatus {
    /// Not asked yet, or no answer yet.
    Unknown,
    /// A static copy: no futurelab server answers.
    Absent,
    /// A futurelab server; `cluster` when it was started with `--redis`.
    Serves { cluster: Option<ClusterInfo> },
}

/// The cluster a server sends process pools to.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterInfo {
    pub queue: String,
    /// Worker threads alive now; `None` when the server could not ask Redis.
    pub workers_alive: Option<u64>,
}

/// Asks `/healthz` whether a futurelab server serves the page (a static host's 404, or the file
/// `futurelab site` writes there, is no `{"status":"ok"}`), then `/api/programs` where its process
/// pools run.
pub fn ask(answer: impl FnOnce(ServerStatus) + 'static) {
    runtime::get_json("healthz", move |health| {
        if !health.is_some_and(|body| body["status"] == "ok") {
            answer(ServerStatus::Absent);
            return;
        }
        runtime::get_json("api/programs", move |status| {
            answer(ServerStatus::Serves {
                cluster: status.as_ref().and_then(cluster_of),
            })
        });
    });
}

/// The `cluster` of `GET /api/programs`'s answer: `{"queue": "q", "workers_alive": 2}`, or null.
fn cluster_of(status: &serde_json::Value) -> Option<ClusterInfo> {
    let cluster = status.get("cluster")?;
    Some(ClusterInfo {
        queue: cluster.get("queue")?.as_str()?.to_string(),
        workers_alive: cluster.get("workers_alive").and_then(|n| n.as_u64()),
    })
}

#[derive(Properties, PartialEq)]
pub struct ProcessPlaceProps {
    pub cluster: Option<ClusterInfo>,
}

/// Where a program's process pools run when it runs on the server.
#[function_component(ProcessPlace)]
pub fn process_place(props: &ProcessPlaceProps) -> Html {
    let lang = crate::i18n::use_lang();
    let text = match &props.cluster {
        None => lang.t("cluster.none").to_string(),
        Some(ClusterInfo {
            queue,
            workers_alive,
        }) => {
            let alive = match workers_alive {
                Some(0) => lang.t("cluster.alive_none").to_string(),
                Some(1) => lang.t("cluster.alive_one").to_string(),
                Some(n) => lang.f("cluster.alive_many", &[("n", n)]),
                None => lang.t("cluster.alive_unknown").to_string(),
            };
            lang.f("cluster.some", &[("queue", queue), ("alive", &alive)])
        }
    };
    let state = if props.cluster.is_some() {
        "cluster"
    } else {
        "local"
    };
    html! { <p class="muted" data-testid="process-place" data-state={state}>{ text }</p> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_is_read_from_the_servers_answer() {
        let none = serde_json::json!({ "running": 0, "limit": 4, "cluster": null });
        assert_eq!(cluster_of(&none), None);
        let some = serde_json::json!({ "cluster": { "queue": "q", "workers_alive": 2 } });
        assert_eq!(
            cluster_of(&some),
            Some(ClusterInfo {
                queue: "q".into(),
                workers_alive: Some(2)
            })
        );
        let unknown = serde_json::json!({ "cluster": { "queue": "q", "workers_alive": null } });
        assert_eq!(cluster_of(&unknown).unwrap().workers_alive, None);
    }
}
