use super::blocks::{Kind, Outline};
use futurelab_seeds::presets;
use proptest::prelude::*;

const LOITER: &str = "\
from concurrent.futures import ThreadPoolExecutor
import time


# One task: sleep, then return.
def loiter(n):
    print(f'start {n}')
# a comment at the margin, inside the body
    time.sleep(n)

    return n * 10


@staticmethod
def decorated():
    pass

flags = [
    'CN', 'US',
]
s = '''text
at the margin'''
if __name__ == '__main__':
    with ThreadPoolExecutor(3) as executor:
        print(list(executor.map(loiter, range(5))))
else:
    pass
";

fn labels(o: &Outline) -> Vec<&str> {
    o.blocks().iter().map(|b| b.label()).collect()
}

#[test]
fn a_program_reads_as_its_top_level_blocks() {
    let o = Outline::read(LOITER);
    assert_eq!(
        labels(&o),
        [
            "from concurrent.futures import ThreadPoolExecutor",
            "import time",
            "def loiter(n):",
            "def decorated():",
            "flags = [",
            "s = '''text",
            "if __name__ == '__main__':",
        ]
    );
    let kinds: Vec<_> = o.blocks().iter().map(|b| b.kind.clone()).collect();
    assert_eq!(kinds[0], Kind::Import);
    assert_eq!(kinds[2], Kind::Function("loiter".into()));
    assert_eq!(kinds[6], Kind::Statement);
    // The comment above a function goes with it, as does the one inside its body, and the blank line
    // inside the body; the decorator goes with its function; `else:` with its `if`.
    let loiter = &o.blocks()[2];
    assert!(loiter.text.starts_with("# One task"));
    assert!(loiter.text.ends_with("    return n * 10\n"));
    assert_eq!((loiter.first_line, loiter.last_line), (5, 11));
    assert!(o.blocks()[3].text.starts_with("@staticmethod\n"));
    assert!(o.blocks()[6].text.ends_with("else:\n    pass\n"));
    assert_eq!(o.text(), LOITER);
}

#[test]
fn every_preset_reads_back_to_its_own_text() {
    for p in presets::all() {
        let o = Outline::read(p.source);
        assert_eq!(o.text(), p.source, "{}", p.id);
        assert!(!o.blocks().is_empty(), "{}", p.id);
        // Each block of a preset is a program of its own or needs the ones before it: never a piece
        // cut from the middle of a statement. Parsing the blocks one by one proves the cut points.
        for b in o.blocks() {
            assert!(
                futurelab_programs::check_program(&b.text).is_empty(),
                "{}: block at line {} does not stand alone:\n{}",
                p.id,
                b.first_line,
                b.text
            );
        }
    }
}

#[test]
fn moving_a_block_keeps_the_blank_lines_in_place() {
    let src = "import time\n\n\ndef f():\n    pass\n\nf()\n";
    let o = Outline::read(src);
    assert_eq!(
        o.swapped(1, 2).unwrap(),
        "import time\n\n\nf()\n\ndef f():\n    pass\n"
    );
    assert_eq!(
        o.swapped(0, 1).unwrap(),
        "def f():\n    pass\n\n\nimport time\n\nf()\n"
    );
    assert_eq!(o.swapped(2, 3), None);
    // Moving the last block of a text without a final newline up keeps the text well formed.
    let o = Outline::read("a = 1\nb = 2");
    assert_eq!(o.swapped(0, 1).unwrap(), "b = 2\na = 1\n");
}

#[test]
fn removing_a_block_takes_its_blank_lines_with_it() {
    let src = "import time\n\n\ndef f():\n    pass\n\nf()\n";
    let o = Outline::read(src);
    assert_eq!(o.removed(1).unwrap(), "import time\n\n\nf()\n");
    assert_eq!(o.removed(0).unwrap(), "def f():\n    pass\n\nf()\n");
    assert_eq!(
        o.removed(2).unwrap(),
        "import time\n\n\ndef f():\n    pass\n"
    );
    assert_eq!(o.removed(3), None);
    assert_eq!(Outline::read("x = 1\n").removed(0).unwrap(), "");
}

#[test]
fn replacing_a_block_keeps_the_gap_after_it_and_reads_its_kind_anew() {
    let src = "x = 1\n\ny = 2\n";
    let o = Outline::read(src);
    assert_eq!(
        o.replaced(0, "def g():\n    return 1\n\n\n").unwrap(),
        "def g():\n    return 1\n\ny = 2\n"
    );
    assert_eq!(o.replaced(1, "").unwrap(), "x = 1\n");
    // A replacement that is two statements reads as two blocks afterwards.
    let two = Outline::read(&o.replaced(0, "a = 1\nb = 2").unwrap());
    assert_eq!(labels(&two), ["a = 1", "b = 2", "y = 2"]);
}

#[test]
fn inserting_sets_functions_apart_and_goes_where_its_kind_belongs() {
    let src = "import time\n\n\ndef f():\n    pass\n\n\nf()\n";
    let o = Outline::read(src);
    assert_eq!(o.place_for(&Kind::Import), 1);
    assert_eq!(o.place_for(&Kind::Function("g".into())), 2);
    assert_eq!(o.place_for(&Kind::Statement), 3);
    assert_eq!(
        o.inserted(2, "def g():\n    return 2"),
        "import time\n\n\ndef f():\n    pass\n\n\ndef g():\n    return 2\n\n\nf()\n"
    );
    assert_eq!(
        o.inserted(1, "import os"),
        "import time\nimport os\n\n\ndef f():\n    pass\n\n\nf()\n"
    );
    assert_eq!(
        o.inserted(99, "print(1)"),
        "import time\n\n\ndef f():\n    pass\n\n\nf()\nprint(1)\n"
    );
    // After a last line without its newline; into an empty text.
    assert_eq!(
        Outline::read("x = 1").inserted(1, "y = 2"),
        "x = 1\ny = 2\n"
    );
    assert_eq!(Outline::read("").inserted(0, "y = 2"), "y = 2\n");
    assert_eq!(Outline::read("\n\n").place_for(&Kind::Import), 0);
}

#[test]
fn a_problem_s_line_finds_its_block() {
    let o = Outline::read(LOITER);
    assert_eq!(o.block_at_line(1), Some(0));
    assert_eq!(o.block_at_line(9), Some(2));
    // A blank line between blocks: the block above.
    assert_eq!(o.block_at_line(12), Some(2));
    assert_eq!(o.block_at_line(999), Some(6));
    assert_eq!(Outline::read("").block_at_line(1), None);
    assert_eq!(Outline::read("\n\nx = 1\n").block_at_line(1), Some(0));
}

#[test]
fn the_names_a_program_defines() {
    let o = Outline::read(LOITER);
    assert_eq!(
        o.defined_names().collect::<Vec<_>>(),
        ["loiter", "decorated"]
    );
}

proptest! {
    /// Whatever the text (half a string, unbalanced brackets, tabs, lone `\r`), reading it loses nothing.
    #[test]
    fn any_text_reads_back_to_itself(text in "([ \\t]{0,2}[a-z#@'\"()\\[\\]\\\\:=]{0,6}\\r?\\n?){0,12}") {
        let o = Outline::read(&text);
        prop_assert_eq!(o.text(), text.clone());
        for i in 0..o.blocks().len() + 1 {
            let _ = o.swapped(i, i + 1);
            let _ = o.removed(i);
            let _ = o.inserted(i, "x = 1");
        }
    }
}
