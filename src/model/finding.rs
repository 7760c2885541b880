//! Findings: what rules report.

use super::fix::Fix;
use super::object::FileId;
use super::span::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    /// Every level's name, as configuration and custom rules write it.
    pub const NAMES: [&'static str; 3] = ["error", "warning", "info"];

    /// The level a name stands for (`error`, `warning`, `info`).
    pub fn parse(name: &str) -> Option<Level> {
        match name {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place that explains a finding (the HPA that targets this Deployment,
/// the first of two duplicate keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    /// Shared: a label about one object is often the same text in many findings (each of
    /// thousands of autoscalers of one Deployment names the same ten others).
    pub message: std::sync::Arc<str>,
}

impl Label {
    /// The start of the message of the label a finding moved from a rendered place to its
    /// source keeps there (Kustomize overlays, Helm charts).
    pub const RENDERED: &'static str = "as rendered";

    /// The label of the rendered place a finding moved from; `render` names the overlay or
    /// chart render, when there is one.
    pub fn rendered(file: FileId, span: Span, render: Option<&str>) -> Label {
        Label {
            file,
            span,
            message: Label::rendered_message(render).into(),
        }
    }

    /// The message of [`Label::rendered`].
    pub fn rendered_message(render: Option<&str>) -> String {
        match render {
            Some(r) => format!("{} for `{r}`", Label::RENDERED),
            None => Label::RENDERED.to_string(),
        }
    }

    /// Whether this is the label of a rendered place.
    pub fn is_rendered_place(&self) -> bool {
        self.message.starts_with(Label::RENDERED)
    }
}

/// A finding's rule name, help or caret label: borrowed from the binary when it is a literal
/// (a built-in rule's name and most helps are the same for every finding of the rule, so a run
/// with 500,000 findings keeps one copy, not one each), owned for custom rules and for texts
/// made per finding.
pub type Text = std::borrow::Cow<'static, str>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Text,
    pub level: Level,
    pub message: String,
    pub file: FileId,
    /// The primary span.
    pub span: Span,
    /// What the caret under the primary span says (may be empty).
    pub label: Text,
    pub labels: Vec<Label>,
    pub help: Option<Text>,
    /// Where the finding is, by object and field rather than line (see `engine::locate`);
    /// filled by the engine, the basis of SARIF fingerprints.
    pub locator: Box<str>,
    /// Set when a suppression comment or annotation silenced this finding: it is then kept
    /// out of every output but SARIF, which shows it as dismissed.
    /// Boxed, as `fix`: few findings are suppressed.
    pub suppression: Option<Box<Suppression>>,
    /// What would make the finding go away: edits in `file` (see [`Fix`]).
    /// Boxed: most findings have none, and a finding is kept per problem found.
    pub fix: Option<Box<Fix>>,
}

/// Why a finding was suppressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The text after `--` in the comment or annotation, if any.
    pub reason: Option<String>,
    /// Silenced from outside the source (a baseline file), not by a comment or annotation.
    pub external: bool,
}

impl Finding {
    pub fn new(
        rule: impl Into<Text>,
        level: Level,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            level,
            message: message.into(),
            file,
            span,
            label: Text::Borrowed(""),
            labels: Vec::new(),
            help: None,
            locator: Box::default(),
            suppression: None,
            fix: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<Text>) -> Finding {
        self.label = label.into();
        self
    }

    pub fn with_secondary(
        mut self,
        file: FileId,
        span: Span,
        message: impl Into<std::sync::Arc<str>>,
    ) -> Finding {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(Box::new(fix));
        self
    }

    /// With `fix`, when there is one.
    pub fn with_fix_opt(mut self, fix: Option<Fix>) -> Finding {
        if let Some(fix) = fix {
            self.fix = Some(Box::new(fix));
        }
        self
    }

    pub fn with_help(mut self, help: impl Into<Text>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

#[cfg(test)]
mod tests {
    /// A run keeps every finding until it is rendered (483,000 for one Deployment behind
    /// 96,000 autoscalers): what is rarely set is boxed, texts that rarely vary are borrowed.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn findings_stay_small() {
        assert_eq!(std::mem::size_of::<super::Finding>(), 184);
        assert_eq!(std::mem::size_of::<super::Label>(), 40);
    }
}
