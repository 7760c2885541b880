//! Deployments and StatefulSets: replicas, the pods' labels and containers, and the
//! Deployment controller's rollout arithmetic.

use super::keep::Keep;
use super::kind::Kind;
use super::quantity::Quantity;
use super::selector::{Labels, label_text};
use super::values::{Effective, IntOrPercent, Resource, int_or_default};
use crate::model::{Entry, Node, Object, Span};

/// A Deployment or StatefulSet.
#[derive(Clone, Copy, Debug)]
pub struct Workload<'a> {
    pub obj: &'a Object,
}

/// What a container's resources read: its name, resources, and whether it is a sidecar.
const CONTAINER: Keep = Keep::Fields(&[
    ("name", Keep::All),
    ("resources", Keep::All),
    ("restartPolicy", Keep::All),
]);

/// `maxSurge` and `maxUnavailable` when absent: 25% each.
pub const ROLLING_DEFAULT: IntOrPercent = IntOrPercent::Percent(25.0);

impl<'a> Workload<'a> {
    /// What the methods below read.
    pub const FIELDS: Keep = Keep::Fields(&[(
        "spec",
        Keep::Fields(&[
            ("replicas", Keep::All),
            ("selector", Keep::All),
            ("strategy", Keep::All),
            (
                "template",
                Keep::Fields(&[
                    ("metadata", Keep::Fields(&[("labels", Keep::All)])),
                    (
                        "spec",
                        Keep::Fields(&[
                            ("containers", Keep::Items(&CONTAINER)),
                            ("initContainers", Keep::Items(&CONTAINER)),
                        ]),
                    ),
                ]),
            ),
        ]),
    )]);

    /// `obj` as a workload, if it is a Deployment or StatefulSet.
    pub fn of(obj: &'a Object) -> Option<Workload<'a>> {
        Kind::of(obj)
            .filter(|k| k.is_workload())
            .map(|_| Workload { obj })
    }

    pub fn is_deployment(&self) -> bool {
        self.obj.kind == Kind::Deployment.name()
    }

    /// `spec.replicas` in force: absent (or null, which apply drops) ⇒ 1. `None` when it is
    /// not an integer.
    pub fn replicas(&self) -> Option<Effective<'a, i64>> {
        int_or_default(self.obj.root.path(&["spec", "replicas"]), Some(1))
    }

