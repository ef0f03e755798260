//! `RewritePlan`: what a rewritten request is, decided once from pack data
//! (`rules::plan`) and spelled by each front end in its own language. Nothing here
//! names a vendor: functions the rewrite needs in the file, the check its response
//! must pass and the constants it hoists are all described by the plan.

use crate::model::call::{Extraction, HttpCall, Piece, Span};
use crate::model::finding::Edit;
use crate::model::source::SourceFile;

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
    /// The result of calling one of the plan's functions (`RewritePlan::functions`).
    /// Each argument is a string the code builds; the first is the API's origin.
    Call {
        function: String,
        args: Vec<Vec<Part>>,
    },
    /// A parameter of the function plan this text belongs to (`base`, `email`).
    Param(String),
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

impl RValue {
    /// The text of a string written as one literal.
    pub fn literal(&self) -> Option<&str> {
        match self {
            RValue::Str(parts) => match parts.as_slice() {
                [Part::Lit(t)] => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
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

/// How the rewritten call's JSON response must be judged: the request can succeed at
/// the HTTP level and still not have done its work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultCheck {
    /// The field of the response body, as keys from the root
    /// (`["data", "closeUserAccount", "result"]`).
    pub path: Vec<String>,
    /// The value the field must hold.
    pub expected: RValue,
    /// The operation, in messages (`"<operation> failed"`).
    pub operation: String,
    /// Why the check is there, written above it as a comment.
    pub why: String,
    /// What a passing check means, where a check is named (a test's title).
    pub passed: String,
}

impl ResultCheck {
    /// The field path joined by dots (`data.closeUserAccount.result`).
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }

    /// The last key of the path (`result`).
    pub fn field(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }

    /// The key that holds the field (`closeUserAccount`), when there is one.
    pub fn holder(&self) -> Option<&str> {
        let n = self.path.len();
        (n >= 2).then(|| self.path[n - 2].as_str())
    }

    /// The field with the key that holds it (`closeUserAccount.result`): what code that
    /// already judges the response reads.
    pub fn read_path(&self) -> String {
        let n = self.path.len();
        self.path[n.saturating_sub(2)..].join(".")
    }

    /// `"<operation> failed"`.
    pub fn failure(&self) -> String {
        format!("{} failed", self.operation)
    }
}

/// A value hoisted to a named constant (a GraphQL document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constant {
    /// In SCREAMING_SNAKE_CASE; each language adapts the case.
    pub name: String,
    pub value: String,
    /// A one-line description, written above it.
    pub doc: String,
}

/// A small request a rewrite needs as a function in the file (a token fetch, a
/// lookup), inserted once per file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionPlan {
    /// In snake_case (`acme_token`); each language adapts the case.
    pub name: String,
    /// A one-line description, written above it.
    pub doc: String,
    /// Parameter names; the first is the API's origin the URL starts with.
    pub params: Vec<String>,
    pub method: String,
    /// The path after the origin (`/api/v2/oauth2/token`).
    pub path: String,
    pub query: Vec<(String, Vec<Part>)>,
    pub headers: Vec<(String, Vec<Part>)>,
    /// JSON object fields sent as the body.
    pub body: Vec<(String, RValue)>,
    /// What the function returns from the JSON response.
    pub returns: Returns,
    /// Cache the result per origin until it expires.
    pub cache: Option<Cache>,
    /// What the request is, in an error message (`"token request"` → `"… failed: 500"`).
    pub what: String,
}

/// What a function returns from the JSON response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Returns {
    /// A field of the response object.
    Field(String),
    /// A field of the first item of the response list; `missing` is the error message
    /// when the list is empty.
    FirstItemField { field: String, missing: Vec<Part> },
}

impl Returns {
    pub fn field(&self) -> &str {
        match self {
            Returns::Field(f) | Returns::FirstItemField { field: f, .. } => f,
        }
    }
}

/// A cached result expires after the response's `expires_in` seconds (or `default`
/// seconds without it), less `margin` seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    pub expires_in: String,
    pub default_seconds: u64,
    pub margin_seconds: u64,
}

impl FunctionPlan {
    /// The functions this one calls (in its headers, query and body).
    pub fn calls(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for (_, parts) in self.headers.iter().chain(self.query.iter()) {
            calls_in(parts, &mut out);
        }
        out
    }

    /// The parts a header of this function is built from.
    pub fn header(&self, name: &str) -> Option<&[Part]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, p)| p.as_slice())
    }
}

