//! The embedded kind schemas compiled for our trees, and validation against them.
//!
//! Our own validator rather than jsonschema's, for speed: compiling the Deployment schema
//! with jsonschema (after building the 2020-12 meta-schema validator it checks every schema
//! against) took about 6 ms, half of a one-file run, where this compiles it in a fraction of
//! a millisecond. The generated schemas (`scripts/gen-schemas`) use a dozen keywords,
//! implemented here as JSON Schema 2020-12 defines them; a schema with any other keyword
//! fails to compile (a test compiles every embedded schema). `tests/real_world/schema.rs`
//! checks that this finds exactly what jsonschema finds, on the corpus, the fixtures and
//! mutations of them.

use super::{Problem, Seg, Violation, key_text};
use crate::model::{Entry, Node, Resolved, Value};
use regex::Regex;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as J;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// A JSON type, as a bit of a set (the order jsonschema lists expected types in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Null = 1,
    Boolean = 1 << 1,
    Integer = 1 << 2,
    Number = 1 << 3,
    String = 1 << 4,
    Array = 1 << 5,
    Object = 1 << 6,
}

const TYPES: [Type; 7] = [
    Type::Null,
    Type::Boolean,
    Type::Integer,
    Type::Number,
    Type::String,
    Type::Array,
    Type::Object,
];

impl Type {
    fn parse(name: &str) -> Option<Type> {
        TYPES.into_iter().find(|t| t.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Boolean => "boolean",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::String => "string",
            Type::Array => "array",
            Type::Object => "object",
        }
    }
}

