use super::{EXIT_ERROR, EXIT_OK};
use crate::document::{ClassSource, FileKind, MessageClass};
use crate::engine::{Linter, Overrides};
use crate::workspace::config::{DEFAULT_MAX_FILE_SIZE, STARTER, STARTER_CLASSES};
use crate::workspace::config_schema;
use crate::workspace::{kind, walk};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Overwrite an existing config file.
    #[arg(long)]
    pub force: bool,
    /// Where to write the file.
    #[arg(long, default_value = ".inboxlint.yaml")]
    pub path: PathBuf,
}

pub fn run(args: InitArgs) -> u8 {
    if args.path.exists() && !args.force {
        eprintln!(
            "error: {} already exists (use --force to overwrite)",
            args.path.display()
        );
        return EXIT_ERROR;
    }
    let root = match args.path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let templates = decide_templates(&root);
    // The modeline first: editors with yaml-language-server validate and complete the file
    // from the schema of the release that wrote it.
    let text = format!(
        "{}\n{}",
        config_schema::modeline(),
        STARTER.replacen(STARTER_CLASSES, &classes_section(&templates), 1)
    );
    match crate::atomic_write::write(&args.path, text.as_bytes()) {
        Ok(()) => {
            println!("wrote {}", args.path.display());
            let undecided = templates.iter().filter(|t| t.class == MessageClass::Unknown).count();
            if !templates.is_empty() {
                println!(
                    "classified {} template{} ({undecided} undecided): confirm the `classes:` globs",
                    templates.len(),
                    if templates.len() == 1 { "" } else { "s" }
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", args.path.display());
            EXIT_ERROR
        }
    }
}

/// One template and what inboxlint decided about it.
#[derive(Debug, Clone)]
pub struct Decided {
    /// Relative to the config's directory, `/`-separated.
    pub path: String,
    pub class: MessageClass,
    pub reason: String,
}

/// Decide the class of every template under `root` the way `check` would with no config.
/// Templates that declare their class in a comment need no glob and are left out.
pub fn decide_templates(root: &Path) -> Vec<Decided> {
    let linter = Linter::new(Overrides {
        isolated: true,
        ..Overrides::default()
    });
    let is_message = |p: &Path| matches!(kind::classify(p), Some((FileKind::Html | FileKind::Mjml, _)));
    let (found, _) = walk::discover(&[root.to_path_buf()], true, 1, &|p: &Path, _| is_message(p));
    let mut out = Vec::new();
    for f in found {
        let Ok(setup) = linter.setup_for(&f.path) else {
            continue;
        };
        let walk::Read::Text(text) = walk::read(&f.path, DEFAULT_MAX_FILE_SIZE, false) else {
            continue;
        };
        let Some(linted) = linter.lint_file(&f.path, &text, &setup) else {
            continue;
        };
        let ClassSource::Inferred { reason } = linted.class.source else {
            continue;
        };
        let rel = f.path.strip_prefix(root).unwrap_or(&f.path);
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .filter(|c| c != ".")
            .collect::<Vec<_>>()
            .join("/");
        out.push(Decided {
            path,
            class: linted.class.class,
            reason,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// A config glob (see `workspace::config`) and why.
#[derive(Debug)]
struct Grouped {
    glob: String,
    class: MessageClass,
    why: String,
}

/// A directory where every template agrees (two or more) becomes `dir/**`; elsewhere each file
/// gets its own glob. Undecided templates get none.
fn group(dir: &str, templates: &[&Decided], out: &mut Vec<Grouped>) {
    let first = templates.first().map(|t| t.class);
    let agree = templates.iter().all(|t| Some(t.class) == first);
    if let Some(class) =
        first.filter(|c| agree && !dir.is_empty() && templates.len() > 1 && *c != MessageClass::Unknown)
    {
        let example = templates[0];
        out.push(Grouped {
            glob: format!("{}/**", glob_escape(dir)),
            class,
            why: format!(
                "{} templates, all {}; e.g. {}: {}",
                templates.len(),
                class.as_str(),
                example.path,
                example.reason
            ),
        });
        return;
    }
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut subdirs: Vec<(&str, Vec<&Decided>)> = Vec::new();
    for t in templates {
        let rest = &t.path[prefix.len()..];
        match rest.split_once('/') {
            Some((sub, _)) => match subdirs.iter_mut().find(|(s, _)| *s == sub) {
                Some((_, v)) => v.push(t),
                None => subdirs.push((sub, vec![t])),
            },
            None if t.class != MessageClass::Unknown => out.push(Grouped {
                // `./` anchors a file at the config's directory (a bare name matches at any depth).
                glob: format!("./{}", glob_escape(&t.path)),
                class: t.class,
                why: t.reason.clone(),
            }),
            None => {}
        }
    }
    for (sub, items) in subdirs {
        group(&format!("{prefix}{sub}"), &items, out);
    }
}

/// Glob metacharacters in a file name, matched literally.
fn glob_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if "*?[]{}".contains(c) {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One line of comment, however long the reason.
fn comment(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The `classes:` section of the starter config, from what was decided.
pub fn classes_section(templates: &[Decided]) -> String {
    if templates.is_empty() {
        return STARTER_CLASSES.to_string();
    }
    let all: Vec<&Decided> = templates.iter().collect();
    let mut groups = Vec::new();
    group("", &all, &mut groups);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Message classes, inferred by `inboxlint init` from each template's wording, path, merge\n\
         # fields and ESP tags. Confirm or correct them: marketing-only rules (unsubscribe, postal\n\
         # address) skip transactional mail, and an undecided template is treated as marketing.\n\
         classes:"
    );
    for class in [MessageClass::Transactional, MessageClass::Marketing] {
        let mine: Vec<&Grouped> = groups.iter().filter(|g| g.class == class).collect();
        if mine.is_empty() {
            let _ = writeln!(out, "  {}: []", class.as_str());
            continue;
        }
        let _ = writeln!(out, "  {}:", class.as_str());
        for g in mine {
            let _ = writeln!(out, "    # {}", comment(&g.why));
            let _ = writeln!(out, "    - {}", quoted(&g.glob));
        }
    }
    let undecided: Vec<&Decided> = templates.iter().filter(|t| t.class == MessageClass::Unknown).collect();
    if !undecided.is_empty() {
        let _ = writeln!(
            out,
            "# Undecided (the evidence is weak either way): add each to a class above, or mark the\n\
             # file with an `inboxlint: transactional` (or `marketing`) comment."
        );
        for t in undecided {
            let _ = writeln!(out, "#   {}: {}", t.path, comment(&t.reason));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(path: &str, class: MessageClass) -> Decided {
        Decided {
            path: path.into(),
            class,
            reason: format!("score for {path}"),
        }
    }

    #[test]
    fn directories_that_agree_become_one_glob() {
        use MessageClass::*;
        let t = [
            d("emails/orders/confirmation.liquid", Transactional),
            d("emails/orders/shipped.liquid", Transactional),
            d("emails/news/may.html", Marketing),
            d("emails/news/june.html", Unknown),
            d("emails/[x].html", Transactional),
            d("welcome.html", Unknown),
        ];
        let s = classes_section(&t);
        assert!(
            s.contains("  transactional:\n    # score for emails/[x].html\n    - \"./emails/[[]x[]].html\"\n"),
            "{s}"
        );
        assert!(s.contains("    # 2 templates, all transactional; e.g. emails/orders/confirmation.liquid: score for emails/orders/confirmation.liquid\n    - \"emails/orders/**\"\n"), "{s}");
        assert!(
            s.contains("  marketing:\n    # score for emails/news/may.html\n    - \"./emails/news/may.html\"\n"),
            "{s}"
        );
        assert!(
            s.contains("#   emails/news/june.html: score for emails/news/june.html\n"),
            "{s}"
        );
        assert!(s.contains("#   welcome.html: "), "{s}");
        assert_eq!(classes_section(&[]), STARTER_CLASSES);
    }
}
