use super::*;
use crate::check_program;
use crate::parse_program;

fn err(src: &str) -> SyntaxError {
    parse_program(src).expect_err("the source is not in the subset")
}

#[test]
fn a_program_keeps_its_lines_comments_and_docstrings() {
    let p = parse_program("import time\n\n# a comment\ndef f(n):  # trailing\n    \"\"\"doc\"\"\"\n    return n * 10\n").unwrap();
    assert_eq!(p.body.len(), 3);
    assert_eq!(
        p.body[1].kind,
        StmtKind::Comment {
            text: " a comment".into()
        }
    );
    let StmtKind::FunctionDef(def) = &p.body[2].kind else {
        panic!("a def")
    };
    assert_eq!(
        (p.body[2].line, p.body[2].comment.as_deref()),
        (4, Some(" trailing"))
    );
    assert_eq!(
        def.body[0].kind,
        StmtKind::Expr {
            value: Expr::Str("doc".into())
        }
    );
}

#[test]
fn f_strings_split_into_literals_and_fields() {
    let Expr::FString(parts) = parse_expression("f'{name!r:>5} 在执行任务 {i}{{x}}'").unwrap()
    else {
        panic!("an f-string")
    };
    assert_eq!(parts.len(), 4);
    assert_eq!(
        parts[0],
        FPart::Value {
            expr: Expr::Name("name".into()),
            conversion: Some('r'),
            spec: Some(">5".into())
        }
    );
    assert_eq!(parts[1], FPart::Lit(" 在执行任务 ".into()));
    assert_eq!(parts[3], FPart::Lit("{x}".into()));
}

#[test]
fn for_targets_stop_before_in() {
    let p = parse_program("for i, result in enumerate(results):\n    pass\n").unwrap();
    let StmtKind::For { target, .. } = &p.body[0].kind else {
        panic!("a for")
    };
    assert_eq!(
        target,
        &Expr::Tuple(vec![Expr::Name("i".into()), Expr::Name("result".into())])
    );
}

#[test]
fn adjacent_strings_join() {
    assert_eq!(
        parse_expression("('CN IN ' 'US')").unwrap(),
        Expr::Str("CN IN US".into())
    );
}

