//! Lexical path handling for template references: no filesystem access, so that paths the
//! walker found and paths built from directives compare equal.

use std::path::{Component, Path, PathBuf};

/// `path` with `.` removed and `..` applied to what precedes it (`a/./b/../c` → `a/c`; `.`
/// becomes the empty path).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    // Empty rather than `.`, so that joining onto it and `starts_with` work for relative paths.
    out.iter().collect()
}

/// The file name of `path` in lower case.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The directories from `path`'s own directory up to `stop` (inclusive when `path` is under it),
/// innermost first. Outside `stop`, at most `fallback` levels.
pub fn ancestors(path: &Path, stop: &Path, fallback: usize) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let under = dir.starts_with(stop);
    let mut out = Vec::new();
    for a in dir.ancestors() {
        if !under && out.len() >= fallback {
            break;
        }
        out.push(a.to_path_buf());
        if under && a == stop {
            break;
        }
    }
    out
}

/// The last `n` components of `path` joined with `/`, when it has that many.
pub fn suffix(path: &Path, n: usize) -> Option<String> {
    let parts: Vec<_> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        })
        .collect();
    (n >= 1 && parts.len() >= n).then(|| parts[parts.len() - n..].join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("./a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(normalize(Path::new("./")), PathBuf::new());
    }

    #[test]
    fn ancestors_stop_at_the_root() {
        let a = ancestors(Path::new("p/emails/x/a.hbs"), Path::new("p"), 3);
        assert_eq!(a, vec![PathBuf::from("p/emails/x"), "p/emails".into(), "p".into()]);
        assert_eq!(ancestors(Path::new("/o/a/b/c.hbs"), Path::new("p"), 2).len(), 2);
        assert_eq!(suffix(Path::new("a/b/c.html"), 2).as_deref(), Some("b/c.html"));
        assert_eq!(suffix(Path::new("c.html"), 2), None);
    }
}
