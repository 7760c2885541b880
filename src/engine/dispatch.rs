//! Rule dispatch: the enabled rules, and everything done to one file before the
//! cross-resource rules (per-object rules, locators, suppression directives, projection).

use super::catalog::{Catalog, RuleImpl};
use super::config;
use super::custom::CustomRule;
use super::index::Index;
use super::kustomize::trace::Provenance;
use super::meta::RuleMeta;
use super::projection::{Packer, Projections};
use super::read::{Origin, Read, Treat};
use super::rule::{Ctx, Implementation, IndexCtx, IndexRule, ObjectRule, Target};
use super::{Error, locate, projection, suppress};
use crate::model::{Finding, Format, Level, Object, SourceFile};
use crate::sources::classify;
use crate::sources::{self, LoadedFile};
use std::collections::{HashMap, HashSet};

/// The enabled rules of a catalog, with their parameters and levels, ready to dispatch.
pub struct RuleSet {
    catalog: Catalog,
    /// Per-object rules, each with its catalog entry's index.
    object_rules: Vec<(Box<dyn ObjectRule>, usize)>,
    /// Cross-resource rules, each with its catalog entry's index.
    index_rules: Vec<(Box<dyn IndexRule>, usize)>,
    /// Kubernetes kind → the per-object rules that may apply.
    by_kind: HashMap<String, Vec<usize>>,
    /// Other format → the per-object rules that may apply.
    by_format: HashMap<Format, Vec<usize>>,
    /// Rules turned off by configuration (the reported rules, which the engine and parsers
    /// report themselves, are filtered by this). Never an always-on rule
    /// (`RuleMeta::always_on`).
    pub(super) off: HashSet<String>,
    /// Level overrides: replace every level the rule reports at.
    pub(super) levels: HashMap<String, Level>,
}

impl RuleSet {
    /// Every rule of the catalog with its default parameters.
    pub fn defaults(catalog: &Catalog) -> Result<RuleSet, Error> {
        RuleSet::new(catalog, &config::Config::default())
    }

    /// The rules of `catalog` a configuration enables, with its levels and parameters (merged
    /// onto the metadata defaults; the configuration was checked when parsed).
    pub fn new(catalog: &Catalog, config: &config::Config) -> Result<RuleSet, Error> {
        let mut object_rules = Vec::new();
        let mut index_rules = Vec::new();
        let mut off = HashSet::new();
        let mut levels = HashMap::new();
        for (i, entry) in catalog.entries().iter().enumerate() {
            let meta = &entry.meta;
            let name = meta.name.as_ref();
            let mut params = meta.default_params();
            if let Some(rc) = config.rules.get(name) {
                // An always-on rule ignores `off` (the configuration and the CLI warn when
                // it is named); its level still applies.
                if rc.off && !meta.always_on {
                    off.insert(name.to_string());
                    continue;
                }
                if let Some(l) = rc.level {
                    levels.insert(name.to_string(), l);
                }
                config::merge(&mut params, &serde_json::Value::Object(rc.params.clone()));
            }
            match &entry.implementation {
                RuleImpl::Builtin(Implementation::Object(build)) => {
                    object_rules.push((build(&params).map_err(Error::Params)?, i));
                }
                RuleImpl::Builtin(Implementation::Index(build)) => {
                    index_rules.push((build(&params).map_err(Error::Params)?, i));
                }
                RuleImpl::Builtin(Implementation::Reported) => {}
                RuleImpl::Custom(def) => {
                    let rule = CustomRule::new(def.clone()).map_err(Error::Params)?;
                    object_rules.push((Box::new(rule) as Box<dyn ObjectRule>, i));
                }
            }
        }
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_format: HashMap<Format, Vec<usize>> = HashMap::new();
        for (i, (rule, _)) in object_rules.iter().enumerate() {
            match rule.target() {
                Target::Kinds(kinds) => {
                    for k in kinds {
                        by_kind.entry(k.name().to_string()).or_default().push(i);
                    }
                }
                Target::Objects { kinds, .. } => {
                    for k in kinds.iter() {
                        by_kind.entry(k.to_string()).or_default().push(i);
                    }
                }
                Target::Format { format, .. } => by_format.entry(format).or_default().push(i),
                Target::Formats(formats) => {
                    for &format in formats {
                        by_format.entry(format).or_default().push(i);
                    }
                }
            }
        }
        Ok(RuleSet {
            catalog: catalog.clone(),
            object_rules,
            index_rules,
            by_kind,
            by_format,
            off,
            levels,
        })
    }

