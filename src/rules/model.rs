//! The rule-pack format: one TOML file per vendor (`rules/*.toml`), deserialised into
//! these types. Everything a rule needs is data here; checks that cannot be data
//! (UUID validity, JSON parsing, e-mail detection) are named by `check = "…"` and
//! implemented in `rules::checks`.

use super::pattern::PathPattern;
use crate::finding::{Applicability, Severity};
use schemars::JsonSchema;
use serde::Deserialize;

/// A rule pack: one vendor (or one team API) with its signals and rules. The built-in
/// packs are `rules/*.toml`; user packs are loaded with `--rules` or `rule_paths`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePack {
    /// The JSON Schema the file follows, for editors (`"$schema" = "rule-pack.schema.json"`);
    /// ignored by apimigrate.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    pub vendor: Vendor,
    #[serde(default)]
    pub signals: Signals,
    #[serde(rename = "rule", default)]
    pub rules: Vec<Rule>,
    /// Small requests the pack's rewrites call as functions inserted once per file (a
    /// token fetch, a lookup), named in templates as `{{call:NAME}}`.
    #[serde(rename = "function", default)]
    pub functions: Vec<FunctionSpec>,
}

/// A function a rewrite needs in the file: one JSON request whose response gives the
/// value. Strings are templates: `{{param:NAME}}` (a parameter), `{{env:SETTING}}` or
/// `{{env:VARIABLE}}` (an environment variable named directly, `ACME_CLIENT_ID`),
/// `{{call:NAME}}` (another function of the pack, called with the same origin).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// In snake_case (`acme_token`); each language adapts the case.
    pub name: String,
    /// A one-line description, written above the function (no final period).
    pub doc: String,
    /// Parameter names; the first is the API's origin (the URL starts with it).
    pub params: Vec<String>,
    pub method: String,
    /// The path after the origin (`/oauth/token`).
    pub path: String,
    /// Query parameters (`{ name = "mail[eq]", value = "{{param:email}}" }`).
    #[serde(default)]
    pub query: Vec<HeaderSpec>,
    #[serde(default)]
    pub headers: Vec<HeaderSpec>,
    /// A JSON object sent as the body (string leaves are templates).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub body: Option<toml::Table>,
    /// What the function returns from the JSON response.
    pub returns: ReturnsSpec,
    /// Keep the result per origin until it expires.
    #[serde(default)]
    pub cache: Option<CacheSpec>,
    /// What the request is, in an error message (`"Acme token request"`).
    pub what: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnsSpec {
    /// The field of the response object (or of its first item, with `first_item`).
    pub field: String,
    /// The response is a list: return the field of its first item.
    #[serde(default)]
    pub first_item: bool,
    /// With `first_item`: the error message when the list is empty (a template).
    #[serde(default)]
    pub missing: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheSpec {
    /// The response field giving the lifetime in seconds (`expires_in`).
    pub expires_in: String,
    /// The lifetime when the response does not give one.
    #[serde(default = "default_lifetime")]
    pub default_seconds: u64,
    /// Seconds before expiry from which the value is fetched again.
    #[serde(default = "default_margin")]
    pub margin_seconds: u64,
}

fn default_lifetime() -> u64 {
    3600
}

fn default_margin() -> u64 {
    60
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Short id used in output (`"aurora"`).
    pub id: String,
    /// Human name (`"Khoros Community → Aurora"`).
    pub name: String,
    /// Code prefix every rule of the pack starts with (`"AUR"`).
    pub prefix: String,
    /// The vendor document the pack was written from.
    #[serde(default)]
    pub seed: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
}

/// What tells a call apart as this vendor's (SPEC §6 "signals"). Any one is enough.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signals {
    /// Host globs (`*.lithium.com`, `*khoros*`), matched case-insensitively.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Header names, case-insensitive.
    #[serde(default)]
    pub headers: Vec<String>,
    /// Substrings of the literal URL text (`/restapi/vc`, `/AdminInterface/`).
    #[serde(default)]
    pub path_contains: Vec<String>,
    /// Parameter names any one of which is a signal (`type_name`).
    #[serde(default)]
    pub params_any: Vec<String>,
    /// Groups of parameter names that are a signal when all are present (`company` + `apiKey`).
    #[serde(default)]
    pub params_all: Vec<Vec<String>>,
    /// RPC method names of the vendor's SDKs (`entity.delete`).
    #[serde(default)]
    pub rpc: Vec<String>,
    /// Case-insensitive substrings that mark the vendor's SDK (`janrain`, `apicall`).
    /// When given, an `rpc` name is a signal only with SDK evidence: one of them in the
    /// callee (`apicall(…)`), in how the receiver was made (`Api("https://…")`,
    /// `require('./janrain-client')(…)`) or in a module the file imports, or a literal
    /// of one of `hosts` in the file. Without it `X.call('entity.delete', …)` would be
    /// the vendor's for any `X` (a generic JSON-RPC client).
    #[serde(default)]
    pub rpc_sdk: Vec<String>,
    /// Case-insensitive substrings of the receiver, base-URL binding or URL hole
    /// expressions (`khoros` in `khoros.delete(…)` or `${KHOROS_BASE}`).
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Host globs of other services whose APIs have the same paths (Bitbucket's
    /// `/api/2.0/users`, Okta's `/api/v1/users`): a call to one of them never teaches
    /// the vendor a host, and the run's summary never names them as unknown hosts.
    #[serde(default)]
    pub lookalike_hosts: Vec<String>,
    /// Substrings of the URL of such services on any host (`/MAAS/`).
    #[serde(default)]
    pub lookalike_paths: Vec<String>,
    /// Path prefixes of the deprecated API (`/api/2.0`): URLs with one of them on a host
    /// with no signal of any vendor are counted in the run's summary, which names the
    /// hosts and the `<vendor>.hosts` setting that would make them signals. Never a
    /// finding.
    #[serde(default)]
    pub unknown_host_paths: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    /// One line for `apimigrate rules`.
    pub summary: String,
    /// The diagnostic message. Placeholders: `{{method}}`, `{{path}}`, `{{capture.NAME}}`,
    /// `{{param.NAME}}`, `{{vendor}}`. Single braces are literal text.
    pub message: String,
    /// Text of the primary label on the call.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(rename = "match")]
    pub matcher: Matcher,
    #[serde(default)]
    pub fix: Option<FixSpec>,
    pub docs: Docs,
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// Which calls a rule reports.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    /// What the rule looks at: each `call` (default) or the `file` as a whole.
    #[serde(default)]
    pub target: Target,
    /// Which signal the call must carry: its own vendor's (default), any vendor's, or none.
    #[serde(default)]
    pub signal: SignalRequirement,
    /// The call's method must be one of these (a computed method matches none).
    #[serde(default)]
    pub methods: Vec<String>,
    /// The call's method must be known and none of these.
    #[serde(default)]
    pub not_methods: Vec<String>,
    /// Path patterns, any of which must match the whole path: `/`-separated segments
    /// where `**` is any number of segments, `*` one segment, `{name}` one segment
    /// captured as `name`, anything else a literal segment.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Codes that, when reported on the same call, silence this rule ("any other …").
    #[serde(default)]
    pub unless: Vec<String>,
    /// Further conditions, all of which must hold.
    #[serde(default)]
    pub when: Vec<Condition>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    #[default]
    Call,
    File,
    /// Reported by the inline-suppression pass (`scan`/`suppress`), never matched on calls.
    Suppression,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SignalRequirement {
    #[default]
    Vendor,
    Any,
    None,
}

/// A named check. `label` (optional everywhere) is the text of the secondary label
/// put on the span the check points at.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(tag = "check", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Condition {
    /// The parameter is present (query, form, JSON body or RPC arguments).
    ParamPresent {
        param: String,
        #[serde(default)]
        label: Option<String>,
    },
    /// None of the parameters is present, and the call's parameters are all known.
    ParamsAbsent { params: Vec<String> },
    /// The parameter is present and not literally false (`false`, `"false"`, `0`).
    ParamTruthy {
        param: String,
        #[serde(default)]
        label: Option<String>,
    },
    /// The call's method is one of these (for use inside `any-of`; a rule that always
    /// needs a method uses `match.methods`).
    MethodIs {
        methods: Vec<String>,
        #[serde(default)]
        label: Option<String>,
    },
    /// The parameter is present and its value is not a literal.
    ParamNotLiteral {
        param: String,
        #[serde(default)]
        label: Option<String>,
    },
    /// The parameter is a literal string that does not contain `text`.
    ParamLiteralLacks {
        param: String,
        text: String,
        #[serde(default)]
        label: Option<String>,
    },
    /// The parameter is a literal that fails the named format check.
    ParamLiteralInvalid {
        param: String,
        format: Format,
        #[serde(default)]
        label: Option<String>,
    },
    /// More than `count` of the parameters are present.
    ParamsMoreThan {
        params: Vec<String>,
        count: usize,
        #[serde(default)]
        label: Option<String>,
    },
    /// Any of the parameters (every parameter when `params` is empty) is sent in the URL query.
    ParamsInQuery {
        #[serde(default)]
        params: Vec<String>,
        #[serde(default)]
        label: Option<String>,
    },
    /// The captured path segment identifies a user by e-mail (or by user name).
    SegmentIs {
        capture: String,
        kind: IdentifierKind,
        /// Literal segments that are never user identifiers (`lookup`, `search`).
        #[serde(default)]
        exclude: Vec<String>,
        #[serde(default)]
        label: Option<String>,
    },
    /// The JSON body's field is a literal of one of these types.
    JsonFieldType {
        field: String,
        types: Vec<JsonType>,
        #[serde(default)]
        label: Option<String>,
    },
    /// The JSON body (known here) lacks a required field or has fields outside `allowed`;
    /// a missing body counts as lacking.
    JsonBodyShape {
        required: Vec<String>,
        allowed: Vec<String>,
        #[serde(default)]
        label: Option<String>,
    },
    /// A literal body meant as JSON does not parse.
    BodyInvalidJson {
        #[serde(default)]
        label: Option<String>,
    },
    /// A plain string literal of the URL holds `{name}` placeholders that nothing
    /// formats (`'v1/users/{user_id}/markDeleted'` where an f-string was meant).
    UnformattedPlaceholder {
        #[serde(default)]
        label: Option<String>,
    },
    /// A literal credential is sent (API key, password, secret, bearer/Basic token).
    LiteralCredential {
        #[serde(default)]
        label: Option<String>,
    },
    /// A top-level field of the JSON body (for a GraphQL body, `query` is its query
    /// text) is a string that contains `text`; a value computed here (a template
    /// literal) counts by its source text. Labelled only with a `label`.
    JsonBodyMentions {
        field: String,
        text: String,
        #[serde(default)]
        label: Option<String>,
    },
    /// The JSON body's field is present and not literally false (`false`, `"false"`,
    /// `0`, `null`); with `if_unknown`, also when the body is not known here (built
    /// elsewhere, spread, computed). Labelled only with a `label`.
    JsonFieldTruthy {
        field: String,
        #[serde(default)]
        if_unknown: bool,
        #[serde(default)]
        label: Option<String>,
    },
    /// The code around the call judges its outcome by the HTTP status only: it checks
    /// the status (`res.ok`, `res.status === 200`), or awaits a client that rejects on
    /// error statuses (axios, got, ky, superagent, request-promise), and reads none of
    /// the `unless_reads` paths (dotted, e.g. `closeUserAccount.result`) from the body.
    /// The label goes on each status check (or on the `await`).
    JudgedByStatus {
        #[serde(default)]
        unless_reads: Vec<String>,
        #[serde(default)]
        label: Option<String>,
    },
    /// No other call of the file that matches `method` and `path` (and, when given,
    /// sends `field` = `value` in its JSON body; a body not known here may) comes before
    /// this one in the same function, a function enclosing it or one nested in it. With
    /// `same_capture`, a call whose captured segment is a different literal than this
    /// call's (same capture name in the rule's path) is about something else. Labelled
    /// (on the call) only with a `label`.
    NoPrecedingCall {
        #[serde(default)]
        method: Option<String>,
        #[schemars(with = "String")]
        path: PathPattern,
        #[serde(default)]
        field: Option<String>,
        #[serde(default)]
        value: Option<String>,
        #[serde(default)]
        same_capture: Option<String>,
        #[serde(default)]
        label: Option<String>,
    },
    /// The literal parameter's attribute path (before any `#element`) is not in the
    /// configured `janrain.schema`. Never holds without a schema.
    ParamNotInSchema {
        param: String,
        #[serde(default)]
        label: Option<String>,
    },
    /// The file could not be read or parsed (file-level rules only).
    Unparseable,
    /// At least one of the nested conditions holds.
    AnyOf { any: Vec<Condition> },
}

impl Condition {
    /// Whether the condition is about the value of one parameter or the body (a
    /// string `markDeleted`, a bare `key_value`, a body that is not JSON): a finding it
    /// holds for is reported at that value, the call being a secondary label.
    pub fn is_about_one_value(&self) -> bool {
        matches!(
            self,
            Condition::ParamTruthy { .. }
                | Condition::ParamNotLiteral { .. }
                | Condition::ParamLiteralLacks { .. }
                | Condition::ParamLiteralInvalid { .. }
                | Condition::ParamNotInSchema { .. }
                | Condition::JsonFieldType { .. }
                | Condition::BodyInvalidJson { .. }
        )
    }
}

/// Path patterns inside conditions are parsed when the rule file is loaded, so that a
/// bad one is reported with its file and line.
impl<'de> Deserialize<'de> for PathPattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let source = String::deserialize(d)?;
        PathPattern::parse(&source).map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Canonical 8-4-4-4-12 hexadecimal UUID.
    Uuid,
    /// A JSON literal (Janrain's `key_value`: strings must be double-quoted).
    JsonLiteral,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IdentifierKind {
    Email,
    EmailOrUsername,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JsonType {
    String,
    Number,
    Boolean,
    Null,
    Object,
    Array,
}

/// The fix a rule offers: what it is called, how far it may be trusted, and what it
/// does — a named `transform` of one part of the call, or a `rewrite` of the request
/// that the file's front end renders in its own language. A fix with neither is
/// advice only (shown in `help:`, never applied).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    pub applicability: Applicability,
    pub title: String,
    #[serde(default)]
    pub transform: Option<Transform>,
    #[serde(default)]
    pub rewrite: Option<RewriteSpec>,
}

/// Named edits of one part of a call (implemented in `rules::transforms`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Transform {
    /// Replace `from` with `to` in the URL's literal text, where it is written
    /// (including base-URL constants and `baseURL` options).
    ReplaceInUrl { from: String, to: String },
    /// Turn the JSON body field's string/number value into a boolean literal.
    JsonBoolean { field: String },
    /// Wrap the literal string parameter in double quotes (a JSON string literal).
    JsonQuoteParam { param: String },
    /// Repair a literal JSON body when exactly one small repair makes it parse.
    RepairJson,
    /// Replace the literal parameter's attribute path by the closest configured schema path.
    SchemaPath { param: String },
}

