//! Fixes: the byte-range edits that make a finding go away, and how safe they are to apply
//! without a person reading them (ruff's model: `safe`, `unsafe`, `display-only`).

use super::span::Span;
use serde::{Deserialize, Serialize};

/// How safely a fix can be applied. Ordered from the least to the most applicable, so the
/// weaker of two is their `min`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown, never applied: the value is the user's to choose, or the edit would risk the
    /// file (a flow mapping, an anchor, a render).
    DisplayOnly,
    /// Applied with `--unsafe-fixes`: it keeps the file valid but may change what it means
    /// beyond the finding (a removed field, a rewritten metric).
    Unsafe,
    /// Applied with `--fix`: it changes only what the finding is about.
    Safe,
}

impl Applicability {
    /// Every applicability's name, as rule metadata writes it.
    pub const NAMES: [&'static str; 3] = ["safe", "unsafe", "display-only"];

    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }

    pub fn parse(name: &str) -> Option<Applicability> {
        match name {
            "safe" => Some(Applicability::Safe),
            "unsafe" => Some(Applicability::Unsafe),
            "display-only" => Some(Applicability::DisplayOnly),
            _ => None,
        }
    }
}

impl std::fmt::Display for Applicability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Replace the bytes of `span` with `replacement` (an empty span inserts, an empty
/// replacement deletes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(Span::point(at), text)
    }

    pub fn delete(span: Span) -> Edit {
        Edit::replace(span, "")
    }
}

/// A value to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum New {
    /// A string: written plain when plain YAML reads it back as this string, else quoted
    /// (in the style of the quoted scalar it replaces, else double quotes).
    Str(String),
    /// A number or a boolean, written plain exactly as given (`300`, `0`, `true`).
    Raw(String),
    /// A block mapping, keys in this order.
    Map(Vec<(String, New)>),
    /// A block sequence.
    Seq(Vec<New>),
}

impl New {
    pub fn str(s: impl Into<String>) -> New {
        New::Str(s.into())
    }

    pub fn int(i: i64) -> New {
        New::Raw(i.to_string())
    }

    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, New)>) -> New {
        New::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// A change a cross-resource rule asks for, at a path of mapping keys from an object's root:
/// the index holds projections, not texts, so the engine makes it into edits once the
/// file's text is at hand (`engine::report`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Set(Vec<String>, New),
    Remove(Vec<String>),
}

/// Changes to one object, to be made into edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The object's root span (its document), which finds it in the file again.
    pub object: Span,
    pub changes: Vec<Change>,
}

/// What would make a finding go away: edits in the finding's file, sorted and never
/// overlapping one another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in the imperative ("set `minReplicas` to 2").
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// Why a fix that would otherwise apply is only shown (an anchor, a flow mapping, a
    /// render that does not map exactly to its source).
    pub downgraded: Option<String>,
    /// The text its one edit's span must hold for the fix to apply: set on a fix moved from
    /// a render to the source line that wrote the value, checked (and cleared) once the
    /// source's text is at hand.
    pub requires: Option<String>,
    /// Changes not yet made into `edits` (see [`Request`]).
    pub request: Option<Request>,
}

impl Fix {
    /// A fix of `edits`, sorted; overlapping edits (a bug of the rule) make it display-only.
    pub fn new(
        applicability: Applicability,
        message: impl Into<String>,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort();
        let overlapping = edits
            .windows(2)
            .any(|w| matches!(w, [a, b] if b.span.start < a.span.end || (a.span == b.span && a.span.is_empty())));
        let mut fix = Fix {
            message: message.into(),
            applicability,
            edits,
            downgraded: None,
            requires: None,
            request: None,
        };
        if overlapping {
            fix.downgrade("its edits overlap");
        }
        fix
    }

    /// A fix whose edits the engine makes from `request`, once the file's text is read.
    pub fn requested(
        applicability: Applicability,
        message: impl Into<String>,
        request: Request,
    ) -> Fix {
        let mut fix = Fix::new(applicability, message, Vec::new());
        fix.request = Some(request);
        fix
    }

    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::Safe, message, edits)
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::Unsafe, message, edits)
    }

    pub fn display_only(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::DisplayOnly, message, edits)
    }

    /// Makes the fix display-only, saying why (the first reason is kept).
    pub fn downgrade(&mut self, why: impl Into<String>) {
        if self.applicability != Applicability::DisplayOnly {
            self.downgraded = Some(why.into());
            self.applicability = Applicability::DisplayOnly;
        }
    }

    /// Makes the fix display-only with no edits: they cannot be placed in the file the
    /// finding is in (a render's fix that does not map to its source).
    pub fn unplaceable(&mut self, why: impl Into<String>) {
        self.downgrade(why);
        self.edits.clear();
        self.requires = None;
        self.request = None;
    }

    /// The same fix, display-only when `why` is given.
    pub fn downgraded_if(mut self, why: Option<impl Into<String>>) -> Fix {
        if let Some(w) = why {
            self.downgrade(w);
        }
        self
    }

    /// The smallest span covering every edit (empty at 0 for a fix without edits).
    pub fn span(&self) -> Span {
        let mut it = self.edits.iter().map(|e| e.span);
        let first = it.next().unwrap_or_default();
        it.fold(first, Span::cover)
    }

    /// Whether it is applied at `threshold` (`Safe`: `--fix`; `Unsafe`: `--unsafe-fixes`).
    pub fn applies_at(&self, threshold: Applicability) -> bool {
        self.applicability != Applicability::DisplayOnly
            && self.applicability >= threshold
            && !self.edits.is_empty()
    }
}

/// `text` with `edits` applied; `None` when an edit is out of range, off a character
/// boundary, or overlaps another (edits are sorted here).
pub fn apply(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort();
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        if e.span.start < at || e.span.end < e.span.start {
            return None;
        }
        out.push_str(text.get(at..e.span.start)?);
        text.get(e.span.start..e.span.end)?;
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_of_position() {
        let text = "a: 1\nb: 2\n";
        let e1 = Edit::replace(Span::new(3, 4), "3");
        let e2 = Edit::insert(10, "c: 4\n");
        let e3 = Edit::delete(Span::new(5, 10));
        assert_eq!(
            apply(text, &[&e3, &e2, &e1]).as_deref(),
            Some("a: 3\nc: 4\n")
        );
    }

    #[test]
    fn overlapping_or_out_of_range_edits_apply_nothing() {
        let text = "é: 1\n";
        assert!(apply(text, &[&Edit::replace(Span::new(1, 2), "x")]).is_none());
        assert!(apply(text, &[&Edit::replace(Span::new(3, 99), "x")]).is_none());
        let a = Edit::replace(Span::new(0, 3), "x");
        let b = Edit::replace(Span::new(2, 4), "y");
        assert!(apply(text, &[&a, &b]).is_none());
    }

    #[test]
    fn a_fix_with_overlapping_edits_is_only_shown() {
        let f = Fix::safe(
            "x",
            vec![
                Edit::replace(Span::new(0, 3), "a"),
                Edit::replace(Span::new(2, 4), "b"),
            ],
        );
        assert_eq!(f.applicability, Applicability::DisplayOnly);
        assert!(!f.applies_at(Applicability::Unsafe));
        let g = Fix::unsafe_("y", vec![Edit::insert(0, "z")]);
        assert!(g.applies_at(Applicability::Unsafe) && !g.applies_at(Applicability::Safe));
    }
}
