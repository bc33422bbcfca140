//! Reading the server's event stream (`POST /api/programs`): server-sent events, split as they arrive.

/// Collects text as it arrives and yields every complete event.
#[derive(Default)]
pub struct SseParser {
    buffer: String,
}

impl SseParser {
    /// Feeds a chunk; returns each event it completed as (name, data), keep-alive comments left out.
    pub fn push(&mut self, text: &str) -> Vec<(String, String)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_are_joined_and_keep_alives_dropped() {
        let mut p = SseParser::default();
        assert!(p.push(": keep-alive\n\nevent: pri").is_empty());
        let got =
            p.push("nt\ndata: {\"text\":\"hi\"}\r\n\r\nevent: done\ndata: {\"a\":\ndata: 1}\n\n");
        assert_eq!(
            got,
            [
                ("print".to_string(), "{\"text\":\"hi\"}".to_string()),
                ("done".to_string(), "{\"a\":\n1}".to_string())
            ]
        );
    }
}
