//! Reading a rule directory (`rule-dirs` in a config, or `inboxlint test DIR`): every
//! `*.yaml`/`*.yml` under it, in path order. The walk is bounded in depth, entries and bytes, so
//! a config cannot make inboxlint crawl a home directory, and a symlinked rule file must
//! resolve inside the project, so a repository cannot pull in a file from elsewhere.
//! Symlinked directories are not followed.

use super::confine::ProjectRoot;
use crate::knowledge::yaml::LoadError;
use std::io::Read as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Directory levels below the rule directory.
    pub depth: usize,
    /// Entries (files and directories, whatever their names) looked at.
    pub entries: usize,
    /// Bytes of rule files read, all together.
    pub bytes: u64,
}

/// Far above any real rule pack (the built-in one is ~60 files, 200 KiB in 2 levels).
pub const LIMITS: Limits = Limits {
    depth: 16,
    entries: 10_000,
    bytes: 32 * 1024 * 1024,
};

/// (path as shown, text) of every rule file under `dir`. With `project`, symlinked files must
/// resolve inside it.
pub fn collect(
    dir: &Path,
    project: Option<&ProjectRoot>,
    limits: &Limits,
) -> Result<Vec<(String, String)>, Vec<LoadError>> {
    let mut walk = Walk {
        top: dir,
        project,
        limits,
        entries: 0,
        bytes: 0,
        files: Vec::new(),
        errors: Vec::new(),
    };
    walk.dir(dir, 0).map_err(|e| vec![e])?;
    if walk.errors.is_empty() {
        Ok(walk.files)
    } else {
        Err(walk.errors)
    }
}

struct Walk<'a> {
    top: &'a Path,
    project: Option<&'a ProjectRoot>,
    limits: &'a Limits,
    entries: usize,
    bytes: u64,
    files: Vec<(String, String)>,
    /// Problems with single files; the walk goes on past them.
    errors: Vec<LoadError>,
}

fn error(path: &Path, message: String) -> LoadError {
    LoadError::at(&path.display().to_string(), "", 0, 0, message)
}

fn is_rule_file(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "yaml" || x == "yml")
}

