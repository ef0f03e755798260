//! Secrets never reach output: the text shown in code frames has every secret span
//! replaced by `***`, and offsets into the original text are mapped onto it.

use crate::model::call::Span;

pub const MASK: &str = "***";

/// A file's text with its secrets masked, and the offset mapping.
pub struct Redacted {
    pub text: String,
    /// Merged, sorted secret spans of the original text.
    spans: Vec<Span>,
}

impl Redacted {
    pub fn new(original: &str, secrets: &[Span]) -> Redacted {
        let mut spans: Vec<Span> = secrets
            .iter()
            .filter(|s| s.start < s.end && s.end <= original.len())
            .filter(|s| original.is_char_boundary(s.start) && original.is_char_boundary(s.end))
            .cloned()
            .collect();
        spans.sort_by_key(|s| s.start);
        let mut merged: Vec<Span> = Vec::new();
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        let mut text = String::with_capacity(original.len());
        let mut at = 0;
        for s in &merged {
            text.push_str(&original[at..s.start]);
            text.push_str(MASK);
            at = s.end;
        }
        text.push_str(&original[at..]);
        Redacted {
            text,
            spans: merged,
        }
    }

    /// Maps an offset of the original text onto the redacted text. An offset inside a
    /// secret maps to the start of its mask (or its end, for the end of a span).
    pub fn map(&self, offset: usize, is_end: bool) -> usize {
        let mut delta: isize = 0;
        for s in &self.spans {
            if offset <= s.start {
                break;
            }
            if offset < s.end {
                let start = (s.start as isize + delta) as usize;
                return if is_end { start + MASK.len() } else { start };
            }
            delta += MASK.len() as isize - (s.end - s.start) as isize;
        }
        (offset as isize + delta) as usize
    }

    pub fn map_span(&self, span: &Span) -> Span {
        let start = self.map(span.start, false);
        let end = self.map(span.end, true).max(start);
        start..end
    }

    /// Replaces any secret of the file that appears verbatim in `s`, and any secret
    /// the text pass finds in `s` itself (for messages, labels, fix contents and
    /// titles built from source text).
    pub fn scrub(&self, original: &str, s: &str) -> String {
        let mut out = s.to_string();
        let mut secrets: Vec<&str> = self
            .spans
            .iter()
            .filter_map(|span| original.get(span.clone()))
            .filter(|secret| secret.len() >= 4)
            .collect();
        // Longest first: a secret that contains another is replaced whole.
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        for secret in secrets {
            out = out.replace(secret, MASK);
        }
        crate::model::secrets::mask_text(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_maps() {
        let text = "key = 'abcdef'; call(x)";
        let secrets: Vec<std::ops::Range<usize>> = std::iter::once(7..13).collect();
        let r = Redacted::new(text, &secrets);
        assert_eq!(r.text, "key = '***'; call(x)");
        // `call` moves left by 3 bytes.
        let call = text.find("call").unwrap();
        assert_eq!(&r.text[r.map(call, false)..r.map(call + 4, true)], "call");
        // A span covering the secret covers the mask.
        assert_eq!(&r.text[r.map_span(&(6..14))], "'***'");
        assert_eq!(r.scrub(text, "sent abcdef"), "sent ***");
    }
}
