//! The data model shared by every source format and rule.

pub mod finding;
pub mod fix;
pub mod node;
pub mod object;
pub mod pack;
pub mod span;

pub use finding::{Finding, Label, Level, Suppression, Text};
pub use fix::{Applicability, Edit, Fix};
pub use node::{Entry, Node, Resolved, Scalar, ScalarStyle, Value};
pub use object::{FileId, Format, Object};
pub use span::{ColumnUnit, LineCol, SourceFile, Span, folder};
