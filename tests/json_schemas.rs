//! The JSON Schemas in `schemas/` are generated from the serde types the loaders use. This
//! fails when a committed one is stale, checks that every config, rule and dialect file of the
//! repository validates against them, and that schema and loader agree on what they reject.

use inboxlint::knowledge::Knowledge;
use inboxlint::knowledge::dialects::dialect_schema;
use inboxlint::knowledge::yaml;
use inboxlint::rules::{load, rule_schema};
use inboxlint::workspace::config::{self, ConfigFile};
use inboxlint::workspace::config_schema;
use serde_json::Value;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "INBOXLINT_UPDATE_SCHEMAS=1 cargo test --test json_schemas";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compare (or with INBOXLINT_UPDATE_SCHEMAS, rewrite) one committed schema.
fn up_to_date(relative: &str, expected: &str) {
    let path = root().join(relative);
    if std::env::var_os("INBOXLINT_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, expected).expect("write schema");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{relative} is stale: regenerate it with\n    {REGENERATE}"
    );
}

#[test]
fn the_committed_schemas_are_up_to_date() {
    up_to_date("schemas/inboxlint.schema.json", &config_schema::json());
    up_to_date("schemas/rule.schema.json", &rule_schema::json());
    up_to_date(
        "schemas/esp-dialect.schema.json",
        &inboxlint::schema_gen::pretty(&dialect_schema()),
    );
}

#[test]
fn the_schema_command_prints_the_committed_schemas() {
    for (of, file) in [
        ("config", "schemas/inboxlint.schema.json"),
        ("rule", "schemas/rule.schema.json"),
        ("esp-dialect", "schemas/esp-dialect.schema.json"),
    ] {
        let out = assert_cmd::Command::cargo_bin("inboxlint")
            .expect("binary")
            .args(["schema", of])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        let committed = std::fs::read_to_string(root().join(file)).expect("committed");
        assert!(
            String::from_utf8_lossy(&out.stdout) == committed,
            "`inboxlint schema {of}` differs from {file}"
        );
    }
    let out = assert_cmd::Command::cargo_bin("inboxlint")
        .expect("binary")
        .args(["schema", "campaign"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

/// The README shows the modeline `init` writes and a `yaml.schemas` mapping: both must name the
/// committed files at this version's tag.
#[test]
fn the_readme_points_editors_at_the_committed_schemas() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let start = readme.find("\n### Schemas: ").expect("a Schemas section");
    let section = &readme[start..start + readme[start..].find("\n### Messages").expect("next section")];
    assert!(section.contains(&format!("```yaml\n{}\n```", config_schema::modeline())));
    let json_start = section.find("```json\n").expect("a json block") + "```json\n".len();
    let block = &section[json_start..json_start + section[json_start..].find("```").expect("closed")];
    let v: Value = serde_json::from_str(block).expect("the block is JSON");
    let mapped = v["yaml.schemas"].as_object().expect("yaml.schemas");
    for file in ["inboxlint.schema.json", "rule.schema.json", "esp-dialect.schema.json"] {
        assert!(root().join("schemas").join(file).is_file());
        assert!(mapped.contains_key(&inboxlint::schema_gen::release_url(file)), "{file}");
    }
    assert_eq!(mapped.len(), 3);
}

/// The VS Code extension hands the config schema to the YAML extension (which validates and
/// completes from it when installed), at this version's tag like `init`'s modeline.
#[test]
fn the_vscode_extension_maps_configs_to_the_schema() {
    let text = std::fs::read_to_string(root().join("editors/vscode/package.json")).expect("package.json");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let mapping = &v["contributes"]["yamlValidation"][0];
    assert_eq!(
        mapping["url"],
        inboxlint::schema_gen::release_url("inboxlint.schema.json")
    );
    let names: Vec<&str> = mapping["fileMatch"]
        .as_array()
        .expect("fileMatch")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(names, [".inboxlint.yaml", "inboxlint.yaml"]);
}

/// A validator for a committed schema file: what editors load is what is tested.
fn validator(relative: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join(relative)).expect("committed schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("schema compiles")
}

/// The schema errors of a YAML text, read as an editor reads it: YAML 1.2 (yaml-language-server's
/// default), where `off` and `yes` are strings. The loader reads them as strings where it
/// expects one (`template: off`), so only YAML 1.2's `true`/`false` are booleans to both.
fn errors(validator: &jsonschema::Validator, path: &str, text: &str) -> Vec<String> {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    let value: Value = if text.trim().is_empty() {
        serde_json::json!({})
    } else {
        serde_saphyr::from_str_with_options(text, options).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

/// The `.inboxlint.yaml` files of the repository: the example project's, the test projects'.
fn config_files() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for dir in ["examples", "tests"] {
        yaml_files(&root().join(dir), &mut all);
    }
    all.retain(|p| p.file_name().is_some_and(|n| n == ".inboxlint.yaml"));
    all.sort();
    all
}

/// The README's configuration example: the first YAML block after `## Configuration`.
fn readme_config() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let section = &readme[readme.find("\n## Configuration").expect("a Configuration section")..];
    let start = section.find("```yaml\n").expect("a YAML block") + "```yaml\n".len();
    let len = section[start..].find("```").expect("closed");
    section[start..start + len].to_string()
}

#[test]
fn every_config_in_the_repository_validates() {
    let v = validator("schemas/inboxlint.schema.json");
    let files = config_files();
    assert!(files.len() >= 12, "{files:?}");
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read");
        config::load(path).unwrap_or_else(|e| panic!("{}: the loader rejects it: {}", path.display(), e.render()));
        let errs = errors(&v, &path.display().to_string(), &text);
        assert!(errs.is_empty(), "{}:\n{}", path.display(), errs.join("\n"));
    }
    // Not loadable as-is (it extends and names directories that do not exist here), so the
    // README's example is checked against the serde types and the schema.
    let readme = readme_config();
    yaml::from_str::<ConfigFile>("README.md", &readme).unwrap_or_else(|e| panic!("{}", e.render()));
    let errs = errors(&v, "README.md", &readme);
    assert!(errs.is_empty(), "README.md:\n{}", errs.join("\n"));
    // What `inboxlint init` writes.
    let errs = errors(&v, "starter", config::STARTER);
    assert!(errs.is_empty(), "STARTER:\n{}", errs.join("\n"));
}

#[test]
fn every_built_in_rule_and_dialect_validates() {
    let rules_v = validator("schemas/rule.schema.json");
    let dialect_v = validator("schemas/esp-dialect.schema.json");
    let mut files = Vec::new();
    yaml_files(&root().join("rules"), &mut files);
    files.sort();
    let (mut rules, mut dialects, mut modelines) = (0, 0, 0);
    let mut missing = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(root().join("rules")).expect("under rules/");
        let group = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default();
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let v = if load::GROUPS.contains(&group) {
            rules += 1;
            &rules_v
        } else if group == "esp" && !name.starts_with('_') {
            dialects += 1;
            &dialect_v
        } else {
            continue;
        };
        let text = std::fs::read_to_string(path).expect("read");
        // A modeline, where a file has one, points at the schema it is validated against here.
        if let Some(target) = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# yaml-language-server: $schema="))
        {
            let expected = if std::ptr::eq(v, &rules_v) {
                "rule.schema.json"
            } else {
                "esp-dialect.schema.json"
            };
            assert_eq!(
                Path::new(target).file_name().and_then(|n| n.to_str()),
                Some(expected),
                "{}",
                path.display()
            );
            assert!(
                path.parent().expect("dir").join(target).is_file(),
                "{}: {target}",
                path.display()
            );
            modelines += 1;
        } else {
            missing.push(path.display().to_string());
        }
        let errs = errors(v, &path.display().to_string(), &text);
        assert!(errs.is_empty(), "{}:\n{}", path.display(), errs.join("\n"));
    }
    assert!(rules >= 40 && dialects >= 40, "{rules} rules, {dialects} dialects");
    assert!(
        missing.is_empty(),
        "start these with `# yaml-language-server: $schema=../../schemas/rule.schema.json` (esp-dialect.schema.json for esp/): {missing:?}"
    );
    assert_eq!(modelines, rules + dialects);
    eprintln!("validated {rules} rule files and {dialects} dialect files");
}

