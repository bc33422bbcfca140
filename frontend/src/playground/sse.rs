//! Reading the server's event stream (`POST /api/runs`): server-sent events back into [`RunEvent`]s.

use futurelab::scenario::RunEvent;

/// Collects text as it arrives and yields every complete event.
#[derive(Default)]
pub struct SseParser {
    buffer: String,
}

impl SseParser {
    /// Feeds a chunk; returns the run events it completed. A malformed event becomes `Failed`, naming it.
    pub fn push(&mut self, text: &str) -> Vec<RunEvent> {
        self.push_raw(text)
            .into_iter()
            .map(|(name, data)| run_event(&name, data))
            .collect()
    }

    /// Feeds a chunk; returns each event it completed as (name, data), keep-alive comments left out.
    pub fn push_raw(&mut self, text: &str) -> Vec<(String, String)> {
        self.buffer.push_str(&text.replace("\r\n", "\n"));
        let mut events = Vec::new();
        while let Some(end) = self.buffer.find("\n\n") {
            let block: String = self.buffer.drain(..end + 2).collect();
            if let Some(event) = parse_block(&block) {
                events.push(event);
            }
        }
        events
    }
}

fn parse_block(block: &str) -> Option<(String, String)> {
    let mut name = "";
    let mut data = String::new();
    for line in block.lines() {
        if let Some(n) = line.strip_prefix("event:") {
            name = n.trim();
        } else if let Some(d) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(d.strip_prefix(' ').unwrap_or(d));
        }
    }
    if name.is_empty() {
        return None; // a keep-alive comment
    }
    Some((name.to_string(), data))
}

fn run_event(name: &str, data: String) -> RunEvent {
    let bad = |e: serde_json::Error| RunEvent::Failed {
        message: format!("the server sent an unreadable {name} event: {e}"),
    };
    match name {
        "trace" => serde_json::from_str(&data)
            .map(RunEvent::Trace)
            .unwrap_or_else(bad),
        "line" => serde_json::from_str(&data)
            .map(RunEvent::Line)
            .unwrap_or_else(bad),
        "done" => serde_json::from_str(&data)
            .map(RunEvent::Done)
            .unwrap_or_else(bad),
        "failed" => RunEvent::Failed {
            message: serde_json::from_str::<serde_json::Value>(&data)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_string))
                .unwrap_or(data),
        },
        other => RunEvent::Failed {
            message: format!("the server sent an unknown event {other:?}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_are_joined() {
        let mut p = SseParser::default();
        assert!(p.push(": keep-alive\n\nevent: li").is_empty());
        let got = p.push("ne\ndata: {\"t_ms\":1.5,\"thread\":\"MainThread\",\"text\":\"hi\"}\n\nevent: failed\ndata: {\"error\":\"x\"}\n\n");
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[0], RunEvent::Line(l) if l.text == "hi"));
        assert!(matches!(&got[1], RunEvent::Failed { message } if message == "x"));
    }

    #[test]
    fn a_malformed_event_is_a_failure_that_names_it() {
        let got = SseParser::default().push("event: trace\ndata: {oops\n\n");
        assert!(matches!(&got[0], RunEvent::Failed { message } if message.contains("trace")));
    }
}
