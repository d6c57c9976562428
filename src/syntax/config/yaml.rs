//! YAML settings from granit's event stream (the parser under serde-saphyr), with byte spans.
//!
//! Aliases are never expanded (an alias bomb costs nothing), merge keys (`<<`) lend their
//! mapping's keys to the parent, and comments come from a scanner that skips scalar text, since
//! serde-saphyr is built without granit's `comments` feature.

use super::{ConfigFacts, MAX_DEPTH, composite, env_list_item, item_path, join_path, problem, scalar};
use crate::document::{Comment, Value};
use crate::source::Span;
use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span as GSpan, Tag};

const RULE: &str = "syntax/yaml";
/// Recovery after an error skips to the next document; a pathological stream of broken
/// documents must not produce unbounded problems.
const MAX_PROBLEMS: usize = 20;

/// Files up to this size get line-blanking recovery after a syntax error.
const RECOVERY_MAX_BYTES: usize = 1 << 20;
/// How many broken lines recovery blanks before giving up.
const MAX_RECOVERIES: usize = 8;

/// Parse, and when a line is broken, keep reading past it: the error is reported, then the
/// offending line is blanked (same length, so spans stay true) and the file parsed again. One
/// bad line (Postal's `default_bind_address: ::`) must not hide `tls_enabled: false` below it.
pub fn parse(text: &str) -> ConfigFacts {
    let first = parse_once(text);
    if first.problems.is_empty() || text.len() > RECOVERY_MAX_BYTES {
        return first;
    }
    let reported = first.problems.clone();
    // Comments are read from the real text: blanked lines may hold suppressions.
    let comments = first.comments.clone();
    let mut best = first;
    let mut patched = text.as_bytes().to_vec();
    for _ in 0..MAX_RECOVERIES {
        let Some(at) = best.problems.first().map(|p| p.span.start) else {
            break;
        };
        let start = patched[..at.min(patched.len())]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = patched[at.min(patched.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(patched.len(), |i| at + i);
        if patched[start..end].iter().all(|&b| b == b' ') {
            break;
        }
        patched[start..end].fill(b' ');
        // Only ASCII spaces replaced whole lines, so the bytes stay UTF-8.
        let Ok(candidate) = std::str::from_utf8(&patched) else {
            break;
        };
        let next = parse_once(candidate);
        if next.settings.len() < best.settings.len() {
            break;
        }
        best = next;
        if best.problems.is_empty() {
            break;
        }
    }
    best.problems = reported;
    best.comments = comments;
    best
}

fn parse_once(text: &str) -> ConfigFacts {
    let mut options = Options::default();
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH;
    // An alias to a missing anchor is an error for a loader, not for a linter.
    options.emit_unresolved_aliases = true;
    options.set_emit_comments(false);
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut walker = Walker {
        text,
        facts: ConfigFacts::default(),
        stack: Vec::new(),
        scalars: Vec::new(),
        parsed_end: 0,
        unparsed: Vec::new(),
    };
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                if let Err(at) = walker.event(event, span) {
                    let message = format!("nesting deeper than {MAX_DEPTH} levels");
                    walker.facts.problems.push(problem(RULE, message, at, text));
                    walker.abandon(at);
                    break;
                }
            }
            Some(Err(e)) => {
                let at = offset(text, e.marker().byte_offset()).unwrap_or(walker.parsed_end);
                let message = e.info();
                walker.facts.problems.push(problem(RULE, message, at, text));
                walker.abandon(at);
                if walker.facts.problems.len() >= MAX_PROBLEMS {
                    break;
                }
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    _ => break,
                }
            }
        }
    }
    // Settings are already in document order: a composite is pushed when its collection opens.
    walker.comments()
}

fn offset(text: &str, byte: Option<usize>) -> Option<usize> {
    byte.map(|b| b.min(text.len()))
}

struct Key {
    text: String,
    span: Span,
    /// `<<`: the value's keys belong to the enclosing mapping.
    merge: bool,
}

#[derive(PartialEq)]
enum Kind {
    Map,
    Seq,
}

struct Frame {
    kind: Kind,
    path: String,
    /// The key this collection sits under, for its scalar items.
    owner: Option<(String, Span)>,
    /// Inside a complex key or a merged sequence: nothing here is a setting.
    ignored: bool,
    /// A sequence under `environment:` whose `KEY=VALUE` items are settings too.
    env_list: bool,
    expecting_key: bool,
    /// The pending key; `None` with `expecting_key == false` means a complex key.
    key: Option<Key>,
    /// The composite setting to finish when the collection ends.
    setting: Option<usize>,
    start: usize,
    last_end: usize,
}

