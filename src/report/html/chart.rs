//! Horizontal bar charts as inline SVG: no script, no font or image to fetch, readable
//! without colour (every bar carries its number).

use super::escape;
use std::fmt::Write as _;

/// One part of a bar: a count and the CSS class that colours it.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    pub value: usize,
    pub class: &'static str,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// Where the label links to (a fragment in the page), if anywhere.
    pub href: Option<String>,
    pub segments: Vec<Segment>,
}

impl Bar {
    pub fn total(&self) -> usize {
        self.segments.iter().map(|s| s.value).sum()
    }
}

const WIDTH: usize = 720;
const LABEL: usize = 300;
const ROW: usize = 22;
const BAR: usize = 16;
/// Room after the longest bar for its number.
const NUMBER: usize = 60;

/// An SVG chart with one row per bar, scaled to the largest total. `key` names the chart for
/// tests and screen readers.
pub fn bars(key: &str, title: &str, bars: &[Bar]) -> String {
    let height = ROW * bars.len().max(1) + 4;
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1);
    let span = WIDTH - LABEL - NUMBER;
    let mut out = String::with_capacity(256 + bars.len() * 320);
    let _ = write!(
        out,
        "<svg class=\"chart\" data-chart=\"{}\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\"><title>",
        escape::escape(key)
    );
    escape::push(&mut out, title);
    out.push_str("</title>");
    if bars.is_empty() {
        out.push_str("<text x=\"0\" y=\"16\" class=\"chart-label\">nothing to show</text>");
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW;
        let text_y = y + 14;
        let label = truncate(&bar.label, 44);
        out.push_str("<g>");
        if let Some(href) = &bar.href {
            let _ = write!(out, "<a href=\"{}\">", escape::escape(href));
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" class=\"chart-label\">",
            LABEL - 8
        );
        escape::push(&mut out, &label);
        out.push_str("</text>");
        if bar.href.is_some() {
            out.push_str("</a>");
        }
        let mut x = LABEL;
        for seg in bar.segments.iter().filter(|s| s.value > 0) {
            // At least a pixel, so a count of one next to thousands still shows.
            let w = (seg.value * span / max).max(1);
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{BAR}\" class=\"{}\"><title>{} {}</title></rect>",
                y + 2,
                seg.class,
                seg.value,
                seg.class
            );
            x += w;
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{text_y}\" class=\"chart-value\">{}</text></g>",
            x + 6,
            bar.total()
        );
    }
    out.push_str("</svg>");
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars(
            "by-rule",
            "Findings by rule",
            &[
                Bar {
                    label: "a<b>".into(),
                    href: Some("#rule-a".into()),
                    segments: vec![
                        Segment {
                            value: 3,
                            class: "error",
                        },
                        Segment {
                            value: 1,
                            class: "warning",
                        },
                    ],
                },
                Bar {
                    label: "c".into(),
                    href: None,
                    segments: vec![Segment {
                        value: 0,
                        class: "error",
                    }],
                },
            ],
        );
        assert!(svg.contains("a&lt;b&gt;"));
        assert!(!svg.contains("a<b>"));
        // The largest bar spans the whole width left for bars: 3/4 and 1/4 of it.
        let span = WIDTH - LABEL - NUMBER;
        assert!(svg.contains(&format!("width=\"{}\"", 3 * span / 4)));
        assert!(svg.contains(&format!("width=\"{}\"", span / 4)));
        assert!(svg.contains(">4</text>") && svg.contains(">0</text>"));
    }
}