    /// The written `spec.replicas` entry (not a null one, which apply drops).
    pub fn replicas_entry(&self) -> Option<&'a Entry> {
        self.obj
            .root
            .get("spec")?
            .entry("replicas")
            .filter(|e| !e.value.is_null())
    }

    /// `spec.selector.matchLabels` as written (empty when absent or not a mapping).
    pub fn match_labels(&self) -> &'a [Entry] {
        self.obj
            .root
            .path(&["spec", "selector", "matchLabels"])
            .and_then(Node::as_map)
            .unwrap_or(&[])
    }

    /// The labels every pod carries: the pod template's, plus the selector's `matchLabels`,
    /// which the API server requires the template to carry (so they hold for a template
    /// written without labels).
    pub fn pod_labels(&self) -> Labels<'a> {
        let mut labels = Labels::new();
        let template = self
            .obj
            .root
            .path(&["spec", "template", "metadata", "labels"])
            .and_then(Node::as_map)
            .unwrap_or(&[]);
        for e in template.iter().chain(self.match_labels()) {
            if let (Some(k), Some(v)) = (e.key.text(), label_text(&e.value)) {
                labels.entry(k).or_insert(v);
            }
        }
        labels
    }

    /// Every init container and container of the pod template, in that order.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + use<'a> {
        let pod = self.obj.root.path(&["spec", "template", "spec"]);
        ["initContainers", "containers"]
            .into_iter()
            .flat_map(move |list| {
                pod.and_then(|p| p.get(list))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(move |node| Container::new(node, list))
            })
    }

    /// Every container × resource whose request and limit are both written with valid
    /// quantities (invalid ones are not comparable; schema validation reports them).
    pub fn explicit_bounds(&self) -> Vec<Bounds<'a>> {
        let mut out = Vec::new();
        for c in self.containers() {
            for r in Resource::BOTH {
                let (Some(req), Some(lim)) = (c.request(r), c.limit(r)) else {
                    continue;
                };
                let (Some(request_q), Some(limit_q)) = (req.quantity, lim.quantity) else {
                    continue;
                };
                out.push(Bounds {
                    container: c.clone(),
                    resource: r,
                    request: req.node,
                    request_q,
                    limit: lim.node,
                    limit_q,
                });
            }
        }
        out
    }

    /// A Deployment's update strategy as Kubernetes reads it.
    pub fn strategy(&self) -> Strategy<'a> {
        match self.obj.root.path(&["spec", "strategy", "type"]) {
            None => Strategy::RollingUpdate,
            Some(t) => match t.text() {
                Some("RollingUpdate") => Strategy::RollingUpdate,
                Some("Recreate") => Strategy::Recreate(t),
                _ => Strategy::Other,
            },
        }
    }

    /// `spec.strategy.rollingUpdate.maxUnavailable` in force (absent or null ⇒ 25%); `None`
    /// when it is written but is neither a count nor a percentage.
    pub fn max_unavailable(&self) -> Option<Effective<'a, IntOrPercent>> {
        self.rolling_bound("maxUnavailable")
    }

    /// `spec.strategy.rollingUpdate.maxSurge`, likewise.
    pub fn max_surge(&self) -> Option<Effective<'a, IntOrPercent>> {
        self.rolling_bound("maxSurge")
    }

    fn rolling_bound(&self, field: &str) -> Option<Effective<'a, IntOrPercent>> {
        match self
            .obj
            .root
            .path(&["spec", "strategy", "rollingUpdate", field])
        {
            Some(node) => Some(Effective::written(IntOrPercent::parse(node)?, node)),
            None => Some(Effective::defaulted(ROLLING_DEFAULT)),
        }
    }

    /// What a rollout at `replicas` pods does, with the bounds in force; `None` when one is
    /// invalid.
    pub fn rollout_at(&self, replicas: i64) -> Option<Fenceposts> {
        let (surge, unavailable) = (self.max_surge()?, self.max_unavailable()?);
        Some(fenceposts(surge.value, unavailable.value, replicas))
    }

    /// The pods a rollout at `replicas` pods takes out of service at a time.
    pub fn max_unavailable_at(&self, replicas: i64) -> Option<i64> {
        self.rollout_at(replicas).map(|f| f.unavailable)
    }
}

/// A Deployment's update strategy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Strategy<'a> {
    /// `type: Recreate`, with the `type` value.
    Recreate(&'a Node),
    /// `type: RollingUpdate`, or no type (the default).
    RollingUpdate,
    /// Any other type: invalid, left to schema validation.
    Other,
}

/// What a rollout of a Deployment at `replicas` pods does, as the Deployment controller
/// computes it (`deploymentutil.ResolveFenceposts` and `MaxUnavailable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fenceposts {
    /// Pods that may be added above `replicas`: `maxSurge`, a percentage rounded up.
    pub surge: i64,
    /// Pods that may be out of service: `maxUnavailable`, a percentage rounded down, at
    /// most `replicas`.
    pub unavailable: i64,
    /// Both rounded to 0, so the controller made `unavailable` 1 to let the rollout move.
    pub forced: bool,
}

pub fn fenceposts(
    max_surge: IntOrPercent,
    max_unavailable: IntOrPercent,
    replicas: i64,
) -> Fenceposts {
    let surge = max_surge.scaled(replicas, true);
    let mut unavailable = max_unavailable.scaled(replicas, false);
    let forced = surge == 0 && unavailable == 0;
    if forced {
        unavailable = 1;
    }
    Fenceposts {
        surge,
        unavailable: unavailable.min(replicas),
        forced,
    }
}

/// A container of a pod template, with where to point at it.
#[derive(Clone, Debug)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub name: &'a str,
    /// `initContainers` or `containers`.
    pub list: &'static str,
    /// The container's `name` key (the `- name:` entry), or the container itself.
    pub anchor: Span,
}