/// Whether the loader takes a config: `config::load` and the `esp:` check a run makes.
fn loader_accepts(text: &str) -> bool {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(".inboxlint.yaml");
    std::fs::write(&path, text).expect("write");
    let registry = &Knowledge::builtin().expect("knowledge").registry;
    config::load(&path).is_ok_and(|c| config::unknown_esp_errors(&c, registry).is_empty())
}

#[test]
fn schema_and_loader_agree_on_configs() {
    let v = validator("schemas/inboxlint.schema.json");
    let cases = [
        ("profiles: [us, eu]\n", true),
        ("profiles: [us, fr]\n", false),
        ("profiles: us\n", false),
        ("rulez: {}\n", false),
        ("rules: {template: off, security/insecure-link: error}\n", true),
        ("rules: {template: fatal}\n", false),
        ("per-file: {\"legacy/**\": {canspam: off}}\n", true),
        ("per-file: {\"legacy/**\": {canspam: never}}\n", false),
        ("max-file-size: 10MiB\n", true),
        ("max-file-size: 512 KiB\n", true),
        ("max-file-size: 1048576\n", true),
        ("max-file-size: 10 furlongs\n", false),
        ("max-file-size: -1\n", false),
        ("esp: [MailChimp, klaviyo]\n", true),
        ("esp: [aweeber]\n", false),
        ("sender-domains: [acme.example, Mail.Acme.co.uk.]\n", true),
        ("sender-domains: [\"https://acme.example\"]\n", false),
        ("kinds: {\"**/*.tpl\": html}\n", true),
        ("kinds: {\"**/*.tpl\": htm}\n", false),
        ("classes: {transactional: [\"receipts/**\"]}\n", true),
        ("classes: {promotional: [\"x/**\"]}\n", false),
        ("infer-class: false\n", true),
        ("infer-class: maybe\n", false),
        ("exclude: vendor/\n", false),
        ("include: [\"emails/**\"]\nexclude: [\"vendor/\"]\n", true),
        ("", true),
    ];
    for (text, ok) in cases {
        assert_eq!(loader_accepts(text), ok, "loader on {text:?}");
        let errs = errors(&v, "case", text);
        assert_eq!(errs.is_empty(), ok, "schema on {text:?}: {errs:?}");
    }
    // The one known difference: the loader also takes YAML 1.1 spellings of booleans, which
    // editors (YAML 1.2) read as strings; the schema asks for `true`/`false`, as README says.
    assert!(loader_accepts("infer-class: yes\n"));
    assert!(!errors(&v, "case", "infer-class: yes\n").is_empty());
    // With rule directories (here or in a parent) an `esp:` name may be a user dialect.
    assert!(errors(&v, "case", "esp: [acme-esp]\nrule-dirs: [rules]\n").is_empty());
    assert!(errors(&v, "case", "esp: [acme-esp]\nextends: ../base.yaml\n").is_empty());
}

