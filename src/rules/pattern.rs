//! URL path patterns of rule files: `**/api/2.0/users/{id}`.

use crate::call::Segment;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternSegment {
    /// Any number of segments (also none).
    Any,
    /// Exactly one segment.
    One,
    /// Exactly one segment, captured by name.
    Capture(String),
    /// A literal segment, compared exactly.
    Literal(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPattern {
    pub source: String,
    pub segments: Vec<PatternSegment>,
}

/// A successful match: captured segments by name.
#[derive(Clone, Debug, Default)]
pub struct PathMatch<'a> {
    pub captures: Vec<(&'a str, &'a Segment)>,
    /// Index of the path segment matched by the pattern's first literal segment (where
    /// the API path proper starts, after any `**` prefix).
    pub literal_start: Option<usize>,
}

impl<'a> PathMatch<'a> {
    pub fn get(&self, name: &str) -> Option<&'a Segment> {
        self.captures
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }
}

impl PathPattern {
    pub fn parse(source: &str) -> Result<PathPattern, String> {
        let mut segments = Vec::new();
        for part in source.split('/').filter(|p| !p.is_empty()) {
            let seg = match part {
                "**" => PatternSegment::Any,
                "*" => PatternSegment::One,
                _ if part.starts_with('{') && part.ends_with('}') => {
                    let name = &part[1..part.len() - 1];
                    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        return Err(format!("bad capture `{part}` in path pattern `{source}`"));
                    }
                    PatternSegment::Capture(name.to_string())
                }
                _ if part.contains(['*', '{', '}']) => {
                    return Err(format!(
                        "segment `{part}` in path pattern `{source}` mixes literal text with `*` or braces"
                    ))
                }
                _ => PatternSegment::Literal(part.to_string()),
            };
            segments.push(seg);
        }
        if segments.is_empty() {
            return Err(format!("path pattern `{source}` is empty"));
        }
        Ok(PathPattern {
            source: source.to_string(),
            segments,
        })
    }

    /// Matches the whole list of path segments.
    pub fn matches<'a>(&'a self, path: &'a [Segment]) -> Option<PathMatch<'a>> {
        let mut m = PathMatch::default();
        if match_from(&self.segments, path, 0, &mut m) {
            Some(m)
        } else {
            None
        }
    }
}

fn match_from<'a>(
    pat: &'a [PatternSegment],
    path: &'a [Segment],
    pos: usize,
    m: &mut PathMatch<'a>,
) -> bool {
    let Some((first, rest)) = pat.split_first() else {
        return path.is_empty();
    };
    match first {
        PatternSegment::Any => (0..=path.len()).any(|skip| {
            let before = m.captures.len();
            let literal_start = m.literal_start;
            let ok = match_from(rest, &path[skip..], pos + skip, m);
            if !ok {
                m.captures.truncate(before);
                m.literal_start = literal_start;
            }
            ok
        }),
        PatternSegment::One | PatternSegment::Capture(_) => {
            let Some((seg, path_rest)) = path.split_first() else {
                return false;
            };
            if let PatternSegment::Capture(name) = first {
                m.captures.push((name, seg));
            }
            match_from(rest, path_rest, pos + 1, m)
        }
        PatternSegment::Literal(lit) => {
            let Some((seg, path_rest)) = path.split_first() else {
                return false;
            };
            if seg.literal().as_deref() != Some(lit.as_str()) {
                return false;
            }
            let first = m.literal_start.is_none();
            if first {
                m.literal_start = Some(pos);
            }
            let ok = match_from(rest, path_rest, pos + 1, m);
            if !ok && first {
                m.literal_start = None;
            }
            ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::UrlTemplate;

    fn segs(url: &str) -> Vec<Segment> {
        UrlTemplate::literal(url, 0..url.len()).parse().segments
    }

    #[test]
    fn matches_with_prefix_and_capture() {
        let p = PathPattern::parse("**/api/2.0/users/{id}").unwrap();
        let s = segs("https://x.lithium.com/acme/api/2.0/users/42");
        let m = p.matches(&s).unwrap();
        assert_eq!(m.get("id").unwrap().literal().as_deref(), Some("42"));
        // `acme` is the community prefix; the API path starts at `api`.
        assert_eq!(m.literal_start, Some(1));
        assert!(p.matches(&segs("/api/2.0/users/42/extra")).is_none());
        assert!(p.matches(&segs("/api/2.0/users")).is_none());
    }

    #[test]
    fn trailing_any_matches_prefix_only_urls() {
        let p = PathPattern::parse("**/api/2.0/**").unwrap();
        assert!(p.matches(&segs("https://h/api/2.0")).is_some());
        assert!(p.matches(&segs("https://h/api/2.0/messages/1")).is_some());
        assert!(p.matches(&segs("https://h/api/2.1/messages")).is_none());
    }

    #[test]
    fn rejects_bad_patterns() {
        assert!(PathPattern::parse("/a/b*c").is_err());
        assert!(PathPattern::parse("/{}").is_err());
        assert!(PathPattern::parse("").is_err());
    }
}
