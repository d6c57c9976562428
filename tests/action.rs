//! The GitHub Action's run step (scripts/action-run.sh) as the runner calls it: inputs as
//! `INPUT_*` variables, `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT` pointing at files. Also
//! keeps action.yml, the README's example workflow and the pre-commit hooks honest.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Step {
    stdout: String,
    code: i32,
    summary: String,
    outputs: String,
}

fn run_step(dir: &Path, inputs: &[(&str, &str)]) -> Step {
    let tmp = tempfile::tempdir().expect("tempdir");
    let summary = tmp.path().join("step_summary.md");
    let outputs = tmp.path().join("output");
    // The runner creates both files; the summary may already hold earlier steps' text.
    std::fs::write(&summary, "earlier step\n").expect("write");
    std::fs::write(&outputs, "").expect("write");
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/action-run.sh"))
        .current_dir(dir)
        .env("INBOXLINT_BIN", env!("CARGO_BIN_EXE_inboxlint"))
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_WORKSPACE", dir)
        .env_remove("INBOXLINT_FORMAT")
        .env("NO_COLOR", "1");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    Step {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        code: out.status.code().unwrap_or(-1),
        summary: std::fs::read_to_string(&summary).expect("summary"),
        outputs: std::fs::read_to_string(&outputs).expect("outputs"),
    }
}

#[test]
fn run_step_annotates_summarises_and_writes_sarif() {
    let fixtures = root().join("tests/fixtures");
    let tmp = tempfile::tempdir().expect("tempdir");
    let sarif = tmp.path().join("reports/inboxlint.sarif");
    let sarif_str = sarif.to_string_lossy().into_owned();
    let step = run_step(
        &fixtures,
        &[
            ("INPUT_PATHS", "templates configs"),
            ("INPUT_ARGS", ""),
            ("INPUT_FORMAT", "github"),
            ("INPUT_SARIF_FILE", &sarif_str),
            ("INPUT_FAIL_ON_WARNINGS", "false"),
        ],
    );
    assert_eq!(step.code, 1, "errors fail the step: {}", step.stdout);
    let annotations: Vec<&str> = step.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 17, "{}", step.stdout);
    assert!(
        annotations.iter().any(|a| a.starts_with(
            "::error file=templates/pii-tracking.html,line=2,col=46,endLine=2,endColumn=57,\
             title=inboxlint (privacy/pii-in-url)::`{{ email }}` puts email data into a URL"
        )),
        "{}",
        step.stdout
    );
    // `%` in a message is escaped so the runner does not decode it.
    assert!(step.stdout.contains("`{%25 unsubscribe %25}`"), "{}", step.stdout);
    assert!(
        annotations
            .iter()
            .any(|a| a.starts_with("::warning file=templates/pii-tracking.html,line=4,col=10,")),
        "{}",
        step.stdout
    );

    assert!(
        step.summary.starts_with("earlier step\n## inboxlint\n"),
        "appended: {}",
        step.summary
    );
    assert!(
        step.summary.contains("| `security/insecure-transport` | error | 3 |"),
        "{}",
        step.summary
    );
    assert!(
        step.summary.contains("| `templates/pii-tracking.html` | 3 | 2 | 0 |"),
        "{}",
        step.summary
    );

    assert!(step.outputs.contains("exit-code=1\n"), "{}", step.outputs);
    assert!(
        step.outputs.contains(&format!("sarif-file={sarif_str}\n")),
        "{}",
        step.outputs
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written")).expect("sarif is JSON");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(17));
}

#[test]
fn fail_on_warnings_and_args() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("a.html"),
        "<!-- inboxlint: transactional --><a href=\"http://x.example/\">x</a>",
    )
    .expect("write");
    let step = run_step(tmp.path(), &[]);
    assert_eq!(step.code, 0, "a warning alone passes: {}", step.stdout);
    assert!(
        step.stdout.starts_with("::warning file=a.html,line=1,"),
        "{}",
        step.stdout
    );
    assert!(
        step.summary.contains("| `security/insecure-link` | warning | 1 |"),
        "{}",
        step.summary
    );
    assert!(!step.outputs.contains("sarif-file="), "no SARIF unless asked");

    let step = run_step(tmp.path(), &[("INPUT_FAIL_ON_WARNINGS", "true")]);
    assert_eq!(step.code, 1, "{}", step.stdout);
    assert!(step.outputs.contains("exit-code=1"));

    let step = run_step(
        tmp.path(),
        &[("INPUT_ARGS", "--ignore security"), ("INPUT_FAIL_ON_WARNINGS", "true")],
    );
    assert_eq!(step.code, 0, "args reach inboxlint: {}", step.stdout);
    assert!(
        step.summary.contains("All checks passed (1 file checked)."),
        "{}",
        step.summary
    );

    let step = run_step(tmp.path(), &[("INPUT_SARIF_FILE", "out/x.sarif")]);
    let written = tmp.path().join("out/x.sarif");
    assert!(written.is_file());
    assert!(
        step.outputs.contains(&format!("sarif-file={}\n", written.display())),
        "a relative sarif-file is reported absolute: {}",
        step.outputs
    );

    let step = run_step(tmp.path(), &[("INPUT_FORMAT", "concise")]);
    assert!(step.stdout.starts_with("a.html:1:"), "{}", step.stdout);

    let step = run_step(tmp.path(), &[("INPUT_FAIL_ON_WARNINGS", "maybe")]);
    assert_eq!(step.code, 2);
    assert!(
        step.stdout.contains("::error title=inboxlint action::fail-on-warnings"),
        "{}",
        step.stdout
    );

    let step = run_step(tmp.path(), &[("INPUT_ARGS", "--profile mars")]);
    assert_eq!(step.code, 2, "usage errors stop the step: {}", step.stdout);
    assert!(step.outputs.contains("exit-code=2"));
    assert_eq!(step.summary, "earlier step\n", "nothing half-written");
}