impl<'a> Container<'a> {
    fn new(node: &'a Node, list: &'static str) -> Container<'a> {
        let name_entry = node.entry("name");
        Container {
            node,
            name: name_entry
                .and_then(|e| e.value.text())
                .unwrap_or("<unnamed>"),
            list,
            anchor: name_entry.map_or(node.span, |e| e.key.span),
        }
    }

    pub fn is_init(&self) -> bool {
        self.list == "initContainers"
    }

    /// Whether the pod's requests count this container: every regular container, and init
    /// containers that run beside them (`restartPolicy: Always`, i.e. sidecars).
    pub fn runs_with_the_pod(&self) -> bool {
        !self.is_init() || self.node.get("restartPolicy").and_then(Node::as_str) == Some("Always")
    }

    /// `resources.requests.<r>` as written.
    pub fn request(&self, r: Resource) -> Option<Amount<'a>> {
        amount(self.node, "requests", r)
    }

    /// `resources.limits.<r>` as written.
    pub fn limit(&self, r: Resource) -> Option<Amount<'a>> {
        amount(self.node, "limits", r)
    }

    /// Whether a request for `r` is in force: explicit, or defaulted from the limit.
    pub fn has_effective_request(&self, r: Resource) -> bool {
        has_effective_request(self.node, r)
    }
}

/// A resource quantity as written: its node (for positions) and its parsed value, if valid.
pub struct Amount<'a> {
    pub node: &'a Node,
    pub quantity: Option<Quantity>,
}

/// `resources.<section>.<resource>` of a container (`section` is `requests` or `limits`);
/// `None` when absent or null.
pub fn amount<'a>(container: &'a Node, section: &str, r: Resource) -> Option<Amount<'a>> {
    let node = container.path(&["resources", section, r.key()])?;
    let quantity = node.text().and_then(|t| Quantity::parse(t).ok());
    Some(Amount { node, quantity })
}

/// Whether the container has a request for `r` in force: explicit, or defaulted from the
/// limit (Kubernetes copies a limit into a missing request).
pub fn has_effective_request(container: &Node, r: Resource) -> bool {
    amount(container, "requests", r).is_some() || amount(container, "limits", r).is_some()
}

