//! Which file changes make the server reload its configs and rules. Configs can `extends`
//! a file of any name and rule directories hold YAML of any name, so every YAML change counts;
//! a reload costs a few milliseconds and only re-lints the open documents.

use lsp_server::Request;
use serde_json::json;
use std::path::Path;

pub const REGISTRATION_ID: &str = "inboxlint-config-and-rules";

/// Does a change to `path` possibly change some document's config or rules?
pub fn affects_config(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// `client/registerCapability` asking the client to report YAML file changes.
pub fn registration(id: i32) -> Request {
    Request::new(
        id.into(),
        "client/registerCapability".to_string(),
        json!({
            "registrations": [{
                "id": REGISTRATION_ID,
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {
                    "watchers": [
                        {"globPattern": "**/*.yaml"},
                        {"globPattern": "**/*.yml"}
                    ]
                }
            }]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_files_count_others_do_not() {
        assert!(affects_config(Path::new("/p/.inboxlint.yaml")));
        assert!(affects_config(Path::new("/p/rules/mine.YML")));
        assert!(!affects_config(Path::new("/p/emails/a.html")));
    }
}