/// A complete rule file around `matcher` (its `forbid:`/`require:` lines).
fn rule_text(matcher: &str) -> String {
    format!(
        "id: acme/x\ntitle: t\nseverity: warning\nkinds: [html]\n{matcher}\nmessage: m\nhelp: h\nexamples: {{invalid: [], valid: []}}\n"
    )
}

#[test]
fn schema_and_loader_agree_on_rules() {
    let v = validator("schemas/rule.schema.json");
    let mut cases: Vec<(String, bool)> = vec![
        (rule_text("forbid: {text: {regex: x}}"), true),
        (rule_text("forbid: {text: {visible: true}}"), false),
        (rule_text("require: {link: {purpose: unsubscribe}}"), true),
        (
            rule_text("require: {link: {purpose: [unsubscribe, preferences]}}"),
            true,
        ),
        (rule_text("require: {link: {purpose: unsub}}"), false),
        (rule_text("forbid: {link: {}}\nrequire: {link: {}}"), false),
        (rule_text(""), false),
        (rule_text("forbid: {merge-tag: {receiver: [tracker, nobody]}}"), false),
        (rule_text("forbid: {merge-tag: {role: any}}"), true),
        (
            rule_text("forbid: {setting: {template-class: [marketing, none]}}"),
            true,
        ),
        (rule_text("forbid: {setting: {template-class: promo}}"), false),
        (rule_text("forbid: {setting: {detectr: secret}}"), false),
        (rule_text("forbid: {link: {}}\nwhen: {profiles: [fr]}"), false),
        (rule_text("forbid: {link: {}}\nwhen: {class: [promotional]}"), false),
        (rule_text("forbid: {link: {}}\nformats: [html, xml]"), false),
        (
            rule_text("forbid: {link: {}}").replace("kinds: [html]", "kinds: []"),
            false,
        ),
        (
            rule_text("forbid: {link: {}}").replace("kinds: [html]", "kinds: [pdf]"),
            false,
        ),
        (rule_text("forbid: {link: {}}").replace("id: acme/x", "id: acme"), false),
        (
            rule_text("forbid: {link: {}}").replace("severity: warning", "severity: fatal"),
            false,
        ),
    ];
    // Every detector and receiver the schema lists, the loader knows (and none it does not).
    for (name, _) in rule_schema::TEXT_DETECTORS {
        cases.push((rule_text(&format!("forbid: {{text: {{detector: {name}}}}}")), true));
    }
    for (name, _) in rule_schema::VALUE_DETECTORS {
        cases.push((rule_text(&format!("forbid: {{setting: {{detector: {name}}}}}")), true));
    }
    for (name, _) in rule_schema::RECEIVERS {
        cases.push((rule_text(&format!("forbid: {{merge-tag: {{receiver: {name}}}}}")), true));
    }
    for (name, _) in rule_schema::KINDS {
        cases.push((
            rule_text("forbid: {link: {}}").replace("kinds: [html]", &format!("kinds: [{name}]")),
            true,
        ));
    }
    for name in rule_schema::FORMATS {
        cases.push((rule_text(&format!("forbid: {{link: {{}}}}\nformats: [{name}]")), true));
    }
    cases.push((rule_text("forbid: {text: {detector: street}}"), false));
    cases.push((rule_text("forbid: {setting: {detector: password}}"), false));
    for (text, ok) in &cases {
        let loaded = load::compile("rules/acme/x.yaml", text, false);
        assert_eq!(
            loaded.is_ok(),
            *ok,
            "loader on {text}: {:?}",
            loaded.err().map(|e| e.render())
        );
        let errs = errors(&v, "case", text);
        assert_eq!(errs.is_empty(), *ok, "schema on {text}: {errs:?}");
    }
}
