//! The catalog: every rule of a project (the built-in ones and its custom rules) with its
//! metadata. It is a value, built once per project and passed to configuration parsing, rule
//! set construction, suppressions, docs and SARIF; two projects in one process (a language
//! server's workspaces, a test) each have their own.

use super::custom::Def;
use super::meta::{self, MetadataError, RuleMeta};
use super::rule::{Declaration, Implementation};
use std::sync::Arc;

/// How a catalogued rule runs.
#[derive(Clone, Debug)]
pub enum RuleImpl {
    Builtin(Implementation),
    Custom(Arc<Def>),
}

/// One rule of the catalog.
#[derive(Clone, Debug)]
pub struct Entry {
    pub meta: RuleMeta,
    pub implementation: RuleImpl,
}

/// The rules of a project, sorted by name. Cheap to clone (shared).
#[derive(Clone, Debug)]
pub struct Catalog {
    entries: Arc<[Entry]>,
}

/// A catalog that cannot be built: broken built-in metadata, or custom rules that clash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogError {
    Metadata(MetadataError),
    /// A rule declared twice, or a metadata file no rule declares.
    Declarations(String),
    /// A custom rule whose name is taken; `at` is `path:line:col` of its name.
    CustomName {
        at: String,
        message: String,
    },
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CatalogError::Metadata(e) => e.fmt(f),
            CatalogError::Declarations(m) => f.write_str(m),
            CatalogError::CustomName { at, message } => write!(f, "{at}: {message}"),
        }
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// The catalog of these declared rules, each with its metadata file. Every metadata file
    /// must belong to a declared rule, and no rule may be declared twice.
    pub fn new(
        declarations: impl IntoIterator<Item = &'static Declaration>,
    ) -> Result<Catalog, CatalogError> {
        // Each rule's metadata is read from JSON made at build time (see `meta::builtin`):
        // every run of the CLI starts here, and 65 files take ~0.35 ms on one core.
        let mut entries = declarations
            .into_iter()
            .map(|d| {
                let meta = meta::builtin(d.domain, d.name).map_err(CatalogError::Metadata)?;
                Ok(Entry {
                    meta,
                    implementation: RuleImpl::Builtin(d.implementation),
                })
            })
            .collect::<Result<Vec<Entry>, CatalogError>>()?;
        entries.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        if let Some(w) = entries.windows(2).find(|w| match w {
            [a, b] => a.meta.name == b.meta.name,
            _ => false,
        }) && let Some(e) = w.first()
        {
            return Err(CatalogError::Declarations(format!(
                "rule `{}` is declared twice",
                e.meta.name
            )));
        }
        for (domain, name) in meta::builtin_files() {
            if !entries
                .iter()
                .any(|e| e.meta.name == name && e.meta.domain == domain)
            {
                return Err(CatalogError::Declarations(format!(
                    "rules/{domain}/{name}.yaml: no rule of that name is declared in domain `{domain}`"
                )));
            }
        }
        Ok(Catalog {
            entries: entries.into(),
        })
    }

    /// This catalog with custom rules added. A custom rule may not take the name of a
    /// built-in rule, of another custom rule, or `all` (the suppression keyword).
    pub fn with_custom(&self, defs: Vec<Def>) -> Result<Catalog, CatalogError> {
        let mut entries: Vec<Entry> = self.entries.to_vec();
        for def in defs {
            let name = def.meta.name.as_ref();
            if name == "all" || entries.iter().any(|e| e.meta.name == name) {
                let message = match entries.iter().find(|e| e.meta.name == name) {
                    Some(Entry {
                        implementation: RuleImpl::Custom(other),
                        ..
                    }) => format!(
                        "custom rule `{name}` is also defined in {}",
                        super::shown_path(&other.path)
                    ),
                    _ => format!("custom rule `{name}` has the name of a built-in rule"),
                };
                return Err(CatalogError::CustomName {
                    at: def.name_at().to_string(),
                    message,
                });
            }
            entries.push(Entry {
                meta: def.meta.clone(),
                implementation: RuleImpl::Custom(Arc::new(def)),
            });
        }
        entries.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        Ok(Catalog {
            entries: entries.into(),
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every rule's metadata, sorted by name.
    pub fn metas(&self) -> impl Iterator<Item = &RuleMeta> {
        self.entries.iter().map(|e| &e.meta)
    }

    /// Every rule's name, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.metas().map(|m| m.name.as_ref()).collect()
    }

    pub fn find(&self, name: &str) -> Option<&RuleMeta> {
        self.metas().find(|m| m.name == name)
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.meta.name == name)
    }

    /// A rule by name, whatever its case (`explain HPA-MIN-REPLICAS`): names are lower-case.
    pub fn find_any_case(&self, name: &str) -> Option<&RuleMeta> {
        self.metas().find(|m| m.name.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NO_METADATA: [Declaration; 3] = [
        Declaration {
            name: "first-without-metadata",
            domain: "k8s",
            file: file!(),
            implementation: Implementation::Reported,
        },
        Declaration {
            name: "second-without-metadata",
            domain: "k8s",
            file: file!(),
            implementation: Implementation::Reported,
        },
        Declaration {
            name: "third-without-metadata",
            domain: "hpa",
            file: file!(),
            implementation: Implementation::Reported,
        },
    ];

    /// Of several declarations without metadata, the error names the first.
    #[test]
    fn the_first_bad_declaration_is_reported() {
        let err = Catalog::new(NO_METADATA.iter())
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("rules/k8s/first-without-metadata.yaml")),
            "{err:?}"
        );
    }
}
