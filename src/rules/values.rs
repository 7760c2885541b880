//! Values as the program that reads them sees them: each flat-format domain (`kafka`,
//! `redis`, `pgbouncer`) reads its settings once into a [`Read`], its rules judge the
//! values read, and `invalid-value` reports the [`Rejected`] ones.

use crate::model::Span;
use crate::sources::pgbouncer::shorten;

/// A value as the program that reads it sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Read<T> {
    /// What the program takes the value to be.
    Value(T),
    /// The program refuses the value; `expected` says what it accepts (a noun phrase:
    /// "an integer of at least 1").
    Rejected { expected: String },
    /// scalelint cannot tell what the program makes of it (a YAML float that may reach
    /// Kafka as an integer, a non-ASCII digit Java may read): nobody judges it.
    Unknown,
}

impl<T> Read<T> {
    /// The value, if the program reads one.
    pub fn value(self) -> Option<T> {
        match self {
            Read::Value(v) => Some(v),
            Read::Rejected { .. } | Read::Unknown => None,
        }
    }

    pub fn rejected(expected: impl Into<String>) -> Read<T> {
        Read::Rejected {
            expected: expected.into(),
        }
    }
}

/// A value the program refuses, as a domain reports it to this rule.
#[derive(Clone, Debug)]
pub struct Rejected {
    /// The value (or, for a missing argument, where it would be).
    pub span: Span,
    /// The setting as the file names it: `num.partitions`, `spec.replicas`,
    /// `sentinel monitor mymaster` quorum.
    pub setting: String,
    /// What is wrong, after the setting: "is `one`", "has 3 arguments".
    pub found: String,
    /// What the program accepts (a noun phrase).
    pub expected: String,
    /// Who refuses and what follows: "Kafka refuses to start".
    pub consequence: String,
    /// How the program reads such a value, for the help.
    pub how_read: String,
}

impl Rejected {
    /// `found` for a scalar value: "is `text`", the text as written (shortened), or "is
    /// empty".
    pub fn is(written: &str) -> String {
        if written.is_empty() {
            "is empty".to_string()
        } else {
            format!("is `{}`", shorten(written))
        }
    }
}