enum Place {
    Root,
    Key,
    Value {
        path: String,
        key: String,
        key_span: Span,
        merge: bool,
    },
    Item {
        path: String,
        key: String,
        key_span: Span,
        env_parent: Option<String>,
    },
    Ignored,
}

struct Walker<'a> {
    text: &'a str,
    facts: ConfigFacts,
    stack: Vec<Frame>,
    /// Raw spans of every scalar (quotes included): `#` inside them is not a comment.
    scalars: Vec<(usize, usize)>,
    /// The furthest offset the event stream reached.
    parsed_end: usize,
    /// Text skipped after an error, up to where recovery resumed: no scalar spans there.
    unparsed: Vec<(usize, usize)>,
}

impl Walker<'_> {
    fn span(&self, s: &GSpan) -> (usize, usize) {
        let start = offset(self.text, s.start.byte_offset()).unwrap_or(self.parsed_end);
        let end = offset(self.text, s.end.byte_offset()).unwrap_or(start);
        (start, end.max(start))
    }

    fn event(&mut self, event: Event<'_>, gspan: GSpan) -> Result<(), usize> {
        let (start, end) = self.span(&gspan);
        if let Some(gap) = self.unparsed.last_mut()
            && gap.1 == usize::MAX
        {
            gap.1 = start.max(gap.0);
        }
        match event {
            Event::DocumentStart(..) | Event::DocumentEnd => self.stack.clear(),
            Event::Scalar(value, style, _anchor, tag) => {
                self.scalars.push((start, end));
                self.parsed_end = self.parsed_end.max(end);
                let (vstart, vend) = self.trim(start, end, style);
                // Closing quotes end the content; a block scalar's trailing blank lines do not.
                let content_end = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => end,
                    _ => vend,
                };
                self.scalar(&value, style, tag.as_deref(), Span::new(vstart, vend), content_end);
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                self.parsed_end = self.parsed_end.max(end);
                self.alias(Span::new(start, end));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(start);
                }
                let kind = if matches!(event, Event::MappingStart(..)) {
                    Kind::Map
                } else {
                    Kind::Seq
                };
                self.parsed_end = self.parsed_end.max(end);
                let start = if kind == Kind::Seq {
                    self.dash_before(start)
                } else {
                    start
                };
                self.open(kind, start);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                // Block collections end where the next token starts; their content ends at
                // their last value.
                let flow_end = (end > start).then_some(end);
                self.parsed_end = self.parsed_end.max(end);
                self.close(flow_end);
            }
            _ => {}
        }
        Ok(())
    }

    /// An indentless block sequence (`key:\n- a`) starts at its first item, not its `-`.
    fn dash_before(&self, start: usize) -> usize {
        let b = self.text.as_bytes();
        let mut i = start;
        while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        if i > 0 && b[i - 1] == b'-' && (i < 2 || matches!(b[i - 2], b' ' | b'\t' | b'\n')) {
            i - 1
        } else {
            start
        }
    }

    /// Quotes off quoted scalars; trailing blank lines and indentation off block scalars.
    fn trim(&self, start: usize, end: usize, style: ScalarStyle) -> (usize, usize) {
        let raw = self.text.as_bytes().get(start..end).unwrap_or(&[]);
        match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if raw.len() >= 2 && raw[0] == raw[raw.len() - 1] => {
                (start + 1, end - 1)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let kept = raw.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |p| p + 1);
                (start, start + kept)
            }
            _ => (start, end),
        }
    }

    fn place(&mut self) -> Place {
        let Some(top) = self.stack.last_mut() else {
            return Place::Root;
        };
        if top.ignored {
            if top.kind == Kind::Map {
                top.expecting_key = !top.expecting_key;
            }
            return Place::Ignored;
        }
        match top.kind {
            Kind::Map if top.expecting_key => {
                top.expecting_key = false;
                Place::Key
            }
            Kind::Map => {
                top.expecting_key = true;
                match top.key.take() {
                    Some(k) => Place::Value {
                        path: if k.merge {
                            top.path.clone()
                        } else {
                            join_path(&top.path, &k.text)
                        },
                        key: k.text,
                        key_span: k.span,
                        merge: k.merge,
                    },
                    None => Place::Ignored,
                }
            }
            Kind::Seq => {
                let (key, key_span) = top
                    .owner
                    .clone()
                    .unwrap_or_else(|| (String::new(), Span::empty(top.start)));
                Place::Item {
                    path: item_path(&top.path),
                    key,
                    key_span,
                    env_parent: top.env_list.then(|| top.path.clone()),
                }
            }
        }
    }

    fn touch(&mut self, end: usize) {
        if let Some(top) = self.stack.last_mut() {
            top.last_end = top.last_end.max(end);
        }
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span, content_end: usize) {
        let place = self.place();
        self.touch(content_end);
        match place {
            Place::Key => {
                if let Some(top) = self.stack.last_mut() {
                    top.key = Some(Key {
                        text: value.to_string(),
                        span,
                        merge: style == ScalarStyle::Plain && value == "<<",
                    });
                }
            }
            Place::Value {
                path,
                key,
                key_span,
                merge,
            } => {
                if !merge {
                    let typed = typed(value, style, tag);
                    let mut setting = scalar(path, &key, key_span, typed, span);
                    setting.indirect |= env_tag(tag);
                    self.facts.settings.push(setting);
                }
            }
            Place::Item {
                path,
                key,
                key_span,
                env_parent,
            } => {
                let typed = typed(value, style, tag);
                let mut setting = scalar(path, &key, key_span, typed, span);
                setting.indirect |= env_tag(tag);
                self.facts.settings.push(setting);
                if let Some(parent) = env_parent {
                    let raw = self.text.get(span.range()).unwrap_or("");
                    let base = (raw == value).then_some(span.start);
                    if let Some(s) = env_list_item(&parent, value, base, span) {
                        self.facts.settings.push(s);
                    }
                }
            }
            Place::Root | Place::Ignored => {}
        }
    }

    fn alias(&mut self, span: Span) {
        let place = self.place();
        self.touch(span.end);
        match place {
            // An alias as a key: nothing under it can be named.
            Place::Key => {}
            Place::Value {
                path,
                key,
                key_span,
                merge: false,
            }
            | Place::Item {
                path, key, key_span, ..
            } => {
                self.facts.settings.push(composite(path, &key, key_span, span));
            }
            _ => {}
        }
    }

    fn open(&mut self, kind: Kind, start: usize) {
        let place = self.place();
        let mut frame = Frame {
            kind,
            path: String::new(),
            owner: None,
            ignored: false,
            env_list: false,
            expecting_key: true,
            key: None,
            setting: None,
            start,
            last_end: start,
        };
        match place {
            Place::Root => {}
            Place::Key | Place::Ignored => frame.ignored = true,
            Place::Value {
                path,
                key,
                key_span,
                merge,
            } => {
                if merge {
                    // `<<: {..}` adds keys to the enclosing mapping; `<<: [*a, *b]` only names
                    // anchors, which are not expanded.
                    frame.ignored = frame.kind == Kind::Seq;
                    frame.path = path;
                } else {
                    self.facts
                        .settings
                        .push(composite(path.clone(), &key, key_span, Span::empty(start)));
                    frame.setting = Some(self.facts.settings.len() - 1);
                    frame.env_list = frame.kind == Kind::Seq && key.eq_ignore_ascii_case("environment");
                    frame.owner = Some((key, key_span));
                    frame.path = path;
                }
            }
            Place::Item {
                path, key, key_span, ..
            } => {
                frame.owner = Some((key, key_span));
                frame.path = path;
            }
        }
        self.stack.push(frame);
    }

    fn close(&mut self, flow_end: Option<usize>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = flow_end.unwrap_or(frame.last_end).max(frame.start);
        if let Some(i) = frame.setting
            && let Some(s) = self.facts.settings.get_mut(i)
        {
            s.value_span = Span::new(frame.start, end);
        }
        self.touch(end);
    }

    /// After an error: open collections end where the error is.
    fn abandon(&mut self, at: usize) {
        while let Some(top) = self.stack.last_mut() {
            top.last_end = top.last_end.max(at.min(self.text.len())).max(top.start);
            let end = top.last_end;
            self.close(Some(end));
        }
        self.parsed_end = self.parsed_end.max(at);
        self.unparsed.push((at, usize::MAX));
    }

    fn comments(mut self) -> ConfigFacts {
        self.scalars.sort_unstable();
        let bytes = self.text.as_bytes();
        let mut pos = 0;
        let mut comments: Vec<Comment> = Vec::new();
        while let Some(rel) = memchr::memchr(b'#', &bytes[pos..]) {
            let at = pos + rel;
            pos = at + 1;
            let separated = at == 0 || matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'\r');
            if !separated || self.in_scalar(at) {
                continue;
            }
            let unparsed = self.unparsed.iter().any(|&(s, e)| s <= at && at < e);
            if unparsed && in_quotes(self.text, at) {
                continue;
            }
            let (comment, next) = super::line_comment(self.text, at, 1);
            comments.push(comment);
            pos = next;
        }
        self.facts.comments = comments;
        self.facts
    }

    fn in_scalar(&self, at: usize) -> bool {
        // Scalars never overlap, so the last one starting at or before `at` is the only
        // candidate.
        let i = self.scalars.partition_point(|&(s, _)| s <= at);
        i > 0 && at < self.scalars[i - 1].1
    }
}

