//! Every wrong-typed or missing field in a file, not only the first.
//!
//! serde stops at the first field it cannot read. To report the others in the same error,
//! the text is read again as a plain value tree; each field serde stops at is recorded and then
//! patched with a stand-in of a type that reads (a number, text, a table, a list or a yes/no,
//! whichever serde accepts there), and reading is retried. The stand-ins are never used:
//! they only let serde get past the field to the next problem.
//!
//! When every field patched was a number given as something else (or missing), outside
//! `[meta]`, the patched file is then checked with the usual range rules, so a value out of
//! range is listed beside the wrong types. A problem at or around a patched field (its own
//! value, or the table holding it) is left out, as it would come from the stand-in; a file
//! that needed any other patch (a table, a list, text, a year, `[meta]`) is not range-checked,
//! since its other checks could depend on the stand-in.

use super::{Scenario, field_path, plain_types};
use crate::error::Issue;
use serde_path_to_error::Segment;

/// At most this many further problems are collected (each costs one read of the file).
const MAX_MORE: usize = 50;

/// A value tree of one file format.
trait Tree: Clone + Sized {
    /// Read the tree as a scenario, naming the field of the first problem.
    fn read(self) -> Result<Scenario, serde_path_to_error::Error<Self::Error>>;
    type Error: std::fmt::Display;
    /// The child at one path segment, if there is one.
    fn child(&mut self, seg: &Segment) -> Option<&mut Self>;
    /// For a missing field `key` of a table: the table, to insert a stand-in into.
    fn insert(&mut self, key: &str, value: Self) -> bool;
    /// Remove the entry at one path segment (a table key); false if there is none.
    fn remove(&mut self, seg: &Segment) -> bool;
    /// Stand-ins of every basic type.
    fn stand_ins() -> Vec<Self>;
    /// Whether this is a number.
    fn is_number(&self) -> bool;
    /// A different number of the same kind (1 for a number stand-in of 0).
    fn other_number(&self) -> Self;
}

impl Tree for toml::Value {
    type Error = toml::de::Error;
    fn read(self) -> Result<Scenario, serde_path_to_error::Error<toml::de::Error>> {
        serde_path_to_error::deserialize(self)
    }
    fn child(&mut self, seg: &Segment) -> Option<&mut Self> {
        match (self, seg) {
            (toml::Value::Table(t), Segment::Map { key } | Segment::Enum { variant: key }) => {
                t.get_mut(key.as_str())
            }
            (toml::Value::Array(a), Segment::Seq { index }) => a.get_mut(*index),
            _ => None,
        }
    }
    fn insert(&mut self, key: &str, value: Self) -> bool {
        match self {
            toml::Value::Table(t) => t.insert(key.to_string(), value).is_none(),
            _ => false,
        }
    }
    fn remove(&mut self, seg: &Segment) -> bool {
        match (self, seg) {
            (toml::Value::Table(t), Segment::Map { key } | Segment::Enum { variant: key }) => {
                t.remove(key.as_str()).is_some()
            }
            _ => false,
        }
    }
    fn stand_ins() -> Vec<Self> {
        vec![
            toml::Value::Float(0.0),
            toml::Value::Integer(0),
            toml::Value::String("2024-25".into()),
            toml::Value::Table(toml::Table::new()),
            toml::Value::Array(Vec::new()),
            toml::Value::Boolean(false),
        ]
    }
    fn is_number(&self) -> bool {
        matches!(self, toml::Value::Float(_) | toml::Value::Integer(_))
    }
    fn other_number(&self) -> Self {
        match self {
            toml::Value::Integer(_) => toml::Value::Integer(1),
            _ => toml::Value::Float(1.0),
        }
    }
}

