//! Property test: real corpus files, mutated (bytes cut, spliced, duplicated, truncated, markup
//! and merge-tag fragments inserted), never panic the linter, and every fact and finding span
//! stays inside the text and on char boundaries. Skips when `../shared/corpus` is absent.

use inboxlint::Diagnostic;
use inboxlint::engine::{Linter, Overrides, facts};
use inboxlint::knowledge::Knowledge;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Fragments that open or close the constructs the parsers track.
const FRAGMENTS: &[&str] = &[
    "{{",
    "}}",
    "{%",
    "%}",
    "*|",
    "|*",
    "%%",
    "<!--",
    "-->",
    "<a href=\"",
    "\"",
    "'",
    "<",
    ">",
    "</a>",
    "<style>",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "&#x",
    "\u{0}",
    "é",
    "😀",
    "\r",
    "\n",
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "=",
    "#",
    "--",
    "/*",
    "(",
    ")",
    ";",
    "&",
    "\\",
];

fn corpus_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.metadata().is_ok_and(|m| m.len() <= 200_000)
                && p.file_name().is_some_and(|n| n != "MANIFEST.tsv")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

static FILES: LazyLock<Vec<(PathBuf, String)>> = LazyLock::new(|| {
    corpus_files()
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect()
});

static LINTER: LazyLock<Linter> = LazyLock::new(|| {
    Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    })
});

#[derive(Debug, Clone)]
enum Edit {
    Cut { at: usize, len: usize },
    Insert { at: usize, fragment: usize, times: usize },
    Duplicate { at: usize, len: usize },
    Truncate { at: usize },
}

fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        let n = s.len().max(1);
        match *e {
            Edit::Cut { at, len } => {
                let a = floor(&s, at % n);
                let b = floor(&s, a + len);
                s.replace_range(a..b, "");
            }
            Edit::Insert { at, fragment, times } => {
                let a = floor(&s, at % n);
                s.insert_str(a, &FRAGMENTS[fragment % FRAGMENTS.len()].repeat(times));
            }
            Edit::Duplicate { at, len } => {
                let a = floor(&s, at % n);
                let b = floor(&s, a + len);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
            Edit::Truncate { at } => {
                let a = floor(&s, at % n);
                s.truncate(a);
            }
        }
    }
    s
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..400).prop_map(|(at, len)| Edit::Cut { at, len }),
        (any::<usize>(), any::<usize>(), 1usize..40).prop_map(|(at, fragment, times)| Edit::Insert {
            at,
            fragment,
            times
        }),
        (any::<usize>(), 0usize..2000).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        any::<usize>().prop_map(|at| Edit::Truncate { at }),
    ]
}

fn assert_spans(path: &Path, text: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let mut spans = vec![d.span];
        spans.extend(d.labels.iter().map(|l| l.span));
        spans.extend(d.fix.iter().map(|f| f.span));
        for s in spans {
            assert!(
                s.start <= s.end && text.get(s.range()).is_some(),
                "{}: {} span {s:?} is not a slice of the {}-byte text",
                path.display(),
                d.rule,
                text.len()
            );
        }
    }
}

proptest! {
    // Each case lints a real file a few times; 48 cases keep `cargo test` within seconds.
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_files_lint_without_panics_and_with_valid_spans(
        pick in any::<usize>(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let files = &*FILES;
        if files.is_empty() {
            eprintln!("skipped: ../shared/corpus is absent");
            return Ok(());
        }
        let (path, original) = &files[pick % files.len()];
        let text = apply(original, &edits);
        let setup = LINTER.setup_for(path).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        if let Some((kind, format)) = LINTER.kind_of(path, &setup) {
            let knowledge = Knowledge::builtin().map_err(|e| TestCaseError::fail(e.message()))?;
            let doc = facts::build(&text, kind, format, &knowledge);
            prop_assert_eq!(doc.bad_span(&text), None, "{}", path.display());
        }
        let diagnostics = LINTER.lint_source(path, &text, &setup);
        assert_spans(path, &text, &diagnostics);
    }
}
