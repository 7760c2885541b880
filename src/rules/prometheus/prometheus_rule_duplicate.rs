//! `prometheus-rule-duplicate`: two rules of one file with the same name (`record` or
//! `alert`) and the same labels, which `promtool check rules` reports as duplicate rules:
//! two recording rules write the same series in turn, two alerts fire as one.

use super::GROUPS;
use crate::engine::rule::{Ctx, ObjectRule, Target};
use crate::model::{Node, Span};
use crate::sources::prometheus::rules;
use serde::Deserialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// What promtool compares rules by: the name, and the labels sorted.
type Identity<'a> = (&'a str, Vec<(&'a str, &'a str)>);

crate::declare_rule!(object PrometheusRuleDuplicate: "prometheus" / "prometheus-rule-duplicate");

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrometheusRuleDuplicate {}

impl ObjectRule for PrometheusRuleDuplicate {
    fn target(&self) -> Target<'_> {
        GROUPS
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // Name and sorted labels, as promtool compares them, to the first rule's name.
        let mut seen: HashMap<Identity<'_>, Span> = HashMap::new();
        for r in rules(cx.obj) {
            let Some(name) = r.alert.or(r.record) else {
                continue;
            };
            let Some(text) = name.value.text().filter(|t| !t.is_empty()) else {
                continue;
            };
            let mut labels: Vec<(&str, &str)> = r
                .node
                .get("labels")
                .and_then(Node::as_map)
                .unwrap_or(&[])
                .iter()
                .filter_map(|e| Some((e.key.text()?, e.value.text().unwrap_or(""))))
                .collect();
            labels.sort_unstable();
            let what = r.describe();
            match seen.entry((text, labels)) {
                Entry::Occupied(first) => {
                    let first = *first.get();
                    let f = cx
                        .finding(
                            name.value.span,
                            format!("{what} has the same name and labels as an earlier rule of this file"),
                        )
                        .with_label("duplicate rule")
                        .with_secondary(cx.obj.file, first, "first defined here")
                        .with_help(if r.alert.is_some() {
                            "merge the two alerts, or tell them apart with a label (e.g. `severity`); as they are, both fire under one name and Alertmanager cannot route them apart"
                        } else {
                            "remove one of them or give them different labels; as they are, both write the same series and each evaluation overwrites the other's"
                        });
                    cx.emit(f);
                }
                Entry::Vacant(v) => {
                    v.insert(name.value.span);
                }
            }
        }
    }
}
