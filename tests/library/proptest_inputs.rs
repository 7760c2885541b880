//! Stable stand-in for the fuzz targets (issue 10): random and mutated inputs through the YAML
//! parser and the whole `lint_sources`, in every format. The ini/conf/properties parsers have
//! their own property tests beside them in `src/sources/`.

use proptest::prelude::*;
use scalelint::sources::yaml;
use scalelint::{RuleSet, lint_sources};
use std::sync::OnceLock;

const NAMES: [&str; 5] = [
    "x.yaml",
    "pgbouncer.ini",
    "redis.conf",
    "server.properties",
    "x",
];

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| scalelint::builtin_rules().unwrap())
}

/// A few real files to mutate: the repository's own examples and fixtures (always present).
fn seeds() -> &'static Vec<String> {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        [
            "examples/shop/api/hpa.yaml",
            "fixtures/hpa-min-replicas/fail.yaml",
            "fixtures/pgbouncer-pool-mode/fail.ini",
            "fixtures/redis-maxmemory/fail.conf",
            "fixtures/kafka-replication-factor/fail.properties",
            "fixtures/redis-maxmemory/fail-configmap.yaml",
            "fixtures/pgbouncer-pool-mode/fail-configmap.yaml",
            "fixtures/pgbouncer-pool-mode/fail-postgrescluster.yaml",
        ]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect()
    })
}

fn lint_all_names(text: &str) {
    for name in NAMES {
        lint_sources(vec![(name.to_string(), text.to_string())], rules());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        yaml::parse(&text, yaml::Limits::default());
        lint_all_names(&text);
    }

    #[test]
    fn yaml_like_text_never_panics(
        text in "([-a-z:&*!|>\\[\\]{},#\"'? \t\r\n0-9%<]{0,16}\n?){0,24}"
    ) {
        let parsed = yaml::parse(&text, yaml::Limits::default());
        yaml::comments(&text, &parsed);
        lint_all_names(&text);
    }

    #[test]
    fn mutated_seeds_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let mut bytes = pick.get(seeds).clone().into_bytes();
        prop_assume!(!bytes.is_empty());
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        bytes.truncate(cut.index(bytes.len() + 1).max(1));
        let text = String::from_utf8_lossy(&bytes);
        lint_all_names(&text);
    }
}

