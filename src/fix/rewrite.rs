//! `CallRewrite`: a rule's `rewrite` spec resolved against one call and the
//! configuration — what the new request is, in language-neutral terms. Each front end
//! renders it as edits in its own language (`frontend::<lang>::render`).

use crate::call::{HttpCall, Piece, Segment, Span};
use crate::config::Config;
use crate::rules::model::{BodySpec, RewriteSpec};
use crate::rules::pattern::PathMatch;

/// A piece of a string the rewritten code builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    /// An expression of the original source, reused as written (`user.id`).
    Source {
        text: String,
        span: Span,
    },
    /// Read from this environment variable at run time.
    Env(String),
    /// The 360Learning internal id of the user with this e-mail, looked up at run time
    /// through the inserted resolver (`GET /api/v2/users?mail[eq]=`).
    UserId {
        email: Vec<Part>,
        origin: Vec<Part>,
    },
    /// A 360Learning OAuth2 bearer token, fetched at run time by the inserted helper.
    Token {
        origin: Vec<Part>,
    },
}

/// A value the rewritten code sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RValue {
    Str(Vec<Part>),
    Bool(bool),
    Num(String),
    Null,
    Array(Vec<RValue>),
    Object(Vec<(String, RValue)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewBody {
    None,
    Json(RValue),
    Form(Vec<(String, RValue)>),
}

/// The new URL: the original URL up to `cut` (kept as written), then `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUrl {
    /// The original pieces that are kept, the last one possibly truncated.
    pub prefix: Vec<Piece>,
    /// Byte offset in the file where the kept prefix ends, when it is inside a literal
    /// written with no escapes (so a front end can edit in place).
    pub cut: Option<usize>,
    pub path: Vec<Part>,
}

/// Helper functions a rewrite needs in the file (inserted once per file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Helper {
    /// `learning360Token(origin)`: OAuth2 client credentials.
    Learning360Token,
    /// `learning360UserId(origin, email)`: e-mail → internal id.
    Learning360UserId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Learning360Credentials {
    pub client_id_env: String,
    pub client_secret_env: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CallRewrite {
    pub method: Option<String>,
    pub url: Option<NewUrl>,
    pub set_headers: Vec<(String, Vec<Part>)>,
    pub remove_headers: Vec<String>,
    pub drop_params: Vec<String>,
    /// Remove the URL's query string and any query option (`params`, `qs`, …).
    pub drop_query: bool,
    pub body: Option<NewBody>,
    pub helpers: Vec<Helper>,
    pub learning360: Option<Learning360Credentials>,
}

/// Why a rewrite cannot be built for a call (the fix is then shown as manual).
pub type RewriteError = String;

struct Ctx<'a> {
    vias: &'a [crate::call::Via],
    captures: &'a PathMatch<'a>,
    config: &'a Config,
    origin: Vec<Part>,
    helpers: Vec<Helper>,
}

/// Resolves `spec` for one call. `segments` are the call's parsed path segments and
/// `matched_from` the index of the first segment the rule's pattern matched literally
/// (where the replaced path starts).
pub fn resolve(
    spec: &RewriteSpec,
    call: &HttpCall,
    segments: &[Segment],
    matched_from: usize,
    captures: &PathMatch,
    config: &Config,
) -> Result<CallRewrite, RewriteError> {
    let url = match &spec.path {
        Some(_) => Some(cut_url(
            call,
            segments,
            if spec.keep_prefix {
                matched_from
            } else {
                first_path_segment(call, segments)
            },
        )?),
        None => None,
    };
    let origin = origin_parts(call, segments)?;
    let mut ctx = Ctx {
        vias: &call.vias,
        captures,
        config,
        origin,
        helpers: Vec::new(),
    };
    let mut out = CallRewrite {
        method: spec.method.as_ref().map(|m| m.to_ascii_uppercase()),
        remove_headers: spec.remove_headers.clone(),
        drop_params: spec.drop_params.clone(),
        drop_query: spec.drop_query,
        ..CallRewrite::default()
    };
    if let (Some(path), Some(mut url)) = (&spec.path, url) {
        url.path = ctx.template(path)?;
        out.url = Some(url);
    }
    for h in &spec.set_headers {
        out.set_headers
            .push((h.name.clone(), ctx.template(&h.value)?));
    }
    out.body = match &spec.body {
        None => None,
        Some(BodySpec::None) => Some(NewBody::None),
        Some(BodySpec::Json { value }) => Some(NewBody::Json(ctx.value(value)?)),
        Some(BodySpec::FormFromParams) => Some(NewBody::Form(form_from_params(call))),
    };
    ctx.helpers.sort();
    ctx.helpers.dedup();
    if !ctx.helpers.is_empty() {
        out.learning360 = Some(Learning360Credentials {
            client_id_env: config.learning360.client_id.env.clone(),
            client_secret_env: config.learning360.client_secret.env.clone(),
        });
    }
    out.helpers = ctx.helpers;
    Ok(out)
}