fn yaml(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn action_inputs_reach_the_run_step() {
    let action = yaml(&root().join("action.yml"));
    let inputs = action["inputs"].as_object().expect("inputs");
    let names: Vec<&str> = inputs.keys().map(String::as_str).collect();
    for name in [
        "version",
        "args",
        "paths",
        "format",
        "sarif-file",
        "working-directory",
        "fail-on-warnings",
    ] {
        assert!(names.contains(&name), "input {name}");
    }
    assert_eq!(inputs["format"]["default"], "github");
    let script = std::fs::read_to_string(root().join("scripts/action-run.sh")).expect("script");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let run = steps.iter().find(|s| s["id"] == "run").expect("run step");
    let env = run["env"].as_object().expect("env");
    for (var, value) in env {
        assert!(
            script.contains(var.as_str()) || var == "ACTION_PATH",
            "{var} is read by the script"
        );
        if let Some(input) = value.as_str().and_then(|v| v.strip_prefix("${{ inputs.")) {
            let input = input.trim_end_matches(" }}");
            assert!(names.contains(&input), "{input}");
        }
    }
}

#[test]
fn readme_workflow_is_the_checked_example() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let example = std::fs::read_to_string(root().join(".github/workflow-templates/inboxlint.yml")).expect("example");
    let block = format!("```yaml\n{example}```");
    assert!(
        readme.contains(&block),
        "README shows .github/workflow-templates/inboxlint.yml verbatim"
    );
    assert!(example.contains("github/codeql-action/upload-sarif"));
    assert!(example.contains("security-events: write"));
}

#[test]
fn no_input_is_expanded_inside_a_run_script() {
    // An input spliced into a script is code the caller's workflow can inject; env is data.
    for file in ["action.yml", ".github/workflows/release.yml"] {
        let doc = yaml(&root().join(file));
        let mut steps: Vec<&serde_json::Value> = Vec::new();
        if let Some(s) = doc["runs"]["steps"].as_array() {
            steps.extend(s);
        }
        for job in doc["jobs"].as_object().into_iter().flat_map(|j| j.values()) {
            steps.extend(job["steps"].as_array().into_iter().flatten());
        }
        assert!(!steps.is_empty(), "{file} has steps");
        for step in steps {
            if let Some(run) = step["run"].as_str() {
                assert!(!run.contains("${{"), "{file}: expression inside run: {run}");
            }
        }
    }
}

#[test]
fn pre_commit_hooks_read_what_inboxlint_reads() {
    let hooks = yaml(&root().join(".pre-commit-hooks.yaml"));
    let mut hooks = hooks.as_array().expect("a list of hooks").clone();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["inboxlint", "inboxlint-system"]);
    assert_eq!(hooks[0]["language"], "rust");
    assert_eq!(hooks[1]["language"], "system");
    // The recommended hook, from the pre-commit mirror that installs the wheel.
    let mirror = yaml(&root().join("precommit-mirror/.pre-commit-hooks.yaml"));
    let mirror = mirror.as_array().expect("a list of hooks");
    assert_eq!(mirror.len(), 1);
    assert_eq!(mirror[0]["id"], "inboxlint");
    assert_eq!(mirror[0]["language"], "python");
    assert_eq!(
        mirror[0]["files"], hooks[0]["files"],
        "the mirror's filter is the main repository's"
    );
    let pyproject = std::fs::read_to_string(root().join("precommit-mirror/pyproject.toml")).expect("pyproject");
    assert!(
        pyproject.contains(&format!("\"inboxlint=={}\"", env!("CARGO_PKG_VERSION"))),
        "the mirror pins this version's wheel"
    );
    hooks.extend(mirror.iter().cloned());
    for hook in &hooks {
        assert_eq!(hook["entry"], "inboxlint check --force-exclude");
        let files = regex::Regex::new(hook["files"].as_str().expect("files")).expect("files is a regex");
        for path in [
            "emails/a.html",
            "b.HTM",
            "c.hbs",
            "d.liquid",
            "e.jinja2",
            "f.njk",
            "g.mjml",
            "campaign.yaml",
            "x.yml",
            "x.json",
            "listmonk.toml",
            "my.cnf",
            "php.ini",
            ".env",
            "deploy/.env.production",
            "prod.env",
            "schema.sql",
            "schema.prisma",
        ] {
            assert!(files.is_match(path), "{path} is read by inboxlint");
            assert!(
                inboxlint::workspace::kind::classify(Path::new(path)).is_some(),
                "{path}: keep the hook's filter and kind.rs in step"
            );
        }
        for path in [
            "main.rs",
            "README.md",
            "style.css",
            "envs/x",
            "a.html.bak",
            "README.example",
        ] {
            assert!(!files.is_match(path), "{path} is not read by inboxlint");
        }
    }
}