/// A number scalar.
#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn is_integer(self) -> bool {
        match self {
            Num::Int(_) => true,
            Num::Float(f) => f.fract() == 0.0,
        }
    }

    fn below(self, limit: Num) -> bool {
        match (self, limit) {
            (Num::Int(a), Num::Int(b)) => a < b,
            (a, b) => a.as_f64() < b.as_f64(),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// What a node is to JSON Schema: scalars as Kubernetes decodes them (`Node::to_json`), so
/// non-finite floats are null.
enum Instance<'a> {
    Null,
    Boolean(bool),
    Number(Num),
    String(&'a str),
    Array(&'a [Node]),
    Object(&'a [Entry]),
}

fn instance(node: &Node) -> Instance<'_> {
    match &node.value {
        Value::Map(entries) => Instance::Object(entries),
        Value::Seq(items) => Instance::Array(items),
        Value::Scalar(s) => match s.resolved() {
            Resolved::Null => Instance::Null,
            Resolved::Bool(b) => Instance::Boolean(b),
            Resolved::Int(i) => Instance::Number(Num::Int(i)),
            Resolved::Float(f) if f.is_finite() => Instance::Number(Num::Float(f)),
            Resolved::Float(_) => Instance::Null,
            Resolved::Str => Instance::String(&s.text),
        },
    }
}

/// `additionalProperties`.
#[derive(Clone, Copy, Default)]
enum Additional {
    #[default]
    Any,
    None,
    Schema(u32),
}

/// A `pattern`, compiled the first time a string is checked against it (one regex serves
/// every rule with the same pattern: the generated schemas have one, for quantities).
struct Pattern {
    source: String,
    regex: OnceLock<Option<Regex>>,
}

impl Pattern {
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }
}

/// One compiled (sub)schema. Small (the Deployment schema has about 800): the keywords few
/// rules have are boxed apart.
#[derive(Default)]
struct Rule {
    /// `type`, as a bit set; 0 when absent.
    types: u8,
    additional: Additional,
    /// `$ref`: the rule of a `$defs` entry.
    reference: Option<u32>,
    items: Option<u32>,
    /// `properties`, sorted by name (as a JSON object's keys are: the suggestions depend on
    /// it, and members are found by binary search).
    properties: Box<[(Box<str>, u32)]>,
    required: Box<[Box<str>]>,
    rare: Option<Box<Rare>>,
}

/// The keywords few rules have.
#[derive(Default)]
struct Rare {
    /// `enum`: the options, and how they are shown (null left out).
    options: Option<(Vec<J>, Vec<String>)>,
    pattern: Option<Arc<Pattern>>,
    minimum: Option<(Num, String)>,
    min_items: Option<u64>,
    min_length: Option<u64>,
}

/// A compiled kind schema.
pub(super) struct Checker {
    rules: Vec<Rule>,
    patterns: Vec<Arc<Pattern>>,
}

impl Checker {
    /// Compiles the schema `text` (its root is rule 0), or says what is not supported.
    pub(super) fn compile(text: &str) -> Result<Checker, String> {
        // Rules are made as the text is read (no `serde_json::Value`, no typed copy of the
        // document: either took several times longer than the reading), and an unknown
        // keyword is an error rather than ignored.
        let mut c = Compiler::default();
        let mut de = serde_json::Deserializer::from_str(text);
        RuleSeed { c: &mut c }
            .deserialize(&mut de)
            .and_then(|_| de.end())
            .map_err(|e| e.to_string())?;
        // `$ref`s are resolved once every definition has its rule.
        for (at, name) in std::mem::take(&mut c.refs) {
            let target = name
                .strip_prefix("#/$defs/")
                .and_then(|def| c.defs.get(def))
                .copied()
                .ok_or_else(|| format!("`$ref` to no definition in `$defs`: {name}"))?;
            if let Some(rule) = c.rules.get_mut(at as usize) {
                rule.reference = Some(target);
            }
        }
        // A validation follows `$ref`s without going deeper into the document: a cycle of
        // them alone would never end.
        for start in 0..c.rules.len() {
            let mut at = c.rules.get(start).and_then(|r| r.reference);
            let mut steps = 0;
            while let Some(next) = at {
                steps += 1;
                if steps > c.rules.len() {
                    return Err("a cycle of `$ref`s".into());
                }
                at = c.rules.get(next as usize).and_then(|r| r.reference);
            }
        }
        Ok(Checker {
            rules: c.rules,
            patterns: c.patterns.into_values().collect(),
        })
    }

    /// Compiles every pattern now (else each is compiled on first use); the first that does
    /// not compile is the error.
    pub(super) fn patterns_compile(&self) -> Result<(), String> {
        match self.patterns.iter().find(|p| p.regex().is_none()) {
            Some(p) => Err(format!("`pattern` {} does not compile", p.source)),
            None => Ok(()),
        }
    }

    /// Every violation of `root`, unfolded (as jsonschema reports them; `super::fold` merges
    /// them into findings' problems).
    pub(super) fn check(&self, root: &Node) -> Vec<Violation> {
        let mut walk = Walk {
            rules: &self.rules,
            path: Vec::new(),
            out: Vec::new(),
        };
        walk.node(0, root);
        walk.out
    }
}

#[derive(Default)]
struct Compiler {
    rules: Vec<Rule>,
    /// `$defs` entries by name.
    defs: HashMap<Box<str>, u32>,
    /// `$ref`s to resolve: the rule and the reference.
    refs: Vec<(u32, String)>,
    patterns: HashMap<String, Arc<Pattern>>,
}

impl Compiler {
    /// A new rule's slot, taken before its subschemas are read so that the root is rule 0.
    fn slot(&mut self) -> u32 {
        self.rules.push(Rule::default());
        u32::try_from(self.rules.len() - 1).unwrap_or(u32::MAX)
    }
}

/// The keywords the generated schemas use; any other is an unknown field, an error.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum Keyword {
    #[serde(rename = "$schema", alias = "$comment")]
    Ignored,
    #[serde(rename = "$defs")]
    Defs,
    #[serde(rename = "$ref")]
    Ref,
    Type,
    Enum,
    Pattern,
    Minimum,
    MinItems,
    MinLength,
    Required,
    Properties,
    AdditionalProperties,
    Items,
}

/// Reads a schema object into a new rule; its value is the rule's index.
struct RuleSeed<'c> {
    c: &'c mut Compiler,
}

