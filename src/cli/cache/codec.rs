//! The cache file's bytes: a header that names the binary that wrote it, the entries, and a
//! checksum of everything before it. A compact binary form (varints, a string table: rule ids,
//! help texts and URLs repeat across thousands of findings) decodes in a few milliseconds for
//! a large project. Every struct is taken apart and rebuilt field by field, so a field added to
//! a finding fails to compile here instead of being silently dropped from cached results.

use super::{Entry, Value};
use crate::content_hash::content_hash;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, LabelFile, Severity, Suppression};
use crate::document::{ClassInfo, ClassSource, FileKind, MessageClass, SourceFormat};
use crate::source::{LineCol, Span};
use std::collections::HashMap;
use std::path::PathBuf;

const MAGIC: &[u8; 16] = b"inboxlint-cache\n";

/// Why a cache file was not used.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Written by another build of inboxlint: rebuilt without a word.
    OtherVersion,
    /// Truncated, overwritten or not a cache file at all: rebuilt with a note.
    Corrupt(&'static str),
}

pub fn encode(build: u128, entries: &[(&str, &Entry)]) -> Vec<u8> {
    let mut w = Writer::default();
    w.buf.extend_from_slice(MAGIC);
    w.buf.extend_from_slice(&build.to_le_bytes());
    w.uint(entries.len() as u64);
    for (path, e) in entries {
        w.str(path);
        w.entry(e);
    }
    let sum = content_hash(&w.buf);
    w.buf.extend_from_slice(&sum.to_le_bytes());
    w.buf
}

pub fn decode(bytes: &[u8], build: u128) -> Result<HashMap<String, Entry>, DecodeError> {
    let corrupt = DecodeError::Corrupt;
    if bytes.len() < MAGIC.len() + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt("not an inboxlint cache file"));
    }
    let written = u128::from_le_bytes(
        bytes[MAGIC.len()..MAGIC.len() + 16]
            .try_into()
            .map_err(|_| corrupt("short"))?,
    );
    if written != build {
        return Err(DecodeError::OtherVersion);
    }
    let (body, sum) = bytes.split_at(bytes.len() - 16);
    if content_hash(body).to_le_bytes() != sum {
        return Err(corrupt("checksum mismatch (truncated or overwritten)"));
    }
    let mut r = Reader {
        bytes: &body[MAGIC.len() + 16..],
        strings: Vec::new(),
    };
    let n = r.uint()?;
    let mut out = HashMap::new();
    for _ in 0..n {
        let path = r.str()?;
        let entry = r.entry()?;
        out.insert(path, entry);
    }
    if !r.bytes.is_empty() {
        return Err(corrupt("trailing bytes"));
    }
    Ok(out)
}

#[derive(Default)]
struct Writer<'a> {
    buf: Vec<u8>,
    strings: HashMap<&'a str, u64>,
}

impl<'a> Writer<'a> {
    fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    fn usize(&mut self, v: usize) {
        self.uint(v as u64);
    }

    fn u128(&mut self, v: u128) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A string seen before is written as its index in the table (odd), a new one as its
    /// length (even) and bytes.
    fn str(&mut self, s: &'a str) {
        if let Some(&i) = self.strings.get(s) {
            self.uint(i * 2 + 1);
            return;
        }
        let next = self.strings.len() as u64;
        self.strings.insert(s, next);
        self.uint(s.len() as u64 * 2);
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&'a str>) {
        match s {
            None => self.uint(0),
            Some(s) => {
                self.uint(1);
                self.str(s);
            }
        }
    }

    fn span(&mut self, s: Span) {
        self.usize(s.start);
        self.usize(s.end);
    }

    fn line_col(&mut self, p: LineCol) {
        self.usize(p.line);
        self.usize(p.column);
    }