/// A rewrite of the request. Strings are templates: `{{capture.NAME}}` (a path
/// segment of the original URL, as its source expression), `{{config.learning360.role}}`,
/// `{{env:aurora.password}}` (read from the configured environment variable at run
/// time; `{{env:ACME_TOKEN}}` names the variable itself), `{{call:NAME}}` (the result of the pack's function NAME, called with the
/// call's origin), `{{id_of:capture.NAME|FUNCTION}}` (the segment, or when it is an
/// e-mail the id configured for it in the vendor's `user_ids`, else FUNCTION(origin,
/// e-mail) at run time), `{{const:NAME}}` (a constant of `constants`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RewriteSpec {
    #[serde(default)]
    pub method: Option<String>,
    /// The new path, from the origin on (the matched path and any prefix before it are
    /// replaced; the query is dropped unless `keep_query`).
    #[serde(default)]
    pub path: Option<String>,
    /// Keep the part of the path before the matched pattern (a community prefix).
    #[serde(default)]
    pub keep_prefix: bool,
    #[serde(default)]
    pub set_headers: Vec<HeaderSpec>,
    #[serde(default)]
    pub remove_headers: Vec<String>,
    /// Parameters to remove wherever they are sent (query, form, JSON body).
    #[serde(default)]
    pub drop_params: Vec<String>,
    /// Remove the whole query (the literal `?…` of the URL and any query option).
    #[serde(default)]
    pub drop_query: bool,
    #[serde(default)]
    pub body: Option<BodySpec>,
    /// How the response must be judged when its status alone does not say.
    #[serde(default)]
    pub check: Option<CheckSpec>,
    /// Values the rewritten code keeps in module-level constants; templates name them
    /// as `{{const:NAME}}`.
    #[serde(default)]
    pub constants: Vec<ConstantSpec>,
}

