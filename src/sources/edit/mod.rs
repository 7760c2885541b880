//! Edits that change one setting of a file the way a person would: the value replaced in its
//! quoting style, a missing key inserted after the last child of the nearest mapping with the
//! file's indentation and line endings, a directive appended in its section. Fixes
//! (`model::Fix`) are made of them. Where an edit would risk the file (a flow mapping, an
//! anchor or alias, a block scalar, a config embedded in YAML) it is still made, so that it
//! can be shown, and `Planned::risk` says why it must not be applied.

pub mod flat;
pub mod yaml;

pub use crate::model::Edit;
pub use crate::model::fix::New;
pub use flat::FlatDoc;
pub use yaml::YamlDoc;

/// The edits of one change, and why they must only be shown, if they must.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Planned {
    pub edits: Vec<Edit>,
    /// Why applying the edits would risk the file (`None`: they are safe to apply).
    pub risk: Option<String>,
}

impl Planned {
    pub fn new(edits: Vec<Edit>) -> Planned {
        Planned { edits, risk: None }
    }

    pub fn risky(edits: Vec<Edit>, why: impl Into<String>) -> Planned {
        Planned {
            edits,
            risk: Some(why.into()),
        }
    }

    /// Both changes' edits; the first risk found is kept.
    pub fn and(mut self, other: Planned) -> Planned {
        self.edits.extend(other.edits);
        if self.risk.is_none() {
            self.risk = other.risk;
        }
        self
    }

    /// The fix of these edits at `applicability`, display-only when they are risky.
    pub fn fix(
        self,
        applicability: crate::model::Applicability,
        message: impl Into<String>,
    ) -> crate::model::Fix {
        crate::model::Fix::new(applicability, message, self.edits).downgraded_if(self.risk)
    }
}