    /// The catalog the rules come from.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn meta(&self, entry: usize) -> Option<&RuleMeta> {
        self.catalog.entries().get(entry).map(|e| &e.meta)
    }

    /// Whether rule `name` runs.
    pub fn runs(&self, name: &str) -> bool {
        !self.off.contains(name) && self.catalog.find(name).is_some()
    }

    /// How many rules run (the reported ones included).
    pub fn len(&self) -> usize {
        self.catalog.entries().len() - self.off.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rules that apply to `obj`.
    fn rules_for(&self, obj: &Object) -> Vec<usize> {
        // The maps narrow the candidates by kind or format; the target decides.
        let candidates = if obj.format == Format::Kubernetes {
            self.by_kind.get(obj.kind.as_str())
        } else {
            self.by_format.get(&obj.format)
        };
        candidates
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                self.object_rules
                    .get(i)
                    .is_some_and(|(rule, _)| rule.target().applies_to(obj))
            })
            .collect()
    }

    fn check_objects(&self, file: &SourceFile, objects: &[Object], out: &mut Vec<Finding>) {
        for obj in objects {
            for i in self.rules_for(obj) {
                if let Some((rule, entry)) = self.object_rules.get(i)
                    && let Some(meta) = self.meta(*entry)
                {
                    let mut cx = Ctx {
                        obj,
                        file,
                        meta,
                        out,
                    };
                    rule.check(&mut cx);
                }
            }
        }
    }

    /// Every cross-resource rule over `index`, the rules side by side on rayon's threads (they
    /// only read the index; a tenth of a second of a 30,000-file run on one thread), their
    /// findings in the rules' order.
    pub(super) fn check_index(&self, index: &Index<'_>) -> Vec<Finding> {
        use rayon::prelude::*;
        let each: Vec<Vec<Finding>> = self
            .index_rules
            .par_iter()
            .map(|(rule, entry)| {
                let mut out = Vec::new();
                if let Some(meta) = self.meta(*entry) {
                    let mut cx = IndexCtx {
                        index,
                        meta,
                        out: &mut out,
                    };
                    rule.check(&mut cx);
                }
                out
            })
            .collect();
        // Moved, not `concat`ed: concat clones every finding, and with hundreds of thousands
        // of them (one Deployment behind 96,000 autoscalers) both copies were the run's peak.
        let mut all = Vec::with_capacity(each.iter().map(Vec::len).sum());
        each.into_iter().for_each(|mut v| all.append(&mut v));
        all
    }
}

/// A file once checked: what the rest of the run needs of it. Its tree is gone (the index
/// keeps projections of its objects) and so is its text unless it has suppression
/// directives or no way to be read again (its line table stays); `finish` reads the texts
/// of files with findings again where they are needed, after the projections are dropped.
#[derive(Clone)]
pub(super) struct Checked {
    pub(super) source: SourceFile,
    pub(super) origin: Option<Origin>,
    /// Projections of its objects (see `projection`), for the index and late locators:
    /// packed, or whole trees for a rendered overlay and Helm output. Shared: a language
    /// server keeps a context file's check between lints (`ContextCache`), and a copy of
    /// its projections must not cost a deep copy.
    pub(super) objects: Projections,
    /// How many objects were linted (0 for context files).
    pub(super) linted: usize,
    pub(super) findings: Vec<Finding>,
    pub(super) directives: suppress::Directives,
    pub(super) context: bool,
    /// A rendered overlay: its root and where each object came from. Its `objects` are
    /// then whole trees, which findings are traced through to their sources.
    pub(super) rendered: Option<(usize, Vec<Provenance>)>,
    /// Helm output (a chart's render, or input with `# Source:` comments): its render (none
    /// for input) and each object's template. Its `objects` are then whole trees.
    pub(super) helm: Option<HelmRendered>,
    /// Its objects are linted as rendered: the projections it gives are only for files
    /// outside any overlay to refer to, and findings about them are not its own.
    pub(super) traced: bool,
}

impl Checked {
    /// The index scope the file's objects belong to: a rendered overlay's root, a Helm
    /// render's number, or `(None, None)`, the scope of the files as written.
    pub(super) fn scope(&self) -> (Option<usize>, Option<usize>) {
        (
            self.rendered.as_ref().map(|(root, _)| *root),
            self.helm.as_ref().and_then(|h| h.scope),
        )
    }
}