    fn entry(&mut self, e: &'a Entry) {
        let Entry {
            key,
            deps,
            deps_hash,
            value,
        } = e;
        self.u128(*key);
        self.u128(*deps_hash);
        self.usize(deps.len());
        for d in deps {
            let bytes = d.as_os_str().as_encoded_bytes();
            self.usize(bytes.len());
            self.buf.extend_from_slice(bytes);
        }
        match value {
            Value::Skipped => self.uint(0),
            Value::Linted {
                diagnostics,
                kind,
                format,
                class,
            } => {
                self.uint(1);
                self.uint(kind_code(*kind));
                self.uint(format_code(*format));
                self.class(class);
                self.usize(diagnostics.len());
                for d in diagnostics {
                    self.diagnostic(d);
                }
            }
        }
    }

    fn class(&mut self, c: &'a ClassInfo) {
        let ClassInfo { class, source } = c;
        self.uint(class_code(*class));
        match source {
            ClassSource::Config { glob } => {
                self.uint(0);
                self.str(glob);
            }
            ClassSource::Marker { span } => {
                self.uint(1);
                self.usize(span.0);
                self.usize(span.1);
            }
            ClassSource::Inferred { reason } => {
                self.uint(2);
                self.str(reason);
            }
            ClassSource::Default => self.uint(3),
        }
    }