/// A check of the rewritten call's JSON response.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// The field, as keys joined by dots (`data.closeUserAccount.result`).
    pub path: String,
    /// The value it must hold.
    #[schemars(with = "serde_json::Value")]
    pub equals: toml::Value,
    /// The operation, in messages (`"<operation> failed"`).
    pub operation: String,
    /// Why the check is there, written above it.
    pub why: String,
    /// What a passing check means, where a check is named (a test's title).
    pub passed: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstantSpec {
    /// In SCREAMING_SNAKE_CASE.
    pub name: String,
    pub value: String,
    /// A one-line description, written above the constant.
    pub doc: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderSpec {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum BodySpec {
    /// Send no body.
    None,
    /// Send this JSON value (string leaves are templates).
    Json {
        #[schemars(with = "serde_json::Value")]
        value: toml::Value,
    },
    /// Send the call's parameters (query and body) as form fields.
    FormFromParams,
}

/// Documentation in ruff's fixed sections; feeds `apimigrate explain`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what: String,
    pub why: String,
    /// The language of `before` and `after` (their code fences): `js`, `py`, `rs`, `sh`.
    #[serde(default = "default_example_lang")]
    pub lang: String,
    pub before: String,
    #[serde(default)]
    pub after: Option<String>,
    pub fix_safety: String,
    #[serde(default)]
    pub references: Vec<String>,
}

/// An inline example, run by `apimigrate test-rules` and the test suite: `invalid` must
/// report the rule, `valid` must not; `fixed` is what `invalid` becomes with unsafe fixes.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    #[serde(default = "default_example_lang")]
    pub lang: String,
    #[serde(default)]
    pub valid: Option<String>,
    #[serde(default)]
    pub invalid: Option<String>,
    /// The `invalid` code after `apimigrate fix --unsafe-fixes` (compared trimmed).
    #[serde(default)]
    pub fixed: Option<String>,
    /// Configuration the example runs with (`apimigrate.toml` text; relative paths are
    /// relative to the rule file's folder).
    #[serde(default)]
    pub config: Option<String>,
}