impl Walk<'_> {
    /// Err ends the walk: a limit was passed, and what was read so far would be a partial pack.
    fn dir(&mut self, dir: &Path, depth: usize) -> Result<(), LoadError> {
        let listing = match std::fs::read_dir(dir) {
            Ok(l) => l,
            Err(e) => return Err(error(dir, format!("cannot read rule directory: {e}"))),
        };
        let mut children: Vec<PathBuf> = Vec::new();
        for entry in listing {
            self.entries += 1;
            if self.entries > self.limits.entries {
                return Err(error(
                    self.top,
                    format!(
                        "rule directory holds more than {} entries; not loaded (is `rule-dirs` pointing at the right folder?)",
                        self.limits.entries
                    ),
                ));
            }
            match entry {
                Ok(e) => children.push(e.path()),
                Err(e) => self.errors.push(error(dir, format!("cannot list rule directory: {e}"))),
            }
        }
        children.sort();
        for child in children {
            let meta = match std::fs::symlink_metadata(&child) {
                Ok(m) => m,
                Err(e) => {
                    self.errors.push(error(&child, format!("cannot read: {e}")));
                    continue;
                }
            };
            if meta.is_dir() {
                if depth + 1 > self.limits.depth {
                    return Err(error(
                        &child,
                        format!(
                            "rule directory `{}` nests deeper than {} levels; not loaded",
                            self.top.display(),
                            self.limits.depth
                        ),
                    ));
                }
                self.dir(&child, depth + 1)?;
            } else if is_rule_file(&child) {
                if meta.file_type().is_symlink()
                    && let Some(project) = self.project
                    && let Err(outside) = project.admit(&child)
                {
                    self.errors.push(error(
                        &child,
                        format!("rule file not read: it is a symlink and {outside}"),
                    ));
                    continue;
                }
                self.file(&child)?;
            }
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) -> Result<(), LoadError> {
        let mut file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                self.errors.push(error(path, format!("cannot read rule file: {e}")));
                return Ok(());
            }
        };
        if file.metadata().is_ok_and(|m| !m.is_file()) {
            self.errors.push(error(
                path,
                "not a regular file (a FIFO, socket or device); not read".into(),
            ));
            return Ok(());
        }
        let left = self.limits.bytes.saturating_sub(self.bytes);
        let mut bytes = Vec::new();
        if let Err(e) = file.by_ref().take(left.saturating_add(1)).read_to_end(&mut bytes) {
            self.errors.push(error(path, format!("cannot read rule file: {e}")));
            return Ok(());
        }
        self.bytes += bytes.len() as u64;
        if self.bytes > self.limits.bytes {
            return Err(error(
                self.top,
                format!(
                    "rule files under this directory pass {} bytes together; not loaded",
                    self.limits.bytes
                ),
            ));
        }
        match String::from_utf8(bytes) {
            Ok(text) => self.files.push((path.display().to_string(), text)),
            Err(_) => self.errors.push(error(path, "rule file is not UTF-8 text".into())),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE_LIKE: &str = "id: x/y\n";

    #[test]
    fn reads_yaml_files_in_path_order_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("b/esp")).unwrap();
        std::fs::write(tmp.path().join("b/esp/d.yaml"), RULE_LIKE).unwrap();
        std::fs::write(tmp.path().join("a.yml"), RULE_LIKE).unwrap();
        std::fs::write(tmp.path().join("notes.txt"), "no").unwrap();
        let files = collect(tmp.path(), None, &LIMITS).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|(p, _)| Path::new(p).strip_prefix(tmp.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(names, vec![PathBuf::from("a.yml"), PathBuf::from("b/esp/d.yaml")]);
    }

    #[test]
    fn each_limit_stops_the_walk_with_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("1/2/3")).unwrap();
        for i in 0..5 {
            std::fs::write(tmp.path().join(format!("r{i}.yaml")), RULE_LIKE.repeat(10)).unwrap();
        }
        let deep = Limits { depth: 2, ..LIMITS };
        let e = collect(tmp.path(), None, &deep).unwrap_err();
        assert!(e[0].message().contains("deeper than 2"), "{:?}", e[0].message());
        let many = Limits { entries: 4, ..LIMITS };
        let e = collect(tmp.path(), None, &many).unwrap_err();
        assert!(e[0].message().contains("more than 4 entries"), "{:?}", e[0].message());
        let big = Limits { bytes: 100, ..LIMITS };
        let e = collect(tmp.path(), None, &big).unwrap_err();
        assert!(e[0].message().contains("100 bytes"), "{:?}", e[0].message());
        assert!(collect(tmp.path(), None, &LIMITS).is_ok());
    }

    #[test]
    fn a_symlinked_rule_file_must_stay_in_the_project() {
        let tmp = tempfile::tempdir().unwrap();
        let proj = tmp.path().join("proj");
        std::fs::create_dir_all(proj.join("rules")).unwrap();
        std::fs::write(tmp.path().join("secret.yaml"), "TOP-SECRET").unwrap();
        std::fs::write(proj.join("shared.yaml"), RULE_LIKE).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret.yaml"), proj.join("rules/out.yaml")).unwrap();
        std::os::unix::fs::symlink(proj.join("shared.yaml"), proj.join("rules/in.yaml")).unwrap();
        let project = ProjectRoot::exactly(&proj);
        let errors = collect(&proj.join("rules"), Some(&project), &LIMITS).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].path.ends_with("out.yaml"));
        assert!(!errors[0].render().contains("TOP-SECRET"));
        // The user's own directory (`inboxlint test DIR`) may link anywhere.
        let files = collect(&proj.join("rules"), None, &LIMITS).unwrap();
        assert_eq!(files.len(), 2);
    }
}
