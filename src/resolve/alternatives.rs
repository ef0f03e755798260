//! Values with alternatives: a URL part assigned in both arms of an `if`, a `match`,
//! `c ? a : b`, `x || 'https://…'`, a reassigned variable, an environment variable with
//! a default. The front ends find the alternatives in their own syntax; what is shared
//! is here: the caps, which alternative to take at each choice point while one call is
//! lowered, the combinations a call is lowered for, and how a combination is said.
//!
//! A front end lowers a call once with the first alternative everywhere, recording the
//! choice points it meets ([`Choices::pick`]); then once per further combination
//! ([`combinations`], at most [`MAX_VARIANTS`]), and keeps the distinct requests
//! ([`variants`]), each saying which alternative it is ([`said`]).
//!
//! Not for: finding alternatives (syntax is the front end's), or weighing them: every
//! alternative is a possible request.

use std::cell::RefCell;

/// How many alternatives one value may have (the rest are not followed).
pub const MAX_ALTERNATIVES: usize = 4;

/// How many choice points one call's URL may have (later ones take their first).
pub const MAX_CHOICE_POINTS: usize = 3;

/// How many requests the alternatives of one call give at most.
pub const MAX_VARIANTS: usize = 8;

/// A place where a URL part has several values.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoicePoint {
    /// The expression as written where it is met (`base`, `c ? a : b`).
    pub expr: String,
    /// Each alternative as written; `None` for a value only known at run time (the
    /// environment variable of `env::var("K").unwrap_or(…)`).
    pub alternatives: Vec<Option<String>>,
    /// The one taken.
    pub taken: usize,
    /// The alternatives are the files that set the value (env files: their paths),
    /// not expressions.
    pub set_in_files: bool,
}

/// The choices to make while one call is lowered, and the choice points met.
#[derive(Default)]
pub struct Choices {
    choices: RefCell<Vec<usize>>,
    met: RefCell<Vec<ChoicePoint>>,
}

impl Choices {
    /// Starts lowering a call with these choices at its choice points, in the order
    /// they are met (the first alternative where none is given).
    pub fn choose(&self, choices: Vec<usize>) {
        *self.choices.borrow_mut() = choices;
        self.met.borrow_mut().clear();
    }

    /// The choice points met since [`Choices::choose`].
    pub fn met(&self) -> Vec<ChoicePoint> {
        self.met.borrow().clone()
    }

    /// Whether another choice point may be recorded.
    pub fn room(&self) -> bool {
        self.met.borrow().len() < MAX_CHOICE_POINTS
    }

    /// Which of `alternatives` to take at the next choice point (met at `expr`),
    /// recording it.
    pub fn pick(&self, expr: &str, alternatives: Vec<Option<String>>) -> usize {
        self.record(expr, alternatives, false)
    }

    /// [`Choices::pick`] among the files that set the value met at `expr` (their
    /// paths): the message says which file (`` `process.env.API` is set in .env ``).
    pub fn pick_file(&self, expr: &str, files: Vec<String>) -> usize {
        self.record(expr, files.into_iter().map(Some).collect(), true)
    }

    fn record(&self, expr: &str, alternatives: Vec<Option<String>>, set_in_files: bool) -> usize {
        let mut met = self.met.borrow_mut();
        let taken = self
            .choices
            .borrow()
            .get(met.len())
            .copied()
            .unwrap_or(0)
            .min(alternatives.len().saturating_sub(1));
        met.push(ChoicePoint {
            expr: expr.to_string(),
            alternatives,
            taken,
            set_in_files,
        });
        taken
    }

    /// Sets the choices and choice points aside, for a lowering that is not the
    /// call's (see [`Choices::restore`]).
    pub fn save(&self) -> (Vec<usize>, Vec<ChoicePoint>) {
        (
            std::mem::take(&mut *self.choices.borrow_mut()),
            std::mem::take(&mut *self.met.borrow_mut()),
        )
    }

    /// Puts back what [`Choices::save`] set aside.
    pub fn restore(&self, saved: (Vec<usize>, Vec<ChoicePoint>)) {
        *self.choices.borrow_mut() = saved.0;
        *self.met.borrow_mut() = saved.1;
    }
}