impl RuleSet {
    /// Everything done to one file before the cross-resource rules, document by document as
    /// it is parsed: per-object rules, locators and annotation directives on the full tree,
    /// then the tree is reduced to the index's projection. A context file (project indexing)
    /// only gives projections.
    pub(super) fn check(&self, id: usize, read: Read) -> Checked {
        let (shown, kind, text, origin, context, treat) = match read {
            Read::Text {
                shown,
                kind,
                text,
                origin,
                context,
                treat,
            } => (shown, kind, text, origin, context, treat),
            Read::Failed(f) => {
                return Checked {
                    source: f.source,
                    origin: None,
                    objects: Projections::default(),
                    linted: 0,
                    findings: f.findings,
                    directives: suppress::Directives::default(),
                    context: false,
                    rendered: None,
                    helm: None,
                    traced: false,
                };
            }
        };
        if treat == Treat::Template {
            return template(shown, text, origin, context);
        }
        let mut annotations = suppress::Directives::default();
        let mut linted = 0;
        let mut provenance = Vec::new();
        // Helm output (a chart's render, or input whose chart is on disk): its objects stay
        // whole, each with its template (its `# Source:` comment).
        let sources_of_docs = match &treat {
            Treat::Lint | Treat::HelmInput | Treat::Helm { .. }
                if kind == classify::Kind::Yaml && !context =>
            {
                super::helm::source_comments(&text)
            }
            _ => Vec::new(),
        };
        let helm_scope = match &treat {
            Treat::Helm { scope } => Some(Some(*scope)),
            Treat::Lint | Treat::HelmInput
                if super::helm::traceable_input(&sources_of_docs, treat == Treat::HelmInput) =>
            {
                Some(None)
            }
            _ => None,
        };
        let mut helm_sources = Vec::new();
        // Projections are packed as each document is checked (trees only for renders and
        // Helm output, which the sink returns).
        let mut packer = Packer::new();
        let mut sink = |src: &SourceFile, mut objects: Vec<Object>, findings: &mut Vec<Finding>| {
            match &treat {
                // Parsed for its own problems and suppressions; linted as rendered.
                Treat::Traced { indexed } => {
                    if !context {
                        annotations.add_annotations(src, &objects);
                    }
                    if *indexed {
                        objects
                            .into_iter()
                            .for_each(|o| packer.push(projection::project(o)));
                    }
                    return Vec::new();
                }
                Treat::Namespace(ns) => {
                    for o in objects
                        .iter_mut()
                        .filter(|o| o.format == Format::Kubernetes)
                    {
                        o.namespace.clone_from(ns);
                    }
                }
                Treat::Rendered { base, .. } => {
                    provenance.extend(super::kustomize::provenance(&mut objects, base));
                }
                Treat::Lint | Treat::HelmInput | Treat::Helm { .. } | Treat::Template => {}
            }
            // A context file's findings are dropped: it only gives projections.
            if !context {
                self.check_objects(src, &objects, findings);
                // A rendered object's annotations are its source's, which suppress there.
                if !matches!(treat, Treat::Rendered { .. }) {
                    annotations.add_annotations(src, &objects);
                }
                linted += objects.len();
                locate::assign(
                    |_| Some((src.path.as_str(), objects.as_slice().into())),
                    findings,
                );
            }
            if helm_scope.is_some() && !context {
                helm_sources.extend(super::helm::object_sources(&sources_of_docs, &objects));
                return objects;
            }
            match treat {
                Treat::Rendered { .. } => objects,
                _ => {
                    objects
                        .into_iter()
                        .for_each(|o| packer.push(projection::project(o)));
                    Vec::new()
                }
            }
        };
        let loaded = sources::load_each(id, shown, text, kind, &mut sink);
        let LoadedFile {
            source,
            objects,
            mut findings,
            comments,
            ..
        } = loaded;
        let directives = if context {
            findings.clear();
            suppress::Directives::default()
        } else {
            let mut d = suppress::Directives::default();
            d.add_comments(&source, &comments);
            d.append(annotations);
            if helm_scope.is_some() {
                d.set_quiet();
            }
            d
        };
        // Texts are read again for rendering once the trees and projections are gone, so the
        // run never holds every file's text and every projection at the same time. A file
        // with suppression directives keeps its text (they are matched by line), as does one
        // that cannot be read again (standard input, in-memory sources). A checked file's
        // line table stays: most outputs need no more (`Options::positions_only`). A context
        // file's does not: few of them are pointed into.
        let keep_text = !Origin::rereadable(origin.as_ref()) || !directives.is_empty();
        let source = if keep_text {
            source
        } else if context {
            SourceFile::new(source.path, String::new())
        } else {
            source.without_text()
        };
        let traced = matches!(treat, Treat::Traced { .. });
        let rendered = match treat {
            Treat::Rendered { root, .. } => Some((root, provenance)),
            _ => None,
        };
        let helm = match helm_scope {
            Some(scope) if !context => Some(HelmRendered {
                scope,
                sources: helm_sources,
            }),
            _ => None,
        };
        // Whole trees stay trees: findings are traced through them.
        let objects = if rendered.is_some() || helm.is_some() {
            Projections::trees(objects)
        } else {
            objects.into_iter().for_each(|o| packer.push(o));
            packer.finish()
        };
        Checked {
            source,
            origin,
            objects,
            linted,
            findings,
            directives,
            context,
            rendered,
            helm,
            traced,
        }
    }
}

/// Helm output: which render it is (`None` for input) and each object's template (its
/// `# Source:` path), in the order of the file's objects.
#[derive(Clone, Debug)]
pub(super) struct HelmRendered {
    pub(super) scope: Option<usize>,
    pub(super) sources: Vec<Option<String>>,
}

/// A chart's template: never parsed as YAML (it is not YAML until rendered). Its suppression
/// comments and annotations are read where they are rendered (the render's copies).
fn template(shown: String, text: String, origin: Option<Origin>, context: bool) -> Checked {
    let source = SourceFile::new(shown, text);
    let source = if !Origin::rereadable(origin.as_ref()) {
        source
    } else {
        SourceFile::new(source.path, String::new())
    };
    Checked {
        source,
        origin,
        objects: Projections::default(),
        linted: 0,
        findings: Vec::new(),
        directives: suppress::Directives::default(),
        context,
        rendered: None,
        helm: None,
        traced: false,
    }
}
