use super::*;
use serde_json::{json, Value};

/// Lines a run child wrote before this crate existed (`futurelab run-child`, a program that prints
/// two lines, submits one call and raises; and a source with a syntax error), cut to a few events.
const LINES_AS_SENT: [&str; 6] = [
    r#"A {}"#,
    r#"R {"error":"the program is not in futurelab's Python: line 1, column 5: unexpected '='","problems":[{"line":1,"column":5,"message":"unexpected '='"}]}"#,
    r#"T [{"t_us":950,"future":null,"thread":"MainThread","kind":"thread_started"},{"t_us":1477,"future":1,"thread":"MainThread","kind":"labelled","label":"builtin_function_or_method(-1)"},{"t_us":1497,"future":1,"thread":"MainThread","kind":"wait_ended","op":"result","position":0}]"#,
    r#"P {"thread":"MainThread","text":"hi\nthere\n","t_us":1060}"#,
    r#"D {"elapsed_ms":1,"error":"Traceback (most recent call last):\n  File \"<program>\", line 6\nValueError: 1","stopped":null,"time_limit_s":null,"output_limit_bytes":null,"background_errors":[],"trace_dropped":0}"#,
    r#"D {"elapsed_ms":1200,"error":null,"stopped":"the run was ended: it used more memory than 1 GiB allows","time_limit_s":null,"output_limit_bytes":null,"memory_limit_bytes":1073741824,"background_errors":["Exception in thread Thread-1:\n"],"trace_dropped":3}"#,
];

fn parse(line: &str) -> Frame<Value> {
    Frame::parse_line(line).unwrap_or_else(|e| panic!("{e}")).0
}

/// Every line as the child wrote it reads as its kind, and is written back byte for byte: the wire
/// format is the one the server's tests and the page's browser tests read.
#[test]
fn the_lines_a_child_wrote_read_as_their_kind_and_write_back_byte_for_byte() {
    let kinds: Vec<FrameKind> = LINES_AS_SENT.iter().map(|l| parse(l).kind()).collect();
    assert_eq!(
        kinds,
        [
            FrameKind::Accepted,
            FrameKind::Rejected,
            FrameKind::Trace,
            FrameKind::Print,
            FrameKind::Done,
            FrameKind::Done
        ]
    );
    for line in LINES_AS_SENT {
        let (frame, json) = Frame::<Value>::parse_line(line).unwrap();
        assert_eq!(json, &line[2..]);
        let written = frame.to_line().unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), format!("{line}\n"));
    }
    let Frame::Rejected(rejection) = parse(LINES_AS_SENT[1]) else {
        panic!("a rejection");
    };
    assert_eq!(
        rejection.problems,
        [Problem {
            line: 1,
            column: 5,
            message: "unexpected '='".into()
        }]
    );
    let Frame::Event(RunEvent::Print(print)) = parse(LINES_AS_SENT[3]) else {
        panic!("a print");
    };
    assert_eq!(
        print,
        Print {
            thread: "MainThread".into(),
            text: "hi\nthere\n".into(),
            t_us: 1060
        }
    );
    let Frame::Event(RunEvent::Trace(batch)) = parse(LINES_AS_SENT[2]) else {
        panic!("a trace batch");
    };
    let times: Vec<u64> = batch.iter().map(|e| e["t_us"].as_u64().unwrap()).collect();
    assert_eq!(times, [950, 1477, 1497]);
    let Frame::Event(RunEvent::Done(done)) = parse(LINES_AS_SENT[5]) else {
        panic!("a done");
    };
    assert_eq!(done.memory_limit_bytes, Some(1 << 30));
    assert_eq!(done.trace_dropped, 3);
    assert_eq!(done.background_errors.len(), 1);
}

/// Each kind of frame reads back as it was written, a text with newlines on one line.
#[test]
fn every_frame_reads_back_as_written_on_one_line() {
    let frames: Vec<Frame<Value>> = vec![
        Frame::Accepted(Accepted {}),
        Frame::Rejected(Rejection {
            error: "no program \"Z9\"".into(),
            problems: Vec::new(),
        }),
        Frame::Event(RunEvent::Print(Print {
            thread: "Thread-1 (work)".into(),
            text: "two\nlines\n\u{0}中\n".into(),
            t_us: 7,
        })),
        Frame::Event(RunEvent::Trace(vec![
            json!({"t_us": 1, "thread": "MainThread", "kind": "thread_started"}),
        ])),
        Frame::Event(RunEvent::Trace(Vec::new())),
        Frame::Event(RunEvent::Done(DoneReport {
            elapsed_ms: 60_000,
            stopped: Some("the run reached its time limit of 60.0 s".into()),
            time_limit_s: Some(60.0),
            output_limit_bytes: Some(4 << 20),
            ..DoneReport::default()
        })),
    ];
    for frame in frames {
        let line = String::from_utf8(frame.to_line().unwrap()).unwrap();
        assert_eq!(line.matches('\n').count(), 1, "one line: {line:?}");
        assert_eq!(line.as_bytes()[0], frame.kind().letter());
        let (back, _) = Frame::<Value>::parse_line(line.trim_end_matches('\n')).unwrap();
        assert_eq!(back, frame);
    }
}