/// The choices of each combination of choice points with these numbers of
/// alternatives, first choices first, the last point varying fastest; at most
/// [`MAX_VARIANTS`].
pub fn combinations(arities: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    for &arity in arities {
        let mut next = Vec::new();
        'all: for combo in &out {
            for k in 0..arity.max(1) {
                if next.len() >= MAX_VARIANTS {
                    break 'all;
                }
                let mut c = combo.clone();
                c.push(k);
                next.push(c);
            }
        }
        out = next;
    }
    out
}

/// What the alternatives taken are, for a message: `` `base` is `"https://…"` ``,
/// joined with "and".
pub fn said(points: &[ChoicePoint]) -> String {
    points
        .iter()
        .map(|p| {
            let expr = crate::call::shorten(&p.expr);
            match p.alternatives.get(p.taken).cloned().flatten() {
                Some(file) if p.set_in_files => format!("`{expr}` is set in {file}"),
                Some(alt) => format!("`{expr}` is `{}`", crate::call::shorten(&alt)),
                None => format!("`{expr}` is set at run time"),
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The requests a call with choice points makes: `first` (lowered with the first
/// alternatives, meeting `points`), then the call lowered again by `lower` for each
/// further combination (it returns the request and the choice points it met). A
/// request that `same` finds the same as one kept is kept once: `same` may move into
/// the kept one what the other adds (the definitions it read, when two env files set
/// the same URL). When more than one is left, each is labelled with the alternatives
/// it took (`label`).
pub fn variants<C>(
    first: C,
    points: Vec<ChoicePoint>,
    mut lower: impl FnMut(Vec<usize>) -> Option<(C, Vec<ChoicePoint>)>,
    mut same: impl FnMut(&mut C, &C) -> bool,
    mut label: impl FnMut(&mut C, String),
) -> Vec<C> {
    let arities: Vec<usize> = points.iter().map(|p| p.alternatives.len()).collect();
    let mut out: Vec<(C, Vec<ChoicePoint>)> = vec![(first, points)];
    for combo in combinations(&arities).into_iter().skip(1) {
        if let Some((c, taken)) = lower(combo) {
            if !out.iter_mut().any(|(o, _)| same(o, &c)) {
                out.push((c, taken));
            }
        }
    }
    if out.len() == 1 {
        return out.into_iter().map(|(c, _)| c).collect();
    }
    out.into_iter()
        .map(|(mut c, taken)| {
            label(&mut c, said(&taken));
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_are_capped_and_first_choices_come_first() {
        assert_eq!(combinations(&[2, 2]), [[0, 0], [0, 1], [1, 0], [1, 1]]);
        assert_eq!(combinations(&[4, 4, 4]).len(), MAX_VARIANTS);
        assert_eq!(combinations(&[4, 4, 4])[0], [0, 0, 0]);
    }

    #[test]
    fn choices_are_taken_in_the_order_met_and_said() {
        let c = Choices::default();
        c.choose(vec![1, 0]);
        let alts = || vec![Some("\"a\"".to_string()), None];
        assert_eq!(c.pick("base", alts()), 1);
        assert_eq!(c.pick("other", alts()), 0);
        // Beyond the alternatives there are: the last one.
        assert_eq!(c.pick("third", vec![Some("x".into())]), 0);
        let met = c.met();
        assert_eq!(
            said(&met[..2]),
            "`base` is set at run time and `other` is `\"a\"`"
        );
    }

    #[test]
    fn identical_variants_are_kept_once_and_a_single_one_is_not_labelled() {
        let points = vec![ChoicePoint {
            expr: "b".into(),
            alternatives: vec![Some("1".into()), Some("2".into()), Some("3".into())],
            taken: 0,
            set_in_files: false,
        }];
        let lower = |combo: Vec<usize>| {
            let mut p = points.clone();
            p[0].taken = combo[0];
            Some(((combo[0] % 2, String::new()), p))
        };
        let out = variants(
            (0, String::new()),
            points.clone(),
            lower,
            |a: &mut (usize, String), b| a.0 == b.0,
            |c, l| c.1 = l,
        );
        assert_eq!(
            out,
            [(0, "`b` is `1`".to_string()), (1, "`b` is `2`".to_string())]
        );
        let one = variants(
            (0, String::new()),
            points.clone(),
            |_| None,
            |a: &mut (usize, String), b| a.0 == b.0,
            |c, l| c.1 = l,
        );
        assert_eq!(one, [(0, String::new())]);
    }
}
