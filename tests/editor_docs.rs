//! The editor set-ups in README's Editor section are copy-paste blocks: each must parse and
//! start `inboxlint lsp`, and the VS Code extension and JetBrains template must agree with
//! the README and with the file kinds inboxlint reads. (scripts/editors-check.sh drives a
//! real headless Neovim; VS Code, Zed and JetBrains have no headless client here.)

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (language, body) of each fenced block of README's Editor section.
fn editor_blocks() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let start = readme.find("\n## Editor\n").expect("an Editor section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |e| start + 1 + e);
    let mut blocks = Vec::new();
    let mut lines = readme[start..end].lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            blocks.push((lang.to_string(), body.join("\n") + "\n"));
        }
    }
    blocks
}

fn blocks_of(lang: &str) -> Vec<String> {
    editor_blocks()
        .into_iter()
        .filter(|(l, _)| l == lang)
        .map(|(_, b)| b)
        .collect()
}

#[test]
fn every_block_starts_the_language_server() {
    let lua = blocks_of("lua");
    assert_eq!(lua.len(), 2, "Neovim: built-in client and nvim-lspconfig");
    for block in &lua {
        assert!(block.contains(r#"cmd = { "inboxlint", "lsp" }"#), "{block}");
    }

    let tomls = blocks_of("toml");
    let helix: toml::Table = tomls
        .iter()
        .map(|b| toml::from_str::<toml::Table>(b).unwrap_or_else(|e| panic!("{e}\n{b}")))
        .find(|t| t.contains_key("language-server"))
        .expect("Helix languages.toml block");
    let server = &helix["language-server"]["inboxlint"];
    assert_eq!(server["command"].as_str(), Some("inboxlint"));
    assert_eq!(server["args"].as_array().map(Vec::len), Some(1));
    assert_eq!(server["args"][0].as_str(), Some("lsp"));
    for language in helix["language"].as_array().expect("[[language]]") {
        let servers = language["language-servers"].as_array().expect("language-servers");
        assert!(servers.iter().any(|s| s.as_str() == Some("inboxlint")), "{language:?}");
    }
    let zed: toml::Table = tomls
        .iter()
        .filter_map(|b| toml::from_str::<toml::Table>(b).ok())
        .find(|t| t.contains_key("language_servers"))
        .expect("Zed extension.toml block");
    assert!(zed["language_servers"].get("inboxlint").is_some());
    let rust = blocks_of("rust");
    assert!(
        rust.iter().any(|b| b.contains(r#"args: vec!["lsp".into()]"#)),
        "Zed command"
    );

    let sh = blocks_of("sh");
    assert!(sh.iter().any(|b| b.contains("code --install-extension inboxlint.vsix")));
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

#[test]
fn vscode_settings_in_readme_are_the_extensions() {
    let manifest = json(&root().join("editors/vscode/package.json"));
    let properties = manifest["contributes"]["configuration"]["properties"]
        .as_object()
        .expect("settings");
    let settings: Vec<serde_json::Value> = blocks_of("json")
        .iter()
        .map(|b| serde_json::from_str(b).unwrap_or_else(|e| panic!("{e}\n{b}")))
        .filter(|v: &serde_json::Value| v.get("inboxlint.path").is_some())
        .collect();
    assert_eq!(settings.len(), 1, "one VS Code settings block");
    for key in settings[0].as_object().expect("object").keys() {
        assert!(properties.contains_key(key), "{key} is a setting of the extension");
    }
    assert_eq!(manifest["main"], "./out/extension.js");
    assert!(manifest["dependencies"]["vscode-languageclient"].is_string());
}

#[test]
fn vscode_extension_selects_the_kinds_inboxlint_reads() {
    let source = std::fs::read_to_string(root().join("editors/vscode/src/extension.ts")).expect("extension.ts");
    let start = source.find("**/*.{").expect("the file pattern") + "**/*.{".len();
    let end = start + source[start..].find('}').expect("closing brace");
    let extensions: Vec<&str> = source[start..end].split(',').collect();
    assert!(extensions.len() > 20, "{extensions:?}");
    for ext in &extensions {
        let file = format!("x.{ext}");
        assert!(
            inboxlint::workspace::kind::classify(Path::new(&file)).is_some(),
            "{file} is a kind inboxlint reads"
        );
    }
    for ext in ["html", "mjml", "hbs", "liquid", "yaml", "json", "toml", "sql", "prisma"] {
        assert!(extensions.contains(&ext), "{ext} is selected");
    }
}

#[test]
fn jetbrains_template_is_the_readme_block() {
    let template = std::fs::read_to_string(root().join("editors/jetbrains/template.json")).expect("template");
    assert!(
        blocks_of("json").contains(&template),
        "README shows editors/jetbrains/template.json verbatim"
    );
    let v: serde_json::Value = serde_json::from_str(&template).expect("JSON");
    assert_eq!(v["programArgs"]["default"], "inboxlint lsp");
    for mapping in v["fileTypeMappings"].as_array().expect("mappings") {
        for pattern in mapping["fileType"]["patterns"].as_array().into_iter().flatten() {
            let file = pattern.as_str().expect("pattern").replace('*', "x");
            assert!(
                inboxlint::workspace::kind::classify(Path::new(&file)).is_some(),
                "{file} is a kind inboxlint reads"
            );
        }
    }
}