fn default_example_lang() -> String {
    "js".into()
}

/// The JSON Schema of rule files, generated from these types: shipped as
/// `rules/rule-pack.schema.json` (kept current by a test) and printed by
/// `apimigrate rules --schema`. Draft 7, which editors' TOML and JSON support reads;
/// optional keys are just optional (TOML has no `null`).
pub fn json_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<RulePack>().to_value();
    drop_null(&mut schema);
    // `$schema`, `title` and `description` first, for people reading the file.
    let mut ordered = serde_json::Map::new();
    if let serde_json::Value::Object(mut map) = schema {
        map.insert("title".into(), "apimigrate rule pack".into());
        for key in ["$schema", "title", "description"] {
            if let Some(v) = map.shift_remove(key) {
                ordered.insert(key.into(), v);
            }
        }
        ordered.extend(map);
    }
    let mut text = serde_json::to_string_pretty(&ordered).expect("a schema serialises");
    text.push('\n');
    text
}

/// Removes `null` from a generated schema: `"default": null`, `null` in a `type`
/// list, and `{"type": "null"}` alternatives of an `anyOf`.
fn drop_null(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if map.get("default").is_some_and(Value::is_null) {
                map.shift_remove("default");
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(alternatives)) = map.get_mut("anyOf") {
                alternatives.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if alternatives.len() == 1 {
                    if let Some(Value::Object(only)) = alternatives.pop() {
                        map.shift_remove("anyOf");
                        for (k, x) in only {
                            map.entry(k).or_insert(x);
                        }
                    }
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}
