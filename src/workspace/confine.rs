//! The project root, and keeping paths that a config file names inside it.
//!
//! A repository's `.inboxlint.yaml` is not trusted: in a fork's pull request it is written by a
//! stranger, and inboxlint's output lands in a public log. Every path it names (`extends`,
//! `rule-dirs`, `baseline`, template roots, a campaign's template...) is resolved after
//! symlinks and must land inside the project, or it is refused before a byte of it is read.
//! Paths from the command line or the environment are the user's own and are not confined.

use std::path::{Component, Path, PathBuf};

/// The directory a repository's files may refer within: canonical, so a symlinked checkout
/// (`/tmp/link -> /tmp/real`) and the paths found through it agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRoot(PathBuf);

/// A path that resolves outside the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    pub root: PathBuf,
}

impl std::fmt::Display for Outside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "it resolves outside the project root `{}`", self.root.display())
    }
}

impl ProjectRoot {
    /// The project a config directory speaks for: the git work tree that holds it, else the
    /// directory itself. A work tree at or above the home directory is someone's dotfiles,
    /// not this project, so it does not widen the root.
    pub fn of_dir(dir: &Path) -> ProjectRoot {
        let dir = canonical_or_lexical(dir);
        let home = std::env::var_os("HOME").map(|h| canonical_or_lexical(Path::new(&h)));
        let mut cur = Some(dir.as_path());
        while let Some(d) = cur {
            let holds_home = home.as_deref().is_some_and(|h| h.starts_with(d));
            if holds_home && d != dir {
                break;
            }
            if d.join(".git").exists() {
                return ProjectRoot(d.to_path_buf());
            }
            cur = d.parent();
        }
        ProjectRoot(dir)
    }

    /// A root taken as it is (tests, and directories the user named).
    pub fn exactly(dir: &Path) -> ProjectRoot {
        ProjectRoot(canonical_or_lexical(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `written` (relative to `base`, or absolute) resolved after symlinks, if it stays inside.
    /// A path that does not exist yet (a baseline to be written) resolves through its deepest
    /// existing ancestor.
    pub fn resolve(&self, base: &Path, written: &Path) -> Result<PathBuf, Outside> {
        self.admit(&base.join(written))
    }

    /// `path` resolved after symlinks, if it lies inside the root.
    pub fn admit(&self, path: &Path) -> Result<PathBuf, Outside> {
        let resolved = resolve_existing_prefix(path);
        if resolved.starts_with(&self.0) {
            Ok(resolved)
        } else {
            Err(Outside { root: self.0.clone() })
        }
    }
}

/// Canonical when the path exists; otherwise made absolute and `.`/`..` folded lexically.
fn canonical_or_lexical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| fold(&absolute(path)))
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}

/// The deepest existing ancestor canonicalised (that is where symlinks live), the rest folded
/// lexically: components that do not exist cannot be symlinks.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let path = absolute(path);
    let mut missing: Vec<Component<'_>> = Vec::new();
    let mut cur: &Path = &path;
    loop {
        if let Ok(real) = std::fs::canonicalize(cur) {
            let mut out = real;
            for c in missing.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (cur.parent(), cur.components().next_back()) {
            (Some(parent), Some(last)) => {
                missing.push(last);
                cur = parent;
            }
            // Nothing of it exists, not even `/`: judge it by its letters.
            _ => return fold(&path),
        }
    }
}

fn fold(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_pass_and_leaving_ones_do_not() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("proj");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(tmp.path().join("secret"), "x").unwrap();
        let project = ProjectRoot::exactly(&root);
        assert!(project.resolve(&root, Path::new("sub")).is_ok());
        assert!(project.resolve(&root, Path::new("sub/../sub/new.json")).is_ok());
        assert!(project.resolve(&root, Path::new("not/yet/there.json")).is_ok());
        assert!(project.resolve(&root, Path::new("../secret")).is_err());
        assert!(project.resolve(&root, Path::new("missing/../../secret")).is_err());
        assert!(project.resolve(&root, &tmp.path().join("secret")).is_err());
        assert!(project.resolve(&root, Path::new("/etc/passwd")).is_err());
    }

    #[test]
    fn symlinks_are_judged_by_their_target() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir_all(real.join("rules")).unwrap();
        std::fs::write(tmp.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), real.join("out")).unwrap();
        std::os::unix::fs::symlink(real.join("rules"), real.join("in")).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        // Reached through a symlinked root, the project is the real directory.
        let project = ProjectRoot::exactly(&link);
        assert!(project.resolve(&link, Path::new("in")).is_ok());
        assert!(project.resolve(&link, Path::new("out")).is_err());
        assert!(project.resolve(&link, Path::new("out/../x")).is_err());
    }

    #[test]
    fn a_git_work_tree_widens_the_root_to_its_top() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().join("repo");
        std::fs::create_dir_all(top.join(".git")).unwrap();
        std::fs::create_dir_all(top.join("emails")).unwrap();
        let project = ProjectRoot::of_dir(&top.join("emails"));
        assert_eq!(project.path(), std::fs::canonicalize(&top).unwrap());
        let plain = tmp.path().join("plain");
        std::fs::create_dir_all(&plain).unwrap();
        assert_eq!(
            ProjectRoot::of_dir(&plain).path(),
            std::fs::canonicalize(&plain).unwrap()
        );
    }
}