impl<'de> DeserializeSeed<'de> for RuleSeed<'_> {
    type Value = u32;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RuleSeed<'_> {
    type Value = u32;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a schema object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let c = self.c;
        let at = c.slot();
        let mut rule = Rule::default();
        let mut rare = Rare::default();
        while let Some(keyword) = map.next_key::<Keyword>()? {
            match keyword {
                Keyword::Ignored => {
                    map.next_value::<IgnoredAny>()?;
                }
                Keyword::Defs => {
                    let defs = map.next_value_seed(NamedSeed { c: &mut *c })?;
                    c.defs.extend(defs);
                }
                Keyword::Ref => {
                    let name: String = map.next_value()?;
                    c.refs.push((at, name));
                }
                Keyword::Type => rule.types = map.next_value::<Types>()?.0,
                Keyword::Enum => {
                    let options: Vec<J> = map.next_value()?;
                    if options.iter().any(|o| o.is_array() || o.is_object()) {
                        return Err(de::Error::custom("`enum` with an array or object option"));
                    }
                    let shown = options
                        .iter()
                        .filter(|o| !o.is_null())
                        .map(super::display_json)
                        .collect();
                    rare.options = Some((options, shown));
                }
                Keyword::Pattern => {
                    let source: String = map.next_value()?;
                    let pattern = c.patterns.entry(source.clone()).or_insert_with(|| {
                        Arc::new(Pattern {
                            source,
                            regex: OnceLock::new(),
                        })
                    });
                    rare.pattern = Some(pattern.clone());
                }
                Keyword::Minimum => {
                    let n: serde_json::Number = map.next_value()?;
                    let num = n
                        .as_i64()
                        .map(Num::Int)
                        .or_else(|| n.as_f64().map(Num::Float))
                        .ok_or_else(|| de::Error::custom("`minimum` out of range"))?;
                    rare.minimum = Some((num, n.to_string()));
                }
                Keyword::MinItems => rare.min_items = Some(map.next_value()?),
                Keyword::MinLength => rare.min_length = Some(map.next_value()?),
                Keyword::Required => rule.required = map.next_value()?,
                Keyword::Properties => {
                    let mut props = map.next_value_seed(NamedSeed { c: &mut *c })?;
                    props.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                    rule.properties = props.into_boxed_slice();
                }
                Keyword::AdditionalProperties => {
                    rule.additional = map.next_value_seed(AdditionalSeed { c: &mut *c })?;
                }
                Keyword::Items => rule.items = Some(map.next_value_seed(RuleSeed { c: &mut *c })?),
            }
        }
        if rare.options.is_some()
            || rare.pattern.is_some()
            || rare.minimum.is_some()
            || rare.min_items.is_some()
            || rare.min_length.is_some()
        {
            rule.rare = Some(Box::new(rare));
        }
        if let Some(slot) = c.rules.get_mut(at as usize) {
            *slot = rule;
        }
        Ok(at)
    }
}

/// An object of schemas by name (`properties`, `$defs`): each one's rule.
struct NamedSeed<'c> {
    c: &'c mut Compiler,
}

impl<'de> DeserializeSeed<'de> for NamedSeed<'_> {
    type Value = Vec<(Box<str>, u32)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NamedSeed<'_> {
    type Value = Vec<(Box<str>, u32)>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of schemas")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(name) = map.next_key::<Box<str>>()? {
            let rule = map.next_value_seed(RuleSeed { c: &mut *self.c })?;
            out.push((name, rule));
        }
        Ok(out)
    }
}

/// `additionalProperties`: a boolean or a schema.
struct AdditionalSeed<'c> {
    c: &'c mut Compiler,
}

impl<'de> DeserializeSeed<'de> for AdditionalSeed<'_> {
    type Value = Additional;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Additional, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AdditionalSeed<'_> {
    type Value = Additional;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a boolean or a schema")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Additional, E> {
        Ok(if b { Additional::Any } else { Additional::None })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Additional, A::Error> {
        RuleSeed { c: self.c }
            .visit_map(map)
            .map(Additional::Schema)
    }
}

/// `type`: a name or a list of names, as a bit set.
struct Types(u8);

impl<'de> Deserialize<'de> for Types {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Types, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Types;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a type name or a list of them")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Types, E> {
                Type::parse(name)
                    .map(|t| Types(t as u8))
                    .ok_or_else(|| E::custom(format!("unknown type {name}")))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Types, A::Error> {
                let mut set = 0;
                while let Some(Types(t)) = seq.next_element::<Types>()? {
                    set |= t;
                }
                Ok(Types(set))
            }
        }
        d.deserialize_any(V)
    }
}

/// A step of the path to the node being validated, borrowed from the document: owned
/// `Seg`s are made only for a violation.
#[derive(Clone, Copy)]
enum Step<'n> {
    Key(&'n str),
    Index(usize),
}

struct Walk<'c, 'n> {
    rules: &'c [Rule],
    path: Vec<Step<'n>>,
    out: Vec<Violation>,
}