/// Index of the first path segment (the origin, or a leading hole standing for a base
/// URL, is kept; everything after it is replaced).
fn first_path_segment(call: &HttpCall, segments: &[Segment]) -> usize {
    let parsed_has_origin = call.url.parse().origin.is_some();
    if parsed_has_origin {
        0
    } else {
        // `${BASE}/api/…`: the leading hole segment is the base.
        match segments.first() {
            Some(s) if s.literal().is_none() => 1,
            _ => 0,
        }
    }
}

/// The original URL up to the start of segment `index`.
fn cut_url(call: &HttpCall, segments: &[Segment], index: usize) -> Result<NewUrl, RewriteError> {
    let Some(seg) = segments.get(index) else {
        return Err("the URL has no path to replace".into());
    };
    let Some(first) = seg.pieces.first() else {
        return Err("empty path segment".into());
    };
    // The `/` before the segment belongs to the replaced part.
    let cut_at = match first {
        Piece::Lit {
            span, exact: true, ..
        } => span.start.saturating_sub(1),
        _ => return Err("the path is not written literally where it must be cut".into()),
    };
    let mut prefix = Vec::new();
    let mut cut = None;
    for p in &call.url.pieces {
        match p {
            Piece::Lit { text, span, exact }
                if span.start <= cut_at && cut_at <= span.end && *exact =>
            {
                let keep = cut_at - span.start;
                if keep > 0 {
                    prefix.push(Piece::Lit {
                        text: text[..keep].to_string(),
                        span: span.start..cut_at,
                        exact: true,
                    });
                }
                cut = Some(cut_at);
                break;
            }
            _ => prefix.push(p.clone()),
        }
    }
    if cut.is_none() {
        return Err("could not find where the path starts in the URL".into());
    }
    // A prefix that is only the origin's literal text without a trailing path is fine;
    // but a kept prefix must not end inside the origin's own `//`.
    Ok(NewUrl {
        prefix,
        cut,
        path: Vec::new(),
    })
}

/// The origin as parts: `https://host` (literal) or the leading hole (a base URL).
fn origin_parts(call: &HttpCall, segments: &[Segment]) -> Result<Vec<Part>, RewriteError> {
    let parsed = call.url.parse();
    if let Some(origin) = parsed.origin {
        // A base constant that is exactly the origin is written by its name.
        if let Some(Piece::Lit { text, span, .. }) = call.url.pieces.first() {
            if *text == origin {
                if let Some(v) = call.vias.iter().find(|v| v.literal == *span) {
                    return Ok(vec![Part::Source {
                        text: v.expr.clone(),
                        span: span.clone(),
                    }]);
                }
            }
        }
        return Ok(vec![Part::Lit(origin)]);
    }
    match segments.first().and_then(|s| s.pieces.first()) {
        Some(Piece::Hole { expr, span }) => Ok(vec![Part::Source {
            text: expr.clone(),
            span: span.clone(),
        }]),
        _ => Ok(Vec::new()),
    }
}

/// The parts of a captured segment; a segment that is exactly a name's literal value
/// (`${TEST_GROUP}`) is written as that name.
fn segment_parts_via(seg: &Segment, vias: &[crate::call::Via]) -> Vec<Part> {
    if let [Piece::Lit { span, .. }] = seg.pieces.as_slice() {
        if let Some(v) = vias.iter().find(|v| v.literal == *span) {
            return vec![Part::Source {
                text: v.expr.clone(),
                span: span.clone(),
            }];
        }
    }
    segment_parts(seg)
}

fn segment_parts(seg: &Segment) -> Vec<Part> {
    seg.pieces
        .iter()
        .map(|p| match p {
            Piece::Lit { text, .. } => Part::Lit(text.clone()),
            Piece::Hole { expr, span } => Part::Source {
                text: expr.clone(),
                span: span.clone(),
            },
        })
        .collect()
}

fn form_from_params(call: &HttpCall) -> Vec<(String, RValue)> {
    let mut out = Vec::new();
    let parsed = call.url.parse();
    let bodies = match &call.body {
        Some(crate::call::Body::Form { fields }) => fields.entries.clone(),
        _ => Vec::new(),
    };
    for f in call
        .query
        .entries
        .iter()
        .chain(parsed.query.iter())
        .chain(bodies.iter())
    {
        if out.iter().any(|(k, _): &(String, RValue)| k == &f.key) {
            continue;
        }
        out.push((f.key.clone(), value_of(&f.value)));
    }
    out
}