impl Tree for serde_json::Value {
    type Error = serde_json::Error;
    fn read(self) -> Result<Scenario, serde_path_to_error::Error<serde_json::Error>> {
        serde_path_to_error::deserialize(self)
    }
    fn child(&mut self, seg: &Segment) -> Option<&mut Self> {
        match (self, seg) {
            (
                serde_json::Value::Object(t),
                Segment::Map { key } | Segment::Enum { variant: key },
            ) => t.get_mut(key.as_str()),
            (serde_json::Value::Array(a), Segment::Seq { index }) => a.get_mut(*index),
            _ => None,
        }
    }
    fn insert(&mut self, key: &str, value: Self) -> bool {
        match self {
            serde_json::Value::Object(t) => t.insert(key.to_string(), value).is_none(),
            _ => false,
        }
    }
    fn remove(&mut self, seg: &Segment) -> bool {
        match (self, seg) {
            (
                serde_json::Value::Object(t),
                Segment::Map { key } | Segment::Enum { variant: key },
            ) => t.shift_remove(key.as_str()).is_some(),
            _ => false,
        }
    }
    fn stand_ins() -> Vec<Self> {
        vec![
            serde_json::json!(0.0),
            serde_json::json!(0),
            serde_json::json!("2024-25"),
            serde_json::json!({}),
            serde_json::json!([]),
            serde_json::json!(false),
        ]
    }
    fn is_number(&self) -> bool {
        self.is_number()
    }
    fn other_number(&self) -> Self {
        if self.is_f64() {
            serde_json::json!(1.0)
        } else {
            serde_json::json!(1)
        }
    }
}

/// The problems after the first (at `first`) in TOML text; empty when the text does not
/// parse as TOML.
pub(super) fn more_toml(text: &str, first: &str) -> Vec<Issue> {
    match text.parse::<toml::Table>() {
        Ok(t) => more(toml::Value::Table(t), first),
        Err(_) => Vec::new(),
    }
}

/// The problems after the first (at `first`) in a JSON file already read as a value tree
/// (one with `NaN` or `Infinity`, see `json_with_non_finite`).
pub(super) fn more_value(v: toml::Value, first: &str) -> Vec<Issue> {
    more(v, first)
}

/// The problems after the first (at `first`) in JSON text.
pub(super) fn more_json(text: &str, first: &str) -> Vec<Issue> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => more(v, first),
        Err(_) => Vec::new(),
    }
}

/// A missing field's name, from serde's "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
}

/// The first problem reading `tree`: its path segments, dotted path, message and the dotted
/// path of the field itself (for a missing field, the table's path plus its name). None if the
/// tree reads.
struct Problem {
    segs: Vec<Segment>,
    path: String,
    message: String,
    field: String,
}

fn first_problem<T: Tree>(tree: T) -> Option<Problem> {
    let e = tree.read().err()?;
    let segs: Vec<Segment> = e.path().iter().cloned().collect();
    let path = field_path(e.path());
    // (A value tree's errors end with "in `field`"; the path says that already.)
    let inner = e.into_inner().to_string();
    let message = inner.split("\nin `").next().unwrap_or("").to_string();
    let field = match missing_field(&message) {
        Some(name) if path.is_empty() => name.to_string(),
        Some(name) => format!("{path}.{name}"),
        None => path.clone(),
    };
    Some(Problem {
        segs,
        path,
        message,
        field,
    })
}

fn more<T: Tree>(mut tree: T, first: &str) -> Vec<Issue> {
    let mut out: Vec<Issue> = Vec::new();
    let mut seen = vec![first.to_string()];
    let mut patched_first = false;
    // Fields holding a stand-in: problems inside one come from the stand-in, not the file.
    let mut stand_ins: Vec<String> = Vec::new();
    // Whether every stand-in so far is a number outside `[meta]` (then range checks can run).
    let mut only_numbers = true;
    // Where each number stand-in sits in the tree.
    let mut numbers: Vec<Vec<Segment>> = Vec::new();
    let mut reads = false;
    while out.len() < MAX_MORE {
        let Some(p) = first_problem(tree.clone()) else {
            reads = true;
            break;
        };
        if stand_ins.iter().any(|f| inside(&p.path, f)) {
            match patch(&mut tree, &p) {
                Some(number) => only_numbers &= number,
                None => break,
            }
            continue;
        }
        // The first problem was reported already: patch it without reporting it again.
        let is_first = !patched_first && (p.path == first || p.field == first);
        if !is_first {
            if seen.contains(&p.field) {
                break; // no stand-in got past this field
            }
            // (A missing top-level section has no path of its own: name the section.)
            let at = if p.path.is_empty() { &p.field } else { &p.path };
            out.push(Issue::new(at.clone(), plain_types(p.message.trim_end())));
            seen.push(p.field.clone());
        }
        patched_first |= is_first;
        match patch(&mut tree, &p) {
            Some(number) => only_numbers &= number && !inside(&p.field, "meta"),
            None => break,
        }
        numbers.push(number_at(&p));
        stand_ins.push(p.field);
    }
    if reads && only_numbers && out.len() < MAX_MORE {
        out.extend(range_problems(&tree, &numbers, &stand_ins).take(MAX_MORE - out.len()));
    }
    out
}