impl<'n> Walk<'_, 'n> {
    fn report(&mut self, problem: Problem) {
        let path = self
            .path
            .iter()
            .map(|s| match *s {
                Step::Key(k) => Seg::Key(k.to_string()),
                Step::Index(i) => Seg::Index(i),
            })
            .collect();
        self.out.push(Violation { path, problem });
    }

    fn node(&mut self, id: u32, node: &'n Node) {
        let rules = self.rules;
        let Some(rule) = rules.get(id as usize) else {
            return;
        };
        let value = instance(node);
        if let Some(target) = rule.reference {
            self.node(target, node);
        }
        if rule.types != 0 && !accepts(rule.types, &value) {
            let expected = TYPES
                .into_iter()
                .filter(|&t| t != Type::Null && rule.types & t as u8 != 0)
                .map(Type::name)
                .collect();
            self.report(Problem::Type { expected });
        }
        let rare = rule.rare.as_deref();
        if let Some((options, shown)) = rare.and_then(|r| r.options.as_ref())
            && !options.iter().any(|o| equals(&value, o))
        {
            let found = match value {
                Instance::String(s) => s,
                _ => "",
            };
            let refs: Vec<&str> = shown
                .iter()
                .map(String::as_str)
                .filter(|o| !o.is_empty())
                .collect();
            self.report(Problem::Enum {
                suggestion: super::suggest(found, &refs),
                options: shown.clone(),
            });
        }
        match value {
            Instance::String(s) => {
                if let Some(p) = rare.and_then(|r| r.pattern.as_ref())
                    && p.regex().is_some_and(|re| !re.is_match(s))
                {
                    self.report(Problem::Pattern {
                        pattern: p.source.clone(),
                    });
                }
                // Code points, as JSON Schema counts a string's length.
                if let Some(limit) = rare.and_then(|r| r.min_length)
                    && (s.chars().count() as u64) < limit
                {
                    self.report(Problem::MinLength { limit });
                }
            }
            Instance::Number(n) => {
                if let Some((limit, shown)) = rare.and_then(|r| r.minimum.as_ref())
                    && n.below(*limit)
                {
                    self.report(Problem::Minimum {
                        limit: shown.clone(),
                        exclusive: false,
                    });
                }
            }
            Instance::Array(items) => {
                if let Some(limit) = rare.and_then(|r| r.min_items)
                    && (items.len() as u64) < limit
                {
                    self.report(Problem::MinItems { limit });
                }
                if let Some(item) = rule.items {
                    for (i, node) in items.iter().enumerate() {
                        self.path.push(Step::Index(i));
                        self.node(item, node);
                        self.path.pop();
                    }
                }
            }
            Instance::Object(entries) => self.object(rule, entries),
            Instance::Null | Instance::Boolean(_) => {}
        }
    }

    fn object(&mut self, rule: &Rule, entries: &'n [Entry]) {
        for field in &rule.required {
            if !entries.iter().any(|e| key_text(e) == &**field) {
                self.report(Problem::Required {
                    field: field.to_string(),
                });
            }
        }
        // The parser keeps one entry per key, so each member is validated once: by its
        // property's schema, else by `additionalProperties`.
        for e in entries {
            let name = key_text(e);
            if let Some(id) = property(rule, name) {
                self.member(name, id, &e.value);
                continue;
            }
            match rule.additional {
                Additional::Any => {}
                Additional::None => {
                    let known: Vec<&str> = rule.properties.iter().map(|(n, _)| &**n).collect();
                    self.path.push(Step::Key(name));
                    self.report(Problem::UnknownField {
                        suggestion: super::suggest(name, &known),
                        suggestion_required: false,
                    });
                    self.path.pop();
                }
                Additional::Schema(id) => self.member(name, id, &e.value),
            }
        }
    }

    fn member(&mut self, name: &'n str, id: u32, value: &'n Node) {
        self.path.push(Step::Key(name));
        self.node(id, value);
        self.path.pop();
    }
}

/// The rule of the property `name`, if `properties` has one.
fn property(rule: &Rule, name: &str) -> Option<u32> {
    // The first bytes compared before the rest (the order is the same): most steps of the
    // search end there, without a call to memcmp (a tenth of validation's instructions).
    let first = name.as_bytes().first();
    rule.properties
        .binary_search_by(|(n, _)| {
            n.as_bytes()
                .first()
                .cmp(&first)
                .then_with(|| (**n).cmp(name))
        })
        .ok()
        .and_then(|i| rule.properties.get(i))
        .map(|(_, id)| *id)
}

/// `type`: integers satisfy `integer` and `number`, other numbers only `number`.
fn accepts(types: u8, value: &Instance<'_>) -> bool {
    let t = match value {
        Instance::Null => Type::Null,
        Instance::Boolean(_) => Type::Boolean,
        Instance::Number(n) if n.is_integer() => {
            return types & (Type::Integer as u8 | Type::Number as u8) != 0;
        }
        Instance::Number(_) => Type::Number,
        Instance::String(_) => Type::String,
        Instance::Array(_) => Type::Array,
        Instance::Object(_) => Type::Object,
    };
    types & t as u8 != 0
}