/// A request and a limit of one resource, both written with valid quantities.
pub struct Bounds<'a> {
    pub container: Container<'a>,
    pub resource: Resource,
    pub request: &'a Node,
    pub request_q: Quantity,
    pub limit: &'a Node,
    pub limit_q: Quantity,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::test_support::{object, slice};

    const HEAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";

    fn workload(text: &str) -> Object {
        object(&format!("{HEAD}{text}"))
    }

    #[test]
    fn fenceposts_round_as_the_deployment_controller_does() {
        let pct = IntOrPercent::Percent;
        let int = IntOrPercent::Int;
        let fp = |surge, unavailable, replicas| {
            let f = fenceposts(surge, unavailable, replicas);
            (f.surge, f.unavailable, f.forced)
        };
        // 25% of 1–3 pods: 1 surge, 0 unavailable; of 4: 1 and 1; of 10: 3 and 2.
        for n in 1..=3 {
            assert_eq!(fp(pct(25.0), pct(25.0), n), (1, 0, false), "{n}");
        }
        assert_eq!(fp(pct(25.0), pct(25.0), 4), (1, 1, false));
        assert_eq!(fp(pct(25.0), pct(25.0), 10), (3, 2, false));
        assert_eq!(fp(pct(10.0), pct(10.0), 30), (3, 3, false));
        // Both rounded to 0: the controller lets one pod go.
        assert_eq!(fp(int(0), pct(10.0), 3), (0, 1, true));
        // A count above the replicas is all of them.
        assert_eq!(fp(int(1), int(5), 3), (1, 3, false));
        assert_eq!(fp(int(1), int(0), 3), (1, 0, false));
    }

    #[test]
    fn replicas_absent_null_and_set() {
        for absent in [
            "spec: {}\n",
            "spec:\n  replicas:\n",
            "spec:\n  replicas: ~\n",
        ] {
            let obj = workload(absent);
            let w = Workload::of(&obj).unwrap();
            assert_eq!(w.replicas(), Some(Effective::defaulted(1)), "{absent}");
            assert!(w.replicas_entry().is_none(), "{absent}");
        }
        let obj = workload("spec:\n  replicas: 3\n");
        let w = Workload::of(&obj).unwrap();
        assert_eq!(
            w.replicas().map(|r| (r.value, r.is_default())),
            Some((3, false))
        );
        assert!(w.replicas_entry().is_some());
        let obj = workload("spec:\n  replicas: three\n");
        assert_eq!(Workload::of(&obj).unwrap().replicas(), None);
    }

    #[test]
    fn rolling_bounds_absent_null_and_set() {
        let at = |text: &str, n| Workload::of(&workload(text)).unwrap().max_unavailable_at(n);
        // Absent or null: 25% of 10 is 2 unavailable.
        assert_eq!(at("spec: {}\n", 10), Some(2));
        assert_eq!(
            at(
                "spec:\n  strategy:\n    rollingUpdate:\n      maxUnavailable:\n",
                10
            ),
            Some(2)
        );
        assert_eq!(
            at(
                "spec:\n  strategy:\n    rollingUpdate:\n      maxUnavailable: ~\n",
                10
            ),
            Some(2)
        );
        assert_eq!(
            at(
                "spec:\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 0\n",
                10
            ),
            Some(0)
        );
        assert_eq!(
            at(
                "spec:\n  strategy:\n    rollingUpdate:\n      maxUnavailable: lots\n",
                10
            ),
            None
        );
        let obj = workload("spec:\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n");
        let w = Workload::of(&obj).unwrap();
        assert_eq!(w.max_surge().map(|b| b.value), Some(IntOrPercent::Int(0)));
        assert!(w.max_unavailable().unwrap().is_default());
        assert_eq!(w.rollout_at(3).map(|f| f.forced), Some(true));
    }

    #[test]
    fn strategies() {
        let strategy = |text: &str| {
            let obj = workload(text);
            match Workload::of(&obj).unwrap().strategy() {
                Strategy::Recreate(node) => format!("Recreate at {:?}", node.text()),
                other => format!("{other:?}"),
            }
        };
        assert_eq!(strategy("spec: {}\n"), "RollingUpdate");
        assert_eq!(strategy("spec:\n  strategy:\n    type:\n"), "RollingUpdate");
        assert_eq!(
            strategy("spec:\n  strategy: {type: Recreate}\n"),
            "Recreate at Some(\"Recreate\")"
        );
        assert_eq!(strategy("spec:\n  strategy: {type: Blue}\n"), "Other");
    }

    #[test]
    fn pod_labels_include_the_selector() {
        let obj = workload(
            "spec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {tier: front, app: web}}\n",
        );
        let labels = Workload::of(&obj).unwrap().pod_labels();
        let pairs: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(pairs, [("app", "web"), ("tier", "front")]);
    }

    #[test]
    fn containers_and_their_requests() {
        let text = format!(
            "{HEAD}spec:\n  template:\n    spec:\n      containers:\n      - name: app\n        resources: {{limits: {{cpu: 1}}, requests: {{memory: ~}}}}\n      initContainers:\n      - name: proxy\n        restartPolicy: Always\n      - name: setup\n"
        );
        let obj = object(&text);
        let w = Workload::of(&obj).unwrap();
        let cs: Vec<Container<'_>> = w.containers().collect();
        let names: Vec<&str> = cs.iter().map(|c| c.name).collect();
        assert_eq!(names, ["proxy", "setup", "app"]);
        let counted: Vec<bool> = cs.iter().map(Container::runs_with_the_pod).collect();
        assert_eq!(counted, [true, false, true]);
        assert_eq!(slice(&text, cs[0].anchor), "name");
        let app = &cs[2];
        // The cpu request defaults to the limit; a null memory request is absent.
        assert!(app.request(Resource::Cpu).is_none());
        assert!(app.has_effective_request(Resource::Cpu));
        assert!(app.request(Resource::Memory).is_none());
        assert!(!app.has_effective_request(Resource::Memory));
    }

    #[test]
    fn only_apps_workloads_are_workloads() {
        let other =
            object("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\n");
        assert!(Workload::of(&other).is_none());
        let sts = object("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\n");
        let w = Workload::of(&sts).unwrap();
        assert!(!w.is_deployment());
    }
}
