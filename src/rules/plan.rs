//! Turns a rule's `rewrite` spec, a matched call and the configuration into a
//! [`RewritePlan`]: what the new request is, in language-neutral terms, with the
//! functions, response check and constants it needs taken from the pack. Each front
//! end spells the plan in its own language.

use super::model::{BodySpec, CheckSpec, FunctionSpec, RewriteSpec};
use super::pattern::PathMatch;
use crate::call::{HttpCall, Piece, Segment};
use crate::config::Config;
use crate::model::plan::{
    Cache, Constant, FunctionPlan, NewBody, NewUrl, Part, RValue, ResultCheck, Returns, RewritePlan,
};
use crate::model::template;

/// Why a rewrite cannot be built for a call (the fix is then shown as manual).
pub type RewriteError = String;

struct Ctx<'a> {
    vias: &'a [crate::call::Via],
    captures: &'a PathMatch<'a>,
    config: &'a Config,
    /// The pack's vendor id (whose configured `user_ids` an `id_of` reads).
    vendor: &'a str,
    /// The pack's functions, and the names of those the plan calls.
    functions: &'a [FunctionSpec],
    called: Vec<String>,
    constants: &'a [super::model::ConstantSpec],
    /// What a function is called with as the API's origin.
    origin: Vec<Part>,
    /// The parameters of the function whose templates are read, if any.
    params: &'a [String],
}

/// What a rewrite reads besides its own spec: the pack it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct PackData<'a> {
    pub vendor: &'a str,
    pub functions: &'a [FunctionSpec],
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
    pack: PackData,
) -> Result<RewritePlan, RewriteError> {
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
        vendor: pack.vendor,
        functions: pack.functions,
        called: Vec::new(),
        constants: &spec.constants,
        origin,
        params: &[],
    };
    let mut out = RewritePlan {
        method: spec.method.as_ref().map(|m| m.to_ascii_uppercase()),
        remove_headers: spec.remove_headers.clone(),
        drop_params: spec.drop_params.clone(),
        drop_query: spec.drop_query,
        ..RewritePlan::default()
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
    out.check = spec.check.as_ref().map(result_check).transpose()?;
    out.constants = spec
        .constants
        .iter()
        .map(|c| Constant {
            name: c.name.clone(),
            value: c.value.clone(),
            doc: c.doc.clone(),
        })
        .collect();
    out.functions = ctx.function_plans()?;
    Ok(out)
}