/// Where a number stand-in for problem `p` sits: at the field, or (a missing field) inside
/// its table under the field's name.
fn number_at(p: &Problem) -> Vec<Segment> {
    let mut segs = p.segs.clone();
    if let Some(name) = missing_field(&p.message) {
        segs.push(Segment::Map {
            key: name.to_string(),
        });
    }
    segs
}

/// The range problems of `tree`, whose fields at `numbers` hold number stand-ins: those the
/// scenario's validation finds both with the stand-ins and with a different number in each
/// place (a problem whose message quotes a stand-in, such as a sum another field is checked
/// against, changes with it and is left out), and not at or around a stand-in's own field.
fn range_problems<T: Tree>(
    tree: &T,
    numbers: &[Vec<Segment>],
    stand_ins: &[String],
) -> impl Iterator<Item = Issue> {
    let mut other = tree.clone();
    for segs in numbers {
        if let Some(node) = node_at(&mut other, segs) {
            *node = node.other_number();
        }
    }
    let issues = |t: &T| t.clone().read().ok().map(|s| super::validate::validate(&s));
    let kept = match (issues(tree), issues(&other)) {
        (Some(a), Some(b)) => a.into_iter().filter(|i| b.contains(i)).collect(),
        _ => Vec::new(),
    };
    let around = |i: &Issue| {
        stand_ins
            .iter()
            .any(|f| inside(&i.path, f) || inside(f, &i.path))
    };
    kept.into_iter().filter(move |i| !around(i))
}

/// The node at `segs`, if the tree has one.
fn node_at<'a, T: Tree>(tree: &'a mut T, segs: &[Segment]) -> Option<&'a mut T> {
    let mut node = tree;
    for s in segs {
        node = node.child(s)?;
    }
    Some(node)
}

/// Is `path` the field `f` or inside it?
fn inside(path: &str, f: &str) -> bool {
    path == f
        || path
            .strip_prefix(f)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Get serde past the field of `p`: first a stand-in after which the next problem is outside
/// that field; else removing the field (most are optional); else a stand-in whose own missing
/// parts are patched in turn (a section written as a number). `Some(whether the stand-in is a
/// number)`, or None when nothing works.
fn patch<T: Tree>(tree: &mut T, p: &Problem) -> Option<bool> {
    let missing = missing_field(&p.message).map(str::to_string);
    let past = |t: &T, strict: bool| {
        first_problem(t.clone())
            .is_none_or(|q| q.field != p.field && (!strict || !inside(&q.path, &p.field)))
    };
    let with = |stand_in: T| -> Option<T> {
        let mut trial = tree.clone();
        let node = node_at(&mut trial, &p.segs)?;
        match &missing {
            Some(name) => node.insert(name, stand_in).then_some(())?,
            None => *node = stand_in,
        }
        Some(trial)
    };
    for strict in [true, false] {
        for stand_in in T::stand_ins() {
            let number = stand_in.is_number();
            if let Some(trial) = with(stand_in)
                && past(&trial, strict)
            {
                *tree = trial;
                return Some(number);
            }
        }
        if strict
            && missing.is_none()
            && let Some((last, parent)) = p.segs.split_last()
        {
            let mut trial = tree.clone();
            if node_at(&mut trial, parent).is_some_and(|n| n.remove(last)) && past(&trial, true) {
                *tree = trial;
                return Some(false);
            }
        }
    }
    None
}
