//! Messages, not files: how an entry template and the partials and layouts it pulls in are
//! assembled into the message a recipient gets (issue 10). Sits between `workspace` (which
//! finds files) and `engine` (which judges the composed message); it never imports upward.

pub mod class;
pub mod compose;
pub mod directives;
pub mod fingerprint;
pub mod graph;
pub mod jekyll;
pub mod parts;
pub mod path;
pub mod resolve;