fn calls_in<'a>(parts: &'a [Part], out: &mut Vec<&'a str>) {
    for p in parts {
        if let Part::Call { function, args } = p {
            out.push(function);
            for a in args {
                calls_in(a, out);
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RewritePlan {
    pub method: Option<String>,
    pub url: Option<NewUrl>,
    pub set_headers: Vec<(String, Vec<Part>)>,
    pub remove_headers: Vec<String>,
    pub drop_params: Vec<String>,
    /// Remove the URL's query string and any query option (`params`, `qs`, …).
    pub drop_query: bool,
    pub body: Option<NewBody>,
    /// The functions the rewritten call uses, each after the ones it calls.
    pub functions: Vec<FunctionPlan>,
    /// How the response must be judged, when the status alone does not say.
    pub check: Option<ResultCheck>,
    /// Values hoisted to module-level constants.
    pub constants: Vec<Constant>,
}

impl RewritePlan {
    pub fn function(&self, name: &str) -> Option<&FunctionPlan> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// The functions to insert into a file: those whose declaration (as the file's
    /// language writes its head, `function acmeToken`, `def acme_token(`) the text does
    /// not hold yet, each after the ones it calls. Every front end inserts through
    /// this, so a function is inserted once per file whatever the language.
    pub fn functions_to_insert(
        &self,
        text: &str,
        declaration: impl Fn(&FunctionPlan) -> String,
    ) -> Vec<&FunctionPlan> {
        self.functions
            .iter()
            .filter(|f| !text.contains(&declaration(f)))
            .collect()
    }

    /// The fields of an object `body` whose literal value the plan keeps in a module
    /// constant (a GraphQL document), with the constant.
    pub fn constant_fields<'a>(
        &'a self,
        body: &'a RValue,
    ) -> impl Iterator<Item = (&'a str, &'a Constant)> + 'a {
        let entries: &[(String, RValue)] = match body {
            RValue::Object(entries) => entries,
            _ => &[],
        };
        entries
            .iter()
            .filter_map(|(key, v)| Some((key.as_str(), self.constant_for(v.literal()?)?)))
    }

    /// The constant whose value is exactly this text.
    pub fn constant_for(&self, value: &str) -> Option<&Constant> {
        self.constants.iter().find(|c| c.value == value)
    }
}

/// Whether every part is literal text.
pub fn is_all_literal(parts: &[Part]) -> bool {
    parts.iter().all(|p| matches!(p, Part::Lit(_)))
}

/// `snake_case` → `camelCase`.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_joins_words() {
        assert_eq!(camel_case("acme_user_id"), "acmeUserId");
        assert_eq!(camel_case("token"), "token");
    }
}

/// Spells rewrite plans in a language's idiom. The plan says what the new request is
/// (decided once, from pack data, in `rules::plan`); a speller only writes it, and
/// never names a vendor. Each front end implements it; the rules are handed the file's
/// speller and never reach into a front end.
pub trait Spell: Sync {
    /// Each rewrite of a file's calls as edits of its text, or why it is left to a
    /// person: one result per item, each independent of the others. `parsed` is the
    /// file's extraction (its syntax tree spares a second parse); an empty one is read
    /// as "parse it yourself".
    fn spell(
        &self,
        file: &SourceFile,
        parsed: &Extraction,
        items: &[(&HttpCall, &RewritePlan)],
    ) -> Vec<Result<Vec<Edit>, String>>;

    /// Which edits of its literals a named transform may make in `file`: all of them,
    /// unless the format is never fixed.
    fn literal_edits(&self, file: &SourceFile) -> LiteralEdits {
        file.language
            .never_fixed()
            .map_or(LiteralEdits::Any, LiteralEdits::Never)
    }

    /// `true` or `false` as the language writes a boolean.
    fn boolean(&self, value: bool) -> &'static str {
        if value {
            "true"
        } else {
            "false"
        }
    }

    /// How the language puts a JSON text into a string the file has (see
    /// [`JsonQuoting`]).
    fn json_quoting(&self) -> JsonQuoting;
}

/// The edit that makes the string whose plainly written content is `text[span]` hold
/// `json` (a JSON text) instead, quoted as the language needs, or why that is left to
/// a person: `(text, span, json)`.
pub type JsonQuoting = fn(&str, &Span, &str) -> Result<Edit, String>;

/// Which in-place edits of a file's literals a named transform may make (see
/// [`Spell::literal_edits`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralEdits {
    /// Any: the literals are the language's own.
    Any,
    /// The literals sit inside JSON text (a notebook's cells, a JSON export): only a URL
    /// replacement whose new text needs no JSON escape.
    JsonText,
    /// The literals are YAML scalars: a URL part or a quoted boolean is replaced as
    /// written; quoting a value as JSON or repairing JSON text would need YAML's own
    /// quoting.
    Yaml,
    /// None: the file is never fixed, for this reason.
    Never(&'static str),
}