/// A ConfigMap whose `key` holds `content`, written in one of YAML's scalar styles.
fn configmap(key: &str, content: &str, style: u8) -> String {
    let head = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  {key}: ");
    let block = |indicator: &str| {
        let body: String = content.lines().map(|l| format!("    {l}\n")).collect();
        format!("{head}{indicator}\n{body}")
    };
    match style % 4 {
        0 => block("|"),
        1 => block("|-"),
        2 => block(">"),
        _ => format!("{head}{}\n", serde_json::Value::String(content.to_string())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A config embedded in a ConfigMap, in any scalar style: every finding and label lies
    /// within the YAML file, on character boundaries.
    #[test]
    fn embedded_configs_point_inside_the_file(
        key in prop::sample::select(vec!["redis.conf", "sentinel.conf", "pgbouncer.ini", "server.properties", "app.conf"]),
        lines in proptest::collection::vec(
            "(maxmemory|maxmemory-policy|pool_mode|\\[pgbouncer\\]|default.replication.factor=|# scalelint-disable-next-line redis-maxmemory|sentinel monitor m h 6379|cluster-node-timeout) ?[a-zé0-9 #;=\\\\\"]{0,12}",
            0..8,
        ),
        style in any::<u8>(),
    ) {
        let text = configmap(key, &lines.join("\n"), style);
        let report = lint_sources(vec![("cm.yaml".to_string(), text.clone())], rules());
        for f in &report.findings {
            let spans = std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span));
            for s in spans {
                prop_assert!(s.start <= s.end && s.end <= text.len(), "{s:?} in {text:?}");
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
        }
    }
}

#[test]
fn seeds_are_found() {
    assert_eq!(seeds().len(), 8, "{}", seeds().len());
}

#[test]
fn embedded_findings_point_at_the_value_in_every_scalar_style() {
    for style in 0..4 {
        let text = configmap("redis.conf", "bind 0.0.0.0\nmaxmemory 0", style);
        let report = lint_sources(vec![("cm.yaml".to_string(), text.clone())], rules());
        let f = report
            .findings
            .iter()
            .find(|f| f.rule == "redis-maxmemory")
            .unwrap_or_else(|| panic!("style {style}: no redis-maxmemory in {text:?}"));
        if style == 2 {
            // Folded: the two lines are one to Redis (`bind 0.0.0.0 maxmemory 0`), which sets
            // no maxmemory at all: said at the key.
            assert!(f.message.contains("not set"), "{}", f.message);
            assert_eq!(&text[f.span.start..f.span.end], "redis.conf");
        } else {
            assert_eq!(
                &text[f.span.start..f.span.end],
                "0",
                "style {style}: {text:?}"
            );
        }
    }
}

/// A chart template with a few of everything the Helm tracer and evaluator read.
const TEMPLATE: &str = "{{- $a := .Values.autoscaling }}
{{- if $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include \"x.fullname\" . }}
  labels:
    {{- include \"x.labels\" . | nindent 4 }}
spec:
  minReplicas: {{ $a.minReplicas | default 2 }}
  metrics:
    {{- range .Values.metrics }}
    - type: {{ .type | quote }}
    {{- end }}
  behavior: {{- toYaml .Values.behavior | nindent 4 }}
{{- end }}
{{- define \"x.labels\" -}}
app: {{ .Chart.Name }}
{{- end }}
";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Mangled templates through the Helm tracer's parser, its `define` reader, the Go
    /// template evaluator and a trace of every place of a rendered object: nothing panics.
    #[test]
    fn mangled_helm_templates_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
    ) {
        use scalelint::engine::helm::{gotemplate, trace};
        let mut bytes = TEMPLATE.as_bytes().to_vec();
        for (i, b) in edits {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let text = String::from_utf8_lossy(&bytes).to_string();
        let skeleton = trace::Skeleton::parse(&text);
        let _ = trace::defines_of(std::path::Path::new("t.yaml"), &text);
        if let Ok(t) = gotemplate::parse(&text) {
            let mut defines = gotemplate::Defines::default();
            defines.add(0, &t);
            let ctx = gotemplate::Context {
                values: gotemplate::Val::Null,
                release_name: "r".into(),
                release_namespace: "default".into(),
                chart_name: "x".into(),
                chart_version: "1.0.0".into(),
                app_version: None,
                kube_version: "v1.31.0".into(),
            };
            let _ = gotemplate::render(&t, &defines, &ctx, "x/templates/t.yaml");
        }
        let rendered = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: r-x\nspec:\n  minReplicas: 1\n  metrics:\n    - type: \"Resource\"\n  behavior:\n    scaleDown: {}\n";
        let obj = scalelint::sources::load(
            0,
            "r.yaml".into(),
            rendered.into(),
            scalelint::sources::classify::Kind::Yaml,
        )
        .objects
        .remove(0);
        let start = at.index(rendered.len());
        let span = scalelint::model::Span::new(start, (start + 3).min(rendered.len()));
        let none = |_: &str| None;
        let _ = skeleton.locate(&text, &obj, span, &trace::Values::default(), &none);
    }
}

/// Each seed's name, so a fix loop reads it in its format.
const SEED_NAMES: [&str; 8] = [
    "hpa.yaml",
    "fail.yaml",
    "pgbouncer.ini",
    "redis.conf",
    "server.properties",
    "configmap.yaml",
    "configmap.yaml",
    "cluster.yaml",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every fix of a seed with lines dropped or repeated (indentation and structure broken
    /// in ways people break them) applies without panicking, converges, and leaves no more
    /// parse errors than there were.
    #[test]
    fn fixes_of_mangled_seeds_converge_and_never_break_parsing(
        seed in any::<prop::sample::Index>(),
        cuts in proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..4),
    ) {
        use scalelint::model::Applicability;
        let i = seed.index(seeds().len());
        let mut lines: Vec<&str> = seeds()[i].split_inclusive('\n').collect();
        for (at, repeat) in &cuts {
            if lines.is_empty() {
                break;
            }
            let k = at.index(lines.len());
            if *repeat {
                let line = lines[k];
                lines.insert(k, line);
            } else {
                lines.remove(k);
            }
        }
        let text: String = lines.concat();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SEED_NAMES[i]);
        std::fs::write(&path, &text).unwrap();
        let opts = scalelint::engine::Options { paths: vec![path.clone()], ..Default::default() };
        let parse_errors = |r: &scalelint::Report| {
            r.findings.iter().filter(|f| f.rule == "parse-error").count()
        };
        let before = scalelint::engine::lint(&opts, rules());
        let fixed = scalelint::engine::fix::run(&opts, rules(), Applicability::Unsafe, |_| {});
        prop_assert!(fixed.converged, "{text}");
        prop_assert!(parse_errors(&fixed.report) <= parse_errors(&before), "{text}\n{:?}", fixed.changes);
    }
}