#[test]
fn problems_name_their_line_and_column() {
    let e = err("x = 1\nif x:\nprint(x)\n");
    assert_eq!(
        (e.line, e.message.as_str()),
        (3, "expected an indented block")
    );
    assert_eq!(
        err("x = (1,\n").to_string(),
        "line 1, column 5: '(' was never closed"
    );
    let p = parse_program("@decorator\nclass C:\n    pass\n").unwrap();
    assert!(
        matches!(&p.body[0].kind, StmtKind::ClassDef { decorators, .. } if decorators.len() == 1)
    );
    assert!(err("@decorator x\ndef f():\n    pass\n")
        .message
        .contains("after a decorator"));
    // An int literal past 64 bits is a Python int now; a malformed one is CPython's error.
    assert!(parse_program("x = 99999999999999999999\n").is_ok());
    assert_eq!(err("x = 0x\n").message, "invalid hexadecimal literal");
    assert_eq!(
        err("def f(:):\n    pass\n").to_string(),
        "line 1, column 7: expected a name, found ':'"
    );
    assert!(err("print(f'{}')\n").message.contains("empty expression"));
    assert!(err("  x = 1\n").message.contains("indent"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
    assert!(err(&deep).message.contains("nested"));
    let deep_not = format!("x = {}True\n", "not ".repeat(10_000));
    assert!(err(&deep_not).message.contains("nested"));
    let mut blocks = String::new();
    for depth in 0..200 {
        blocks.push_str(&" ".repeat(depth));
        blocks.push_str("if True:\n");
    }
    blocks.push_str(&" ".repeat(200));
    blocks.push_str("pass\n");
    assert!(err(&blocks).message.contains("nested"));
}

#[test]
fn long_chains_are_an_error_not_a_stack_overflow() {
    // Each chained link makes the tree a level deeper with no nesting in the source: 20,000 of them
    // overflowed a thread's stack (and ended the server) when the tree was run or dropped.
    for link in [".b", "[0]", "()", " + a", " * a", " - a", " // a"] {
        let long = format!("x = a{}\n", link.repeat(20_000));
        let message = err(&long).message;
        assert!(
            message.contains("more than 200 levels deep"),
            "{link}: {message}"
        );
    }
    // A chain whose first operand is a bracketed chain goes on from that one's depth: three of 80.
    let links = " + a".repeat(80);
    let nested = format!("x = ((a{links}){links}){links}\n");
    let deep = |src: &str| {
        parse_program(src).is_err_and(|e| e.message.contains("more than 200 levels deep"))
    };
    assert!(deep(&nested));
    // A bracketed chain as a later operand hangs lower than the spine's top: 150 then 60 is too deep.
    assert!(deep(&format!(
        "x = a + (a{}){}\n",
        " + a".repeat(60),
        " + a".repeat(150)
    )));
    // Shorter chains are ordinary programs.
    let program = format!("x = a{}\ny = a{}.b\n", " + a".repeat(150), ".b".repeat(150));
    assert!(parse_program(&program).is_ok());
    assert!(parse_program(&format!("x = ((a{links}){links})\n")).is_ok());
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic fuzz: every prefix of a real program, and mangled variants of it.
    let src = include_str!("../../../../seeds/programs/A4/program.py");
    let chars: Vec<char> = src.chars().collect();
    for end in 0..chars.len() {
        let prefix: String = chars[..end].iter().collect();
        let _ = parse_program(&prefix);
    }
    for (i, c) in ['(', ')', ':', '"', '\'', '{', '}', '\\', '\t', '#']
        .iter()
        .enumerate()
    {
        let mangled: String = chars
            .iter()
            .enumerate()
            .map(|(j, &d)| if j % (7 + i) == 0 { *c } else { d })
            .collect();
        let _ = parse_program(&mangled);
    }
}

#[test]
fn a_program_round_trips_through_json() {
    let p = parse_program(include_str!("../../../../seeds/programs/C8/program.py")).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    let back: Program = serde_json::from_str(&json).unwrap();
    assert_eq!(p, back);
    assert_eq!(p.version, PROGRAM_VERSION);
}

#[test]
fn every_problem_is_listed_with_its_place_and_checking_resumes_at_the_next_statement() {
    use crate::check_program;
    let src = "def f(x y):\n    pass\n\nx = = 1\ny = 2\nprint(x)\nclass C:\n    def g(self)\n        pass\nz = 3 +\n";
    let problems = check_program(src);
    let lines: Vec<u32> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [1, 4, 8, 10], "{problems:?}");
    assert!(problems.iter().all(|p| p.col >= 1 && !p.message.is_empty()));
    assert!(check_program("x = 1\nprint(x)\n").is_empty());
    // A problem of the text itself stops the check there.
    assert_eq!(check_program("x = 'open\ny = (\n").len(), 1);
    // Every listed problem is the one parse_program reports when it is the first.
    for p in &problems[..1] {
        assert_eq!(crate::parse_program(src).unwrap_err(), *p);
    }
}

#[test]
fn yield_parses_where_python_allows_it_and_renders_back() {
    let src = "def gen(n):\n    yield\n    yield n\n    x = yield n, 1\n    total += yield\n    y = (yield x) + 1\n    yield from range(n)\n";
    let program = parse_program(src).unwrap();
    let StmtKind::FunctionDef(def) = &program.body[0].kind else {
        panic!("a def")
    };
    assert_eq!(
        def.body[0].kind,
        StmtKind::Expr {
            value: Expr::Yield(None)
        }
    );
    assert!(matches!(
        &def.body[5].kind,
        StmtKind::Expr {
            value: Expr::YieldFrom(_)
        }
    ));
    let rendered = crate::python::to_python(&program);
    assert_eq!(
        parse_program(&rendered).unwrap().body,
        program.body,
        "{rendered}"
    );
    // CPython: `SyntaxError: 'yield' outside function`, at the `yield`.
    for src in [
        "yield 1\n",
        "x = 1\nx = yield\n",
        "class A:\n    yield 2\n",
        "def f():\n    class B:\n        y = (yield)\n",
    ] {
        let e = err(src);
        assert_eq!(e.message, "'yield' outside function", "{src}");
    }
    assert_eq!(
        (
            err("x = 1\nx = yield\n").line,
            err("x = 1\nx = yield\n").col
        ),
        (2, 5)
    );
    // A lambda's body is a function's: `lambda: (yield)` is a generator function.
    assert!(parse_program("f = lambda: (yield)\n").is_ok());
}

#[test]
fn what_the_engines_python_lacks_is_refused_at_its_place_saying_so() {
    let yet = "not in futurelab's Python yet";
    for (src, line, col, what) in [
        (
            "match x:\n    case 1:\n        pass\n",
            1,
            1,
            "match statements",
        ),
        ("x = ...\n", 1, 5, "... (Ellipsis)"),
        (
            "def f(a, /, b):\n    pass\n",
            1,
            7,
            "positional-only parameters (/)",
        ),
        ("x = 3j\n", 1, 5, "complex numbers (3j)"),
        (
            "class A(metaclass=M):\n    pass\n",
            1,
            9,
            "class keywords (metaclass=…)",
        ),
        ("x = a @ b\n", 1, 5, "the @ operator"),
        ("from . import x\n", 1, 1, "relative imports"),
        ("from m import *\n", 1, 15, "from … import *"),
        ("x = {**a}\n", 1, 6, "** in a dict display"),
    ] {
        let e = err(src);
        assert_eq!((e.line, e.col), (line, col), "{src}: {e}");
        assert!(
            e.message.starts_with(what) && e.message.contains(yet),
            "{src}: {e}"
        );
        assert_eq!(check_program(src), vec![e], "{src}");
    }
    // Syntax errors of a statement come before what it lacks, as CPython's parser runs before its
    // compiler.
    assert_eq!(err("x = a[::2] +\n").message, "invalid syntax");
}

#[test]
fn comment_lines_belong_to_the_innermost_block_open_where_they_stand() {
    let src = "if x:  # h\n    a = 1\n    # in the if\nelif y:  # elif\n    b = 2\n# before else\nelse:\n    c = 3  # c\n# after\nd = 4\n";
    let p = parse_program(src).unwrap();
    let StmtKind::If { body, orelse, .. } = &p.body[0].kind else {
        panic!("an if")
    };
    assert_eq!(p.body[0].comment.as_deref(), Some(" h"));
    assert_eq!(
        body[1].kind,
        StmtKind::Comment {
            text: " in the if".into()
        }
    );
    let StmtKind::If {
        body: elif_body,
        orelse: else_body,
        ..
    } = &orelse[0].kind
    else {
        panic!("an elif")
    };
    assert_eq!(
        (orelse[0].line, orelse[0].comment.as_deref()),
        (4, Some(" elif"))
    );
    assert_eq!(elif_body.len(), 2, "{elif_body:?}");
    assert_eq!(
        (else_body[0].line, else_body[0].comment.as_deref()),
        (8, Some(" c"))
    );
    assert_eq!(
        else_body[1].kind,
        StmtKind::Comment {
            text: " after".into()
        }
    );
    assert_eq!((p.body.len(), p.body[1].line), (2, 10));
    let rendered = crate::python::to_python(&p);
    assert_eq!(parse_program(&rendered).unwrap().body, p.body, "{rendered}");
}

#[test]
fn nesting_is_refused_before_ruff_parses_it() {
    let parens = |n: usize| format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
    assert!(parse_program(&parens(200)).is_ok());
    let e = err(&parens(201));
    assert_eq!(
        (e.line, e.col, e.message.as_str()),
        (1, 205, "too many nested parentheses")
    );
    let power = format!("x = 2{}\n", " ** 2".repeat(5_000));
    assert!(err(&power).message.contains("nested"));
    let lambdas = format!("f = {}1\n", "lambda: ".repeat(5_000));
    assert!(err(&lambdas).message.contains("nested"));
    let ternary = format!("x = 1{}\n", " if a else 1".repeat(5_000));
    assert!(err(&ternary).message.contains("nested"));
    // A long list of negative numbers is not nesting.
    let list = format!("x = [{}]\n", "-1, ".repeat(5_000));
    assert!(parse_program(&list).is_ok());
}

#[test]
fn contextual_problems_are_worded_as_cpython_words_them() {
    let e = err("print 'hello'\n");
    assert_eq!(
        (e.line, e.col, e.message.as_str()),
        (
            1,
            1,
            "Missing parentheses in call to 'print'. Did you mean print(...)?"
        )
    );
    // A bracket never closed is the problem only when the parser fails past its line.
    assert_eq!(
        err("x = (1, 2\nprint(x)\n").to_string(),
        "line 1, column 5: '(' was never closed"
    );
    assert_eq!(err("class C(:\n    pass\n").line, 1);
    assert_ne!(err("class C(:\n    pass\n").message, "'(' was never closed");
    assert_eq!(
        err("x = 1\ny = 2\n     z = 3\n").to_string(),
        "line 3, column 5: unexpected indent"
    );
    assert_eq!(
        err("x = '''abc\ny = 1\n").to_string(),
        "line 1, column 5: unterminated triple-quoted string literal (detected at line 2)"
    );
    assert_eq!(
        err("s = f\"abc\n").to_string(),
        "line 1, column 5: unterminated string literal (detected at line 1)"
    );
    assert_eq!(
        err("x = 3 €\n").to_string(),
        "line 1, column 7: invalid character '€' (U+20AC)"
    );
}