fn value_of(v: &crate::call::Value) -> RValue {
    use crate::call::Value;
    match v {
        Value::Str { value, .. } => RValue::Str(vec![Part::Lit(value.clone())]),
        Value::Num { text, .. } => RValue::Num(text.clone()),
        Value::Bool { value, .. } => RValue::Bool(*value),
        Value::Null { .. } => RValue::Null,
        Value::Array { items, .. } => RValue::Array(items.iter().map(value_of).collect()),
        Value::Object(f) => RValue::Object(
            f.entries
                .iter()
                .map(|e| (e.key.clone(), value_of(&e.value)))
                .collect(),
        ),
        Value::Expr { text, span } => RValue::Str(vec![Part::Source {
            text: text.clone(),
            span: span.clone(),
        }]),
    }
}

impl Ctx<'_> {
    fn value(&mut self, v: &toml::Value) -> Result<RValue, RewriteError> {
        Ok(match v {
            toml::Value::String(s) => RValue::Str(self.template(s)?),
            toml::Value::Integer(i) => RValue::Num(i.to_string()),
            toml::Value::Float(f) => RValue::Num(f.to_string()),
            toml::Value::Boolean(b) => RValue::Bool(*b),
            toml::Value::Array(items) => RValue::Array(
                items
                    .iter()
                    .map(|i| self.value(i))
                    .collect::<Result<_, _>>()?,
            ),
            toml::Value::Table(t) => RValue::Object(
                t.iter()
                    .map(|(k, v)| Ok((k.clone(), self.value(v)?)))
                    .collect::<Result<_, RewriteError>>()?,
            ),
            toml::Value::Datetime(d) => RValue::Str(vec![Part::Lit(d.to_string())]),
        })
    }

    fn template(&mut self, s: &str) -> Result<Vec<Part>, RewriteError> {
        let mut out: Vec<Part> = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                push_lit(&mut out, &rest[..start]);
            }
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("unclosed placeholder in `{s}`"))?;
            let key = after[..end].trim();
            for p in self.placeholder(key)? {
                match p {
                    Part::Lit(t) => push_lit(&mut out, &t),
                    other => out.push(other),
                }
            }
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            push_lit(&mut out, rest);
        }
        Ok(out)
    }

    fn capture(&self, name: &str) -> Result<&Segment, RewriteError> {
        self.captures
            .get(name)
            .ok_or_else(|| format!("the rule's path pattern has no capture `{name}`"))
    }

    fn placeholder(&mut self, key: &str) -> Result<Vec<Part>, RewriteError> {
        if let Some(name) = key.strip_prefix("capture.") {
            return Ok(segment_parts_via(self.capture(name)?, self.vias));
        }
        if let Some(name) = key.strip_prefix("user_id:capture.") {
            let seg = self.capture(name)?.clone();
            return Ok(self.user_id(&seg));
        }
        if let Some(setting) = key.strip_prefix("env:") {
            let env = match setting {
                "aurora.password" => &self.config.aurora.password.env,
                "learning360.client_id" => &self.config.learning360.client_id.env,
                "learning360.client_secret" => &self.config.learning360.client_secret.env,
                other => return Err(format!("unknown environment setting `{other}`")),
            };
            return Ok(vec![Part::Env(env.clone())]);
        }
        match key {
            "config.learning360.role" => Ok(vec![Part::Lit(self.config.learning360.role.clone())]),
            "config.aurora.graphql_path" => {
                Ok(vec![Part::Lit(self.config.aurora.graphql_path.clone())])
            }
            "token:learning360" => {
                self.helpers.push(Helper::Learning360Token);
                Ok(vec![Part::Token {
                    origin: self.origin.clone(),
                }])
            }
            other => Err(format!("unknown placeholder `{{{{{other}}}}}`")),
        }
    }

    /// An internal 360Learning id for a user segment.
    fn user_id(&mut self, seg: &Segment) -> Vec<Part> {
        if let Some(lit) = seg.literal() {
            if crate::rules::checks::looks_like_email(&lit) {
                if let Some(id) = self
                    .config
                    .learning360
                    .user_ids
                    .get(&lit.to_ascii_lowercase())
                {
                    return vec![Part::Lit(id.clone())];
                }
                self.helpers.push(Helper::Learning360Token);
                self.helpers.push(Helper::Learning360UserId);
                return vec![Part::UserId {
                    email: segment_parts_via(seg, self.vias),
                    origin: self.origin.clone(),
                }];
            }
            return segment_parts_via(seg, self.vias);
        }
        let names_email = seg.holes().any(crate::rules::checks::names_email);
        if names_email
            || seg
                .pieces
                .iter()
                .any(|p| matches!(p, Piece::Lit { text, .. } if text.contains('@')))
        {
            self.helpers.push(Helper::Learning360Token);
            self.helpers.push(Helper::Learning360UserId);
            return vec![Part::UserId {
                email: segment_parts(seg),
                origin: self.origin.clone(),
            }];
        }
        segment_parts(seg)
    }
}