/// For text the parser never reached: is `at` inside a quoted scalar on its line?
fn in_quotes(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
    let mut quote: Option<u8> = None;
    let mut prev = b' ';
    let mut i = line_start;
    while i < at {
        let b = bytes[i];
        match quote {
            Some(b'"') if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && matches!(prev, b' ' | b'\t' | b':' | b',' | b'[' | b'{' | b'-') => {
                quote = Some(b)
            }
            None => {}
        }
        prev = b;
        i += 1;
    }
    quote.is_some()
}

/// YAML 1.2 core schema for plain scalars; quoted and block scalars are strings.
fn typed(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        return match tag.core_suffix() {
            Some("null") => Value::Null,
            Some("bool") => match bool_of(value) {
                Some(b) => Value::Bool(b),
                None => Value::String(value.to_string()),
            },
            Some("int") | Some("float") => Value::Number(value.to_string()),
            _ => Value::String(value.to_string()),
        };
    }
    if style != ScalarStyle::Plain {
        return Value::String(value.to_string());
    }
    if matches!(value, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = bool_of(value) {
        return Value::Bool(b);
    }
    if is_number(value) {
        return Value::Number(value.to_string());
    }
    Value::String(value.to_string())
}

fn bool_of(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `!env VAR`, `!ENV ${X}`, `!env_var`: loaders that read the environment.
fn env_tag(tag: Option<&Tag>) -> bool {
    tag.is_some_and(|t| t.is_custom() && t.original().to_ascii_lowercase().contains("env"))
}

fn is_number(v: &str) -> bool {
    let b = v.as_bytes();
    let hex_or_oct = |prefix: &[u8], ok: fn(&u8) -> bool| b.len() > 2 && b[..2] == *prefix && b[2..].iter().all(ok);
    if hex_or_oct(b"0x", u8::is_ascii_hexdigit) || hex_or_oct(b"0o", |c| (b'0'..=b'7').contains(c)) {
        return true;
    }
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [0-9]+(\.[0-9]*)?|\.[0-9]+ then an optional exponent.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        None => digits(mantissa),
        Some((int, frac)) => (digits(int) && (frac.is_empty() || digits(frac))) || (int.is_empty() && digits(frac)),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::config::test_support::{get, slice};

    #[test]
    fn a_broken_line_does_not_hide_the_settings_after_it() {
        let text = "smtp_server:\n  default_bind_address: ::\n  port: 25\n  tls_enabled: false\n";
        let facts = parse(text);
        assert_eq!(facts.problems.len(), 1);
        let tls = facts
            .settings
            .iter()
            .find(|s| s.path == "smtp_server.tls_enabled")
            .expect("found after the bad line");
        assert_eq!(&text[tls.value_span.range()], "false");
    }

    #[test]
    fn postal_style_nested_bool() {
        let text = "smtp_server:\n  tls_enabled: false\n  port: 25\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty());
        let tls = get(&facts, "smtp_server.tls_enabled");
        assert_eq!(tls.value, Value::Bool(false));
        assert_eq!(tls.key, "tls_enabled");
        assert_eq!(slice(text, tls.value_span), "false");
        assert_eq!(slice(text, tls.key_span), "tls_enabled");
        assert_eq!(get(&facts, "smtp_server.port").value, Value::Number("25".into()));
        let parent = get(&facts, "smtp_server");
        assert_eq!(parent.value, Value::Composite);
        assert_eq!(slice(text, parent.value_span), "tls_enabled: false\n  port: 25");
    }

    #[test]
    fn core_schema_types() {
        let text = "a: yes\nb: TRUE\nc: ~\nd:\ne: 1.5e3\nf: '5'\ng: 0x1F\nh: !!str true\ni: Null\nj: \"x\\ty\"\nk: .inf\nl: 1.2.3\n";
        let facts = parse(text);
        let v = |p: &str| get(&facts, p).value.clone();
        assert_eq!(v("a"), Value::String("yes".into()));
        assert_eq!(v("b"), Value::Bool(true));
        assert_eq!(v("c"), Value::Null);
        assert_eq!(v("d"), Value::Null);
        assert_eq!(v("e"), Value::Number("1.5e3".into()));
        assert_eq!(v("f"), Value::String("5".into()));
        assert_eq!(slice(text, get(&facts, "f").value_span), "5");
        assert_eq!(v("g"), Value::Number("0x1F".into()));
        assert_eq!(v("h"), Value::String("true".into()));
        assert_eq!(v("i"), Value::Null);
        assert_eq!(v("j"), Value::String("x\ty".into()));
        assert_eq!(slice(text, get(&facts, "j").value_span), "x\\ty");
        assert_eq!(v("k"), Value::Number(".inf".into()));
        assert_eq!(v("l"), Value::String("1.2.3".into()));
    }

    #[test]
    fn sequences_blocks_and_quoted_keys() {
        let text = "servers:\n  - host: a.example\n    tls: false\n  - host: \"b\"\nhosts: [x, y]\nlist:\n- p\n- q\n\"Quoted Key\": |\n  line one\n  # not a comment\n\nafter: 1\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let hosts: Vec<_> = facts
            .settings
            .iter()
            .filter(|s| s.path == "servers[*].host")
            .map(|s| slice(text, s.value_span))
            .collect();
        assert_eq!(hosts, ["a.example", "b"]);
        assert_eq!(get(&facts, "servers[*].tls").value, Value::Bool(false));
        let items: Vec<_> = facts.settings.iter().filter(|s| s.path == "hosts[*]").collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].key, "hosts");
        assert_eq!(slice(text, get(&facts, "hosts").value_span), "[x, y]");
        assert_eq!(slice(text, get(&facts, "list").value_span), "- p\n- q");
        let q = get(&facts, "quoted key");
        assert_eq!(q.key, "Quoted Key");
        assert_eq!(slice(text, q.key_span), "Quoted Key");
        assert_eq!(slice(text, q.value_span), "line one\n  # not a comment");
        assert!(facts.comments.is_empty(), "{:?}", facts.comments);
        assert_eq!(
            slice(text, get(&facts, "servers").value_span),
            "- host: a.example\n    tls: false\n  - host: \"b\""
        );
    }

    #[test]
    fn comments_are_exact() {
        let text =
            "# top\na: \"x # y\" # inboxlint-ignore security/x: because\nb: 'it''s #no' #c\r\nurl: http://h/#frag\n";
        let facts = parse(text);
        let got: Vec<_> = facts
            .comments
            .iter()
            .map(|c| (c.text.as_str(), slice(text, c.span)))
            .collect();
        assert_eq!(
            got,
            [
                ("top", "# top"),
                (
                    "inboxlint-ignore security/x: because",
                    "# inboxlint-ignore security/x: because"
                ),
                ("c", "#c"),
            ]
        );
    }

    #[test]
    fn indirect_values_and_env_tags() {
        let text = "db:\n  password: ${DB_PASSWORD}\n  user: !env DB_USER\n  name: plain\n";
        let facts = parse(text);
        assert!(get(&facts, "db.password").indirect);
        assert!(get(&facts, "db.user").indirect);
        assert!(!get(&facts, "db.name").indirect);
    }

    #[test]
    fn compose_environment() {
        let text = "services:\n  app:\n    environment:\n      - SMTP_PASSWORD=hunter2\n      - \"API_URL=http://x\"\n      - HOME\n  web:\n    environment:\n      SECRET_KEY: abc\n";
        let facts = parse(text);
        let pw = get(&facts, "services.app.environment.smtp_password");
        assert_eq!(slice(text, pw.key_span), "SMTP_PASSWORD");
        assert_eq!(slice(text, pw.value_span), "hunter2");
        assert_eq!(pw.value, Value::String("hunter2".into()));
        let url = get(&facts, "services.app.environment.api_url");
        assert_eq!(slice(text, url.value_span), "http://x");
        assert!(get(&facts, "services.app.environment.home").indirect);
        assert_eq!(get(&facts, "services.app.environment[*]").key, "environment");
        assert_eq!(
            slice(text, get(&facts, "services.web.environment.secret_key").value_span),
            "abc"
        );
    }

    #[test]
    fn anchors_aliases_merges_and_documents() {
        let text = "base: &b\n  tls: false\nprod:\n  <<: *b\n  url: x\ndev:\n  <<: {debug: true}\n  ref: *b\n  missing: *nope\n---\nsecond: 2\n";
        let facts = parse(text);
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        assert_eq!(get(&facts, "dev.ref").value, Value::Composite);
        assert_eq!(get(&facts, "dev.missing").value, Value::Composite);
        assert_eq!(get(&facts, "dev.debug").value, Value::Bool(true));
        assert!(facts.settings.iter().all(|s| !s.path.contains("<<")));
        assert!(facts.settings.iter().all(|s| s.path != "prod.tls"));
        assert_eq!(get(&facts, "second").value, Value::Number("2".into()));
    }

    #[test]
    fn alias_bomb_is_not_expanded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..30 {
            let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
            text.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let facts = parse(&text);
        assert!(facts.problems.is_empty());
        assert!(facts.settings.len() < 400);
    }

    #[test]
    fn errors_keep_earlier_settings() {
        let text = "ok: 1\nsmtp:\n  host: a\n  bad: [1, 2\nlater: \"x # y\" # real\n---\nnext: 4 # c2\n";
        let facts = parse(text);
        assert_eq!(facts.problems.len(), 1, "{:?}", facts.problems);
        assert_eq!(facts.problems[0].rule, "syntax/yaml");
        assert!(facts.problems[0].span.start > text.find("bad").expect("bad"));
        assert_eq!(get(&facts, "ok").value, Value::Number("1".into()));
        assert_eq!(slice(text, get(&facts, "smtp.host").value_span), "a");
        assert!(facts.settings.iter().any(|s| s.path == "next"));
        let comments: Vec<_> = facts.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(comments, ["real", "c2"]);
        // Recovery blanked the broken line and read on: what follows is still there.
        assert!(facts.settings.iter().any(|s| s.path == "smtp.bad"));
    }

    #[test]
    fn garbage_never_panics() {
        let flow = "[".repeat(200_000);
        let flow_map = "{a: ".repeat(200_000);
        let block: String = (0..3000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let seqs = "- ".repeat(100_000);
        let long = format!("k: {}\n", "x".repeat(20 << 20));
        let inputs: Vec<&str> = vec![
            "",
            "\0",
            "\u{feff}a: 1",
            ":",
            "- - -",
            "a: b: c",
            "\"unterminated",
            "'x",
            "a: |\n\tx",
            "? [a]\n: b",
            "[a, {b: c}: d]",
            "&a *a",
            "!!binary x",
            "%YAML 1.2\n---\na",
            "a: 'é #x",
            "{",
            "}",
            "]",
            "---\n...\n---",
            "\t",
            "a:\n- b\n c",
            &flow,
            &flow_map,
            &block,
            &seqs,
            &long,
        ];
        for input in inputs {
            let facts = parse(input);
            for p in &facts.problems {
                assert!(p.span.end <= input.len());
                assert!(input.is_char_boundary(p.span.start) && input.is_char_boundary(p.span.end));
            }
            for s in &facts.settings {
                assert!(input.get(s.value_span.range()).is_some(), "{input:.40}: {s:?}");
                assert!(input.get(s.key_span.range()).is_some(), "{input:.40}: {s:?}");
            }
        }
        assert!(!parse(&flow).problems.is_empty());
        assert!(!parse(&block).problems.is_empty());
        assert_eq!(parse(&long).settings[0].value_span.len(), 20 << 20);
    }

    #[test]
    fn numbers() {
        for n in [
            "0", "-1", "+2", "1.5", ".5", "1.", "1e3", "1.5E-3", "0o17", "0xff", "-.inf", ".NaN",
        ] {
            assert!(is_number(n), "{n}");
        }
        for n in ["", "-", "1.2.3", "e3", "1e", "0x", "1_000", "12:30", ".", "0b1"] {
            assert!(!is_number(n), "{n}");
        }
    }
}