#[test]
fn a_line_that_is_not_a_frame_of_its_kind_is_refused_with_what_it_was() {
    for line in [
        "",
        "P",
        "P{}",
        "X {}",
        "P {",
        "hello world",
        "D {} extra",
        // The right JSON for another kind, or a field missing.
        "P []",
        "T {}",
        r#"P {"thread":"MainThread","text":"hi"}"#,
        r#"D {"error":null}"#,
        r#"R {"problems":[]}"#,
    ] {
        let error = Frame::<Value>::parse_line(line).unwrap_err().to_string();
        assert!(!error.is_empty(), "{line:?}");
        assert!(error.ends_with(&format!("{:?}", shorten(line))), "{error}");
    }
}

/// `done` writes every field the page reads, `null` or not, and `memory_limit_bytes` only when it
/// ended the run.
#[test]
fn a_done_report_writes_every_field_the_page_reads() {
    let done = DoneReport {
        elapsed_ms: 12,
        stopped: Some("why".into()),
        ..DoneReport::default()
    };
    let value = serde_json::to_value(&done).unwrap();
    let fields: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "elapsed_ms",
            "error",
            "stopped",
            "time_limit_s",
            "output_limit_bytes",
            "background_errors",
            "trace_dropped"
        ]
    );
    let ended = DoneReport {
        memory_limit_bytes: Some(1 << 30),
        ..done
    };
    assert_eq!(
        serde_json::to_value(&ended).unwrap()["memory_limit_bytes"],
        1 << 30
    );
}

/// The page reads a server-sent event by its name; a name it does not know is skipped, and data that
/// does not read as its event is an error.
#[test]
fn server_sent_events_read_by_their_name() {
    let event = RunEvent::<Value>::from_sse("print", &LINES_AS_SENT[3][2..]).unwrap();
    assert!(matches!(
        event,
        Some(RunEvent::Print(Print { t_us: 1060, .. }))
    ));
    let event = RunEvent::<Value>::from_sse("trace", &LINES_AS_SENT[2][2..]).unwrap();
    assert!(matches!(event, Some(RunEvent::Trace(batch)) if batch.len() == 3));
    let event = RunEvent::<Value>::from_sse("done", &LINES_AS_SENT[4][2..]).unwrap();
    let Some(RunEvent::Done(done)) = event else {
        panic!("{event:?}");
    };
    assert!(done.error.unwrap().ends_with("ValueError: 1"));
    assert_eq!(RunEvent::<Value>::from_sse("progress", "{}").unwrap(), None);
    assert!(RunEvent::<Value>::from_sse("done", r#"{"text":"hi"}"#).is_err());
    // The kinds the server answers itself are no events.
    assert_eq!(RunEvent::<Value>::from_sse("accepted", "{}").unwrap(), None);
    for kind in FrameKind::ALL {
        assert_eq!(
            kind.event_name().and_then(FrameKind::from_event_name),
            kind.event_name().map(|_| kind)
        );
        assert_eq!(FrameKind::from_letter(kind.letter()), Some(kind));
    }
}

/// The page's request writes what it sent before (`{"id":"A4","time_scale":1.0}`, `free_threaded`
/// only when true), and the server's reading of it refuses a field it does not know.
#[test]
fn a_program_request_writes_what_the_page_sent_and_refuses_unknown_fields() {
    let preset = ProgramRequest {
        time_scale: Some(1.0),
        ..ProgramRequest::new(ProgramChoice::Id("A4".into()))
    };
    assert_eq!(
        serde_json::to_string(&preset).unwrap(),
        r#"{"id":"A4","time_scale":1.0}"#
    );
    let source = ProgramRequest {
        time_scale: Some(0.1),
        free_threaded: true,
        ..ProgramRequest::new(ProgramChoice::Source("print(1)\n".into()))
    };
    let json = serde_json::to_string(&source).unwrap();
    assert_eq!(
        json,
        r#"{"source":"print(1)\n","time_scale":0.1,"free_threaded":true}"#
    );
    assert_eq!(
        serde_json::from_str::<ProgramRequest>(&json).unwrap(),
        source
    );
    assert_eq!(
        serde_json::from_str::<ProgramRequest>("{}").unwrap(),
        ProgramRequest::default()
    );
    let unknown = serde_json::from_str::<ProgramRequest>(r#"{"id":"A4","speed":2}"#);
    assert!(unknown.unwrap_err().to_string().contains("speed"));
    // The program as the run's child is told it.
    assert_eq!(
        serde_json::to_string(&ProgramChoice::Id("A4".into())).unwrap(),
        r#"{"id":"A4"}"#
    );
}