    fn diagnostic(&mut self, d: &'a Diagnostic) {
        let Diagnostic {
            rule,
            severity,
            message,
            help,
            url,
            span,
            labels,
            fix,
            suppressed,
        } = d;
        self.str(rule);
        self.uint(match severity {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        });
        self.str(message);
        self.opt_str(help.as_deref());
        self.opt_str(url.as_deref());
        self.span(*span);
        self.usize(labels.len());
        for l in labels {
            let Label { span, message, file } = l;
            self.span(*span);
            self.str(message);
            match file {
                None => self.uint(0),
                Some(LabelFile { path, start, end }) => {
                    self.uint(1);
                    self.str(path);
                    self.line_col(*start);
                    self.line_col(*end);
                }
            }
        }
        match fix {
            None => self.uint(0),
            Some(Fix {
                description,
                span,
                replacement,
                applicability,
            }) => {
                self.uint(1);
                self.str(description);
                self.span(*span);
                self.str(replacement);
                self.uint(match applicability {
                    Applicability::Safe => 0,
                    Applicability::Unsafe => 1,
                });
            }
        }
        match suppressed {
            None => self.uint(0),
            Some(Suppression { kind, reason }) => {
                self.uint(1);
                self.str(kind);
                self.opt_str(reason.as_deref());
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    strings: Vec<String>,
}

type R<T> = Result<T, DecodeError>;

const TRUNCATED: DecodeError = DecodeError::Corrupt("truncated entry");

impl Reader<'_> {
    fn take(&mut self, n: usize) -> R<&[u8]> {
        if self.bytes.len() < n {
            return Err(TRUNCATED);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn uint(&mut self) -> R<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.bytes.split_first().ok_or(TRUNCATED)?;
            self.bytes = rest;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError::Corrupt("varint too long"))
    }

    fn usize(&mut self) -> R<usize> {
        usize::try_from(self.uint()?).map_err(|_| DecodeError::Corrupt("number out of range"))
    }

    fn u128(&mut self) -> R<u128> {
        let b = self.take(16)?;
        Ok(u128::from_le_bytes(b.try_into().map_err(|_| TRUNCATED)?))
    }

    fn str(&mut self) -> R<String> {
        let tag = self.usize()?;
        if tag % 2 == 1 {
            return self
                .strings
                .get(tag / 2)
                .cloned()
                .ok_or(DecodeError::Corrupt("string index out of range"));
        }
        let bytes = self.take(tag / 2)?;
        let s = std::str::from_utf8(bytes)
            .map_err(|_| DecodeError::Corrupt("string not UTF-8"))?
            .to_string();
        self.strings.push(s.clone());
        Ok(s)
    }

    fn opt_str(&mut self) -> R<Option<String>> {
        Ok(match self.uint()? {
            0 => None,
            _ => Some(self.str()?),
        })
    }

    fn span(&mut self) -> R<Span> {
        Ok(Span::new(self.usize()?, self.usize()?))
    }

    fn line_col(&mut self) -> R<LineCol> {
        Ok(LineCol {
            line: self.usize()?,
            column: self.usize()?,
        })
    }

    /// A count of things that each take at least one byte: larger than what is left is a lie.
    fn count(&mut self) -> R<usize> {
        let n = self.usize()?;
        if n > self.bytes.len() {
            return Err(TRUNCATED);
        }
        Ok(n)
    }

    fn entry(&mut self) -> R<Entry> {
        let key = self.u128()?;
        let deps_hash = self.u128()?;
        let n = self.count()?;
        let mut deps = Vec::with_capacity(n);
        for _ in 0..n {
            let len = self.usize()?;
            let bytes = self.take(len)?;
            let s = std::str::from_utf8(bytes).map_err(|_| DecodeError::Corrupt("path not UTF-8"))?;
            deps.push(PathBuf::from(s));
        }
        let value = match self.uint()? {
            0 => Value::Skipped,
            1 => {
                let kind = kind_of(self.uint()?)?;
                let format = format_of(self.uint()?)?;
                let class = self.class()?;
                let n = self.count()?;
                let mut diagnostics = Vec::with_capacity(n);
                for _ in 0..n {
                    diagnostics.push(self.diagnostic()?);
                }
                Value::Linted {
                    diagnostics,
                    kind,
                    format,
                    class,
                }
            }
            _ => return Err(DecodeError::Corrupt("unknown entry kind")),
        };
        Ok(Entry {
            key,
            deps,
            deps_hash,
            value,
        })
    }

    fn class(&mut self) -> R<ClassInfo> {
        let class = class_of(self.uint()?)?;
        let source = match self.uint()? {
            0 => ClassSource::Config { glob: self.str()? },
            1 => ClassSource::Marker {
                span: (self.usize()?, self.usize()?),
            },
            2 => ClassSource::Inferred { reason: self.str()? },
            3 => ClassSource::Default,
            _ => return Err(DecodeError::Corrupt("unknown class source")),
        };
        Ok(ClassInfo { class, source })
    }

    fn diagnostic(&mut self) -> R<Diagnostic> {
        let rule = self.str()?;
        let severity = match self.uint()? {
            0 => Severity::Info,
            1 => Severity::Warning,
            2 => Severity::Error,
            _ => return Err(DecodeError::Corrupt("unknown severity")),
        };
        let message = self.str()?;
        let help = self.opt_str()?;
        let url = self.opt_str()?;
        let span = self.span()?;
        let n = self.count()?;
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let span = self.span()?;
            let message = self.str()?;
            let file = match self.uint()? {
                0 => None,
                _ => Some(LabelFile {
                    path: self.str()?,
                    start: self.line_col()?,
                    end: self.line_col()?,
                }),
            };
            labels.push(Label { span, message, file });
        }
        let fix = match self.uint()? {
            0 => None,
            _ => Some(Fix {
                description: self.str()?,
                span: self.span()?,
                replacement: self.str()?,
                applicability: match self.uint()? {
                    0 => Applicability::Safe,
                    1 => Applicability::Unsafe,
                    _ => return Err(DecodeError::Corrupt("unknown fix applicability")),
                },
            }),
        };
        let suppressed = match self.uint()? {
            0 => None,
            _ => {
                let kind = match self.str()?.as_str() {
                    "inline" => "inline",
                    "baseline" => "baseline",
                    _ => return Err(DecodeError::Corrupt("unknown suppression kind")),
                };
                Some(Suppression {
                    kind,
                    reason: self.opt_str()?,
                })
            }
        };
        Ok(Diagnostic {
            rule,
            severity,
            message,
            help,
            url,
            span,
            labels,
            fix,
            suppressed,
        })
    }
}

fn kind_code(k: FileKind) -> u64 {
    match k {
        FileKind::Html => 0,
        FileKind::Mjml => 1,
        FileKind::Config => 2,
        FileKind::Schema => 3,
        FileKind::Text => 4,
    }
}

fn kind_of(code: u64) -> R<FileKind> {
    [
        FileKind::Html,
        FileKind::Mjml,
        FileKind::Config,
        FileKind::Schema,
        FileKind::Text,
    ]
    .into_iter()
    .find(|k| kind_code(*k) == code)
    .ok_or(DecodeError::Corrupt("unknown file kind"))
}

const FORMATS: [SourceFormat; 10] = [
    SourceFormat::Html,
    SourceFormat::Mjml,
    SourceFormat::Text,
    SourceFormat::Yaml,
    SourceFormat::Json,
    SourceFormat::Toml,
    SourceFormat::Env,
    SourceFormat::Ini,
    SourceFormat::Sql,
    SourceFormat::Prisma,
];

fn format_code(f: SourceFormat) -> u64 {
    match f {
        SourceFormat::Html => 0,
        SourceFormat::Mjml => 1,
        SourceFormat::Text => 2,
        SourceFormat::Yaml => 3,
        SourceFormat::Json => 4,
        SourceFormat::Toml => 5,
        SourceFormat::Env => 6,
        SourceFormat::Ini => 7,
        SourceFormat::Sql => 8,
        SourceFormat::Prisma => 9,
    }
}

fn format_of(code: u64) -> R<SourceFormat> {
    FORMATS
        .into_iter()
        .find(|f| format_code(*f) == code)
        .ok_or(DecodeError::Corrupt("unknown source format"))
}

fn class_code(c: MessageClass) -> u64 {
    match c {
        MessageClass::Marketing => 0,
        MessageClass::Transactional => 1,
        MessageClass::Unknown => 2,
    }
}

fn class_of(code: u64) -> R<MessageClass> {
    [
        MessageClass::Marketing,
        MessageClass::Transactional,
        MessageClass::Unknown,
    ]
    .into_iter()
    .find(|c| class_code(*c) == code)
    .ok_or(DecodeError::Corrupt("unknown message class"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Entry {
        let d = Diagnostic::new("privacy/pii-in-url", Severity::Error, "m é", Span::new(3, 9))
            .with_help("h")
            .with_url("https://x")
            .with_fix(Fix {
                description: "d".into(),
                span: Span::new(3, 4),
                replacement: "r".into(),
                applicability: Applicability::Unsafe,
            });
        let mut labelled = d.clone();
        labelled.labels = vec![
            Label::new(Span::new(1, 2), "here"),
            Label {
                span: Span::new(0, 0),
                message: "there".into(),
                file: Some(LabelFile {
                    path: "/p/partials/f.hbs".into(),
                    start: LineCol { line: 1, column: 1 },
                    end: LineCol { line: 1, column: 2 },
                }),
            },
        ];
        labelled.suppressed = Some(Suppression {
            kind: "inline",
            reason: Some("why".into()),
        });
        Entry {
            key: 7,
            deps: vec![PathBuf::from("/p/t.html")],
            deps_hash: 9,
            value: Value::Linted {
                diagnostics: vec![d, labelled],
                kind: FileKind::Mjml,
                format: SourceFormat::Mjml,
                class: ClassInfo {
                    class: MessageClass::Transactional,
                    source: ClassSource::Marker { span: (4, 20) },
                },
            },
        }
    }

    #[test]
    fn entries_round_trip() {
        let e = sample();
        let skipped = Entry {
            key: 1,
            deps: Vec::new(),
            deps_hash: 2,
            value: Value::Skipped,
        };
        let bytes = encode(5, &[("a.mjml", &e), ("notes.txt", &skipped)]);
        let back = decode(&bytes, 5).unwrap();
        assert_eq!(back["a.mjml"], e);
        assert_eq!(back["notes.txt"], skipped);
    }

    #[test]
    fn another_build_is_a_version_mismatch_not_corruption() {
        let bytes = encode(5, &[("a", &sample())]);
        assert_eq!(decode(&bytes, 6).unwrap_err(), DecodeError::OtherVersion);
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_caught() {
        let bytes = encode(5, &[("a", &sample())]);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], 5).is_err(), "cut at {cut}");
        }
        for i in MAGIC.len() + 16..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x20;
            assert!(matches!(decode(&b, 5), Err(DecodeError::Corrupt(_))), "flip at {i}");
        }
        assert!(matches!(decode(b"garbage", 5), Err(DecodeError::Corrupt(_))));
    }
}
