//! Dialect and syntax ids are few and live for the whole run (and across LSP reloads), so they
//! are interned once as `&'static str` instead of cloned into every merge tag.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

static INTERNED: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

pub fn intern(s: &str) -> &'static str {
    let mut set = match INTERNED.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(&existing) = set.get(s) {
        return existing;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    set.insert(leaked);
    leaked
}