fn result_check(spec: &CheckSpec) -> Result<ResultCheck, RewriteError> {
    let path: Vec<String> = spec.path.split('.').map(str::to_string).collect();
    if path.iter().any(String::is_empty) {
        return Err(format!("the check's path `{}` has an empty key", spec.path));
    }
    let expected = match &spec.equals {
        toml::Value::String(s) => RValue::Str(vec![Part::Lit(s.clone())]),
        toml::Value::Integer(i) => RValue::Num(i.to_string()),
        toml::Value::Float(f) => RValue::Num(f.to_string()),
        toml::Value::Boolean(b) => RValue::Bool(*b),
        _ => return Err("a check compares with a string, a number or a boolean".into()),
    };
    Ok(ResultCheck {
        path,
        expected,
        operation: spec.operation.clone(),
        why: spec.why.clone(),
        passed: spec.passed.clone(),
    })
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

impl<'a> Ctx<'a> {
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
        if template::unclosed(s) {
            return Err(format!("unclosed placeholder in `{s}`"));
        }
        let mut out: Vec<Part> = Vec::new();
        for segment in template::segments(s) {
            match segment {
                template::Segment::Lit { text, .. } => push_lit(&mut out, text),
                template::Segment::Var { name, .. } => {
                    for p in self.placeholder(name)? {
                        match p {
                            Part::Lit(t) => push_lit(&mut out, &t),
                            other => out.push(other),
                        }
                    }
                }
            }
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
        if let Some(rest) = key.strip_prefix("id_of:capture.") {
            let (name, function) = rest
                .split_once('|')
                .ok_or_else(|| format!("`{{{{id_of:capture.{rest}}}}}` names no function"))?;
            let seg = self.capture(name.trim())?.clone();
            return self.id_of(&seg, function.trim());
        }
        if let Some(name) = key.strip_prefix("param:") {
            return match self.params.iter().find(|p| *p == name) {
                Some(p) => Ok(vec![Part::Param(p.clone())]),
                None => Err(format!("the function has no parameter `{name}`")),
            };
        }
        if let Some(name) = key.strip_prefix("call:") {
            let function = self.use_function(name)?;
            return Ok(vec![Part::Call {
                function,
                args: vec![self.origin.clone()],
            }]);
        }
        if let Some(name) = key.strip_prefix("const:") {
            return match self.constants.iter().find(|c| c.name == name) {
                Some(c) => Ok(vec![Part::Lit(c.value.clone())]),
                None => Err(format!("the rewrite has no constant `{name}`")),
            };
        }
        if let Some(setting) = key.strip_prefix("env:") {
            let env: &str = match setting {
                "aurora.password" => &self.config.aurora.password.env,
                "learning360.client_id" => &self.config.learning360.client_id.env,
                "learning360.client_secret" => &self.config.learning360.client_secret.env,
                // A variable named directly (`ACME_CLIENT_ID`).
                name if is_env_name(name) => name,
                other => return Err(format!("unknown environment setting `{other}`")),
            };
            return Ok(vec![Part::Env(env.to_string())]);
        }
        match key {
            "config.learning360.role" => Ok(vec![Part::Lit(self.config.learning360.role.clone())]),
            "config.aurora.graphql_path" => {
                Ok(vec![Part::Lit(self.config.aurora.graphql_path.clone())])
            }
            other => Err(format!("unknown placeholder `{{{{{other}}}}}`")),
        }
    }

    /// Records that the plan calls the pack's function `name` (and what it calls).
    fn use_function(&mut self, name: &str) -> Result<String, RewriteError> {
        let Some(f) = self.functions.iter().find(|f| f.name == name) else {
            return Err(format!("the pack has no function `{name}`"));
        };
        if !self.called.iter().any(|c| c == name) {
            self.called.push(name.to_string());
        }
        Ok(f.name.clone())
    }

    /// The ids the configuration maps e-mails to, for this pack's vendor.
    fn known_ids(&self) -> Option<&std::collections::HashMap<String, String>> {
        match self.vendor {
            "learning360" => Some(&self.config.learning360.user_ids),
            _ => None,
        }
    }

    /// The id of the user a segment names: the segment itself unless it is (or is
    /// built from) an e-mail; a literal e-mail with a configured id is that id; any
    /// other e-mail is looked up at run time by `function(origin, email)`.
    fn id_of(&mut self, seg: &Segment, function: &str) -> Result<Vec<Part>, RewriteError> {
        let email = if let Some(lit) = seg.literal() {
            if !crate::rules::checks::looks_like_email(&lit) {
                return Ok(segment_parts_via(seg, self.vias));
            }
            if let Some(id) = self
                .known_ids()
                .and_then(|ids| ids.get(&lit.to_ascii_lowercase()))
            {
                return Ok(vec![Part::Lit(id.clone())]);
            }
            segment_parts_via(seg, self.vias)
        } else {
            let names_email = seg.holes().any(crate::rules::checks::names_email);
            let has_at = seg
                .pieces
                .iter()
                .any(|p| matches!(p, Piece::Lit { text, .. } if text.contains('@')));
            if !names_email && !has_at {
                return Ok(segment_parts(seg));
            }
            segment_parts(seg)
        };
        let function = self.use_function(function)?;
        Ok(vec![Part::Call {
            function,
            args: vec![self.origin.clone(), email],
        }])
    }

    /// The plans of the functions called, each after the ones it calls (in the order
    /// the pack declares them).
    fn function_plans(&mut self) -> Result<Vec<FunctionPlan>, RewriteError> {
        let mut plans: Vec<FunctionPlan> = Vec::new();
        let mut seen = 0;
        // Reading a function may call more of them; stop once no new one appears.
        while seen < self.called.len() {
            seen = self.called.len();
            plans.clear();
            for spec in self.functions {
                if self.called.contains(&spec.name) {
                    plans.push(self.function_plan(spec)?);
                }
            }
        }
        Ok(plans)
    }

    fn function_plan(&mut self, spec: &'a FunctionSpec) -> Result<FunctionPlan, RewriteError> {
        let Some(base) = spec.params.first() else {
            return Err(format!(
                "the function `{}` has no origin parameter",
                spec.name
            ));
        };
        let saved_origin = std::mem::replace(&mut self.origin, vec![Part::Param(base.clone())]);
        let saved_params = std::mem::replace(&mut self.params, &spec.params);
        let plan = self.function_plan_inner(spec);
        self.origin = saved_origin;
        self.params = saved_params;
        plan
    }

    fn function_plan_inner(&mut self, spec: &FunctionSpec) -> Result<FunctionPlan, RewriteError> {
        let pairs = |ctx: &mut Self, list: &[super::model::HeaderSpec]| {
            list.iter()
                .map(|h| Ok((h.name.clone(), ctx.template(&h.value)?)))
                .collect::<Result<Vec<_>, RewriteError>>()
        };
        let query = pairs(self, &spec.query)?;
        let headers = pairs(self, &spec.headers)?;
        let mut body = Vec::new();
        for (k, v) in spec.body.iter().flatten() {
            body.push((k.clone(), self.value(v)?));
        }
        let returns = if spec.returns.first_item {
            Returns::FirstItemField {
                field: spec.returns.field.clone(),
                missing: match &spec.returns.missing {
                    Some(m) => self.template(m)?,
                    None => vec![Part::Lit(format!("{} found nothing", spec.what))],
                },
            }
        } else {
            Returns::Field(spec.returns.field.clone())
        };
        Ok(FunctionPlan {
            name: spec.name.clone(),
            doc: spec.doc.clone(),
            params: spec.params.clone(),
            method: spec.method.to_ascii_uppercase(),
            path: spec.path.clone(),
            query,
            headers,
            body,
            returns,
            cache: spec.cache.as_ref().map(|c| Cache {
                expires_in: c.expires_in.clone(),
                default_seconds: c.default_seconds,
                margin_seconds: c.margin_seconds,
            }),
            what: spec.what.clone(),
        })
    }
}

/// `ACME_CLIENT_ID`: upper-case letters, digits and `_`, not starting with a digit.
fn is_env_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn push_lit(out: &mut Vec<Part>, text: &str) {
    if let Some(Part::Lit(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Part::Lit(text.to_string()));
    }
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

    /// The functions of the embedded 360Learning pack.
    fn learning360_functions() -> Vec<FunctionSpec> {
        crate::rules::RuleSet::embedded()
            .packs
            .iter()
            .find(|p| p.pack.vendor.id == "learning360")
            .map(|p| p.pack.functions.clone())
            .unwrap()
    }

    fn pack(functions: &[FunctionSpec]) -> PackData<'_> {
        PackData {
            vendor: "learning360",
            functions,
        }
    }

    #[test]
    fn learning360_rewrite_resolves_email_through_a_function() {
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
path = "/api/v2/groups/{{capture.group_id}}/{{config.learning360.role}}/{{id_of:capture.user|learning360_user_id}}"
set_headers = [{ name = "360-api-version", value = "v2.0" }, { name = "Authorization", value = "Bearer {{call:learning360_token}}" }]
drop_params = ["company", "apiKey"]
body = { kind = "none" }
"#,
        )
        .unwrap();
        let functions = learning360_functions();
        let r = resolve(
            &spec,
            &c,
            &parsed.segments,
            0,
            &m,
            &Config::default(),
            pack(&functions),
        )
        .unwrap();
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
            matches!(&url.path[3], Part::Call { function, args } if function == "learning360_user_id" && args[1][0] == Part::Source { text: "user.email".into(), span: 77..87 })
        );
        // The lookup needs the token: both functions, the token first.
        let names: Vec<&str> = r.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["learning360_token", "learning360_user_id"]);
        let lookup = &r.functions[1];
        assert_eq!(lookup.query[0].1, vec![Part::Param("email".into())]);
        assert!(matches!(
            lookup.header("Authorization"),
            Some([Part::Lit(b), Part::Call { args, .. }]) if b == "Bearer " && args[0] == [Part::Param("base".into())]
        ));
        assert!(matches!(
            &r.functions[0].body[1].1,
            RValue::Str(p) if p == &[Part::Env("LEARNING360_CLIENT_ID".into())]
        ));
        assert_eq!(r.set_headers[1].1[0], Part::Lit("Bearer ".into()));
        assert!(matches!(r.set_headers[1].1[1], Part::Call { .. }));
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
            path: Some("/api/v2/users/{{id_of:capture.user|learning360_user_id}}".into()),
            ..RewriteSpec::default()
        };
        let functions = learning360_functions();
        let r = resolve(
            &spec,
            &c,
            &parsed.segments,
            0,
            &m,
            &config,
            pack(&functions),
        )
        .unwrap();
        assert_eq!(
            r.url.unwrap().path,
            vec![Part::Lit("/api/v2/users/507f1f77bcf86cd799439011".into())]
        );
        assert!(r.functions.is_empty());
    }
}