/// `enum` equality with a scalar option (compiling refuses others): numbers by value, as
/// JSON Schema compares them (`2` equals `2.0`).
fn equals(value: &Instance<'_>, option: &J) -> bool {
    match (value, option) {
        (Instance::String(s), J::String(o)) => s == o,
        (Instance::Null, J::Null) => true,
        (Instance::Boolean(b), J::Bool(o)) => b == o,
        (Instance::Number(n), J::Number(o)) => match (n, o.as_i64()) {
            (Num::Int(a), Some(b)) => *a == b,
            _ => o.as_f64() == Some(n.as_f64()),
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::yaml;

    fn check(schema: &str, doc: &str) -> Vec<Violation> {
        let checker = Checker::compile(schema).unwrap();
        let parsed = yaml::parse(doc, yaml::Limits::default());
        checker.check(&parsed.documents[0].root)
    }

    #[test]
    fn what_is_not_supported_does_not_compile() {
        let err = |s: &str| Checker::compile(s).err().unwrap_or_default();
        assert!(err(r#"{"oneOf": []}"#).contains("oneOf"));
        assert!(err(r#"{"enum": [{"a": 1}]}"#).contains("enum"));
        assert!(err(r#"{"type": "decimal"}"#).contains("decimal"));
        assert!(err(r##"{"$ref": "#/$defs/a"}"##).contains("no definition"));
        let outside = r##"{"$defs": {"a": {"type": "string"}}, "$ref": "a"}"##;
        assert!(err(outside).contains("no definition"));
        assert!(
            err(r##"{"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
                .contains("cycle")
        );
        assert!(err(r#"{"type": "string"} trailing"#).contains("trailing"));
    }

    #[test]
    fn definitions_may_refer_to_themselves_below_the_root() {
        let schema = r##"{"$defs": {"tree": {"type": "object", "additionalProperties": false,
            "properties": {"name": {"type": "string"}, "children": {"type": "array",
            "items": {"$ref": "#/$defs/tree"}}}}}, "$ref": "#/$defs/tree"}"##;
        let v = check(
            schema,
            "name: a\nchildren:\n- name: b\n  children:\n  - nmae: c\n",
        );
        let paths: Vec<&[Seg]> = v.iter().map(|v| v.path.as_slice()).collect();
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(
            paths[0],
            [
                Seg::Key("children".into()),
                Seg::Index(0),
                Seg::Key("children".into()),
                Seg::Index(0),
                Seg::Key("nmae".into())
            ]
        );
        assert_eq!(
            v[0].problem,
            Problem::UnknownField {
                suggestion: Some("name".into()),
                suggestion_required: false
            }
        );
    }

    #[test]
    fn numbers_as_json_schema_reads_them() {
        let schema = r#"{"properties": {"n": {"type": ["integer", "null"], "minimum": 1},
            "e": {"enum": [2, "x", null, true]}}}"#;
        assert!(check(schema, "n: 2.0\ne: 2.0\n").is_empty());
        assert!(
            check(schema, "n: .inf\ne: .nan\n").is_empty(),
            "non-finite floats are null"
        );
        assert!(check(schema, "n: ~\ne: true\n").is_empty());
        let problems =
            |doc| -> Vec<Problem> { check(schema, doc).into_iter().map(|v| v.problem).collect() };
        assert_eq!(
            problems("n: 0\n"),
            [Problem::Minimum {
                limit: "1".into(),
                exclusive: false
            }]
        );
        assert_eq!(
            problems("n: 2.5\n"),
            [Problem::Type {
                expected: vec!["integer"]
            }]
        );
        assert!(matches!(problems("e: \"2\"\n")[..], [Problem::Enum { .. }]));
    }

    #[test]
    fn one_regex_serves_every_rule_with_its_pattern() {
        let schema = r#"{"properties": {"a": {"pattern": "^[0-9]+$"}, "b": {"pattern": "^[0-9]+$"},
            "c": {"pattern": "^x"}}}"#;
        let c = Checker::compile(schema).unwrap();
        assert_eq!(c.patterns.len(), 2);
        assert!(
            c.patterns.iter().all(|p| p.regex.get().is_none()),
            "compiled on first use"
        );
        assert_eq!(c.patterns_compile(), Ok(()));
        let bad = Checker::compile(r#"{"pattern": "("}"#).unwrap();
        assert!(bad.patterns_compile().is_err());
    }
}