fn push_lit(out: &mut Vec<Part>, text: &str) {
    if let Some(Part::Lit(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Part::Lit(text.to_string()));
    }
}

/// Quick access for `_call` users that only need to know whether a value is literal.
pub fn is_all_literal(parts: &[Part]) -> bool {
    parts.iter().all(|p| matches!(p, Part::Lit(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Client, Method, UrlTemplate};
    use crate::rules::pattern::PathPattern;

    fn call(pieces: Vec<Piece>) -> HttpCall {
        HttpCall::new(
            Client::Fetch,
            Method::known("DELETE", None),
            UrlTemplate {
                pieces,
                span: 0..100,
            },
            0..100,
        )
    }

    #[test]
    fn learning360_rewrite_resolves_email_through_helper() {
        let url = "https://app.360learning.com/api/v1/groups/";
        let c = call(vec![
            Piece::Lit {
                text: url.into(),
                span: 10..10 + url.len(),
                exact: true,
            },
            Piece::Hole {
                expr: "groupId".into(),
                span: 60..67,
            },
            Piece::Lit {
                text: "/users/".into(),
                span: 68..75,
                exact: true,
            },
            Piece::Hole {
                expr: "user.email".into(),
                span: 77..87,
            },
        ]);
        let parsed = c.url.parse();
        let pat = PathPattern::parse("**/api/v1/groups/{group_id}/users/{user}").unwrap();
        let m = pat.matches(&parsed.segments).unwrap();
        let spec: RewriteSpec = toml::from_str(
            r#"
method = "DELETE"
path = "/api/v2/groups/{{capture.group_id}}/{{config.learning360.role}}/{{user_id:capture.user}}"
set_headers = [{ name = "360-api-version", value = "v2.0" }, { name = "Authorization", value = "Bearer {{token:learning360}}" }]
drop_params = ["company", "apiKey"]
body = { kind = "none" }
"#,
        )
        .unwrap();
        let r = resolve(&spec, &c, &parsed.segments, 0, &m, &Config::default()).unwrap();
        let url = r.url.unwrap();
        // The origin is kept as written; the path is replaced from its first `/`.
        assert_eq!(url.cut, Some(10 + "https://app.360learning.com".len()));
        assert_eq!(url.path[0], Part::Lit("/api/v2/groups/".into()));
        assert_eq!(
            url.path[1],
            Part::Source {
                text: "groupId".into(),
                span: 60..67
            }
        );
        assert_eq!(url.path[2], Part::Lit("/learner/".into()));
        assert!(
            matches!(&url.path[3], Part::UserId { email, .. } if email[0] == Part::Source { text: "user.email".into(), span: 77..87 })
        );
        assert_eq!(
            r.helpers,
            vec![Helper::Learning360Token, Helper::Learning360UserId]
        );
        assert_eq!(r.set_headers[1].1[0], Part::Lit("Bearer ".into()));
        assert!(matches!(r.set_headers[1].1[1], Part::Token { .. }));
        assert_eq!(r.body, Some(NewBody::None));
    }

    #[test]
    fn literal_email_comes_from_the_user_ids_map() {
        let mut config = Config::default();
        config
            .learning360
            .user_ids
            .insert("jane@example.com".into(), "507f1f77bcf86cd799439011".into());
        let url = "https://app.360learning.com/api/v1/users/jane@example.com";
        let c = call(vec![Piece::Lit {
            text: url.into(),
            span: 0..url.len(),
            exact: true,
        }]);
        let parsed = c.url.parse();
        let pat = PathPattern::parse("**/api/v1/users/{user}").unwrap();
        let m = pat.matches(&parsed.segments).unwrap();
        let spec = RewriteSpec {
            path: Some("/api/v2/users/{{user_id:capture.user}}".into()),
            ..RewriteSpec::default()
        };
        let r = resolve(&spec, &c, &parsed.segments, 0, &m, &config).unwrap();
        assert_eq!(
            r.url.unwrap().path,
            vec![Part::Lit("/api/v2/users/507f1f77bcf86cd799439011".into())]
        );
        assert!(r.helpers.is_empty());
    }
}
