//! `{{ name }}` templates: the variables of Postman, Insomnia, Bruno, `.http` files and
//! Ansible's Jinja, and the placeholders of rule packs. One scanner cuts a text into
//! literal runs and variables; each reader decides what a variable is worth.

use std::ops::Range;

/// A run of a template's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Literal text (never empty), at `range` of the template.
    Lit { text: &'a str, range: Range<usize> },
    /// A variable: `expr` is the whole `{{ … }}` at `range`, `name` what is between
    /// the braces, trimmed.
    Var {
        expr: &'a str,
        name: &'a str,
        range: Range<usize>,
    },
}

/// The literal runs and `{{ … }}` variables of `text`, in order. A `{{` that no `}}`
/// follows is literal text, to the end (see [`unclosed`]).
pub fn segments(text: &str) -> Segments<'_> {
    segments_at(text, 0)
}

/// [`segments`] of a text that starts at `offset` of its file: the ranges are the
/// file's.
pub fn segments_at(text: &str, offset: usize) -> Segments<'_> {
    Segments {
        text,
        at: 0,
        offset,
    }
}

/// The iterator of [`segments`].
pub struct Segments<'a> {
    text: &'a str,
    at: usize,
    offset: usize,
}

impl<'a> Iterator for Segments<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        let text = self.text;
        let at = self.at;
        if at >= text.len() {
            return None;
        }
        let o = self.offset;
        let var = text[at..].find("{{").and_then(|i| {
            let open = at + i;
            let close = open + 2 + text[open + 2..].find("}}")? + 2;
            Some(open..close)
        });
        match var {
            Some(range) if range.start == at => {
                self.at = range.end;
                let expr = &text[range.clone()];
                Some(Segment::Var {
                    expr,
                    name: expr[2..expr.len() - 2].trim(),
                    range: o + range.start..o + range.end,
                })
            }
            Some(range) => {
                self.at = range.start;
                Some(Segment::Lit {
                    text: &text[at..range.start],
                    range: o + at..o + range.start,
                })
            }
            None => {
                self.at = text.len();
                Some(Segment::Lit {
                    text: &text[at..],
                    range: o + at..o + text.len(),
                })
            }
        }
    }
}

/// Whether `text` has a `{{` that no `}}` closes: a template a strict engine (Jinja)
/// refuses.
pub fn unclosed(text: &str) -> bool {
    segments(text).any(|s| matches!(s, Segment::Lit { text, .. } if text.contains("{{")))
}

/// `text` with each variable replaced by `value(name, expr)`; `None` as soon as one has
/// no value. Literal text, an unclosed `{{` included, is kept.
pub fn substitute(
    text: &str,
    mut value: impl FnMut(&str, &str) -> Option<String>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for segment in segments(text) {
        match segment {
            Segment::Lit { text, .. } => out.push_str(text),
            Segment::Var { expr, name, .. } => out.push_str(&value(name, expr)?),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<String> {
        segments(text)
            .map(|s| match s {
                Segment::Lit { text, range } => format!("lit {text:?} {range:?}"),
                Segment::Var { expr, name, range } => format!("var {expr:?} {name:?} {range:?}"),
            })
            .collect()
    }

    #[test]
    fn literal_runs_and_variables_in_order() {
        assert_eq!(
            cut("{{ base }}/users/{{id}}?x=1"),
            [
                r#"var "{{ base }}" "base" 0..10"#,
                r#"lit "/users/" 10..17"#,
                r#"var "{{id}}" "id" 17..23"#,
                r#"lit "?x=1" 23..27"#,
            ]
        );
        assert!(cut("").is_empty());
        let shifted: Vec<_> = segments_at("a{{b}}", 10).collect();
        assert_eq!(
            shifted,
            [
                Segment::Lit {
                    text: "a",
                    range: 10..11
                },
                Segment::Var {
                    expr: "{{b}}",
                    name: "b",
                    range: 11..16
                },
            ]
        );
        assert_eq!(cut("plain"), [r#"lit "plain" 0..5"#]);
    }

    #[test]
    fn an_unclosed_variable_is_literal_to_the_end() {
        assert_eq!(
            cut("a{{b}}c{{d"),
            [
                r#"lit "a" 0..1"#,
                r#"var "{{b}}" "b" 1..6"#,
                r#"lit "c{{d" 6..10"#,
            ]
        );
        assert!(unclosed("a{{b}}c{{d"));
        assert!(!unclosed("a{{b}}c"));
        // `}}` must follow the braces that open: `{{}` is not a variable.
        assert_eq!(cut("{{}"), [r#"lit "{{}" 0..3"#]);
        assert_eq!(cut("{{}}"), [r#"var "{{}}" "" 0..4"#]);
    }

    #[test]
    fn a_variable_spans_lines_and_non_ascii_text() {
        assert_eq!(
            cut("é{{ $dotenv\nX }}ü"),
            [
                r#"lit "é" 0..2"#,
                r#"var "{{ $dotenv\nX }}" "$dotenv\nX" 2..17"#,
                r#"lit "ü" 17..19"#,
            ]
        );
    }

    #[test]
    fn substitution_stops_at_a_variable_without_value() {
        let vars = |name: &str, _: &str| (name == "a").then(|| "A".to_string());
        assert_eq!(substitute("x{{a}}y{{", vars).as_deref(), Some("xAy{{"));
        assert_eq!(substitute("x{{a}}{{b}}", vars), None);
    }
}
