#!/usr/bin/env python3
"""The real C libyaml as a YAML oracle, for scalelint's parity tests.

Usage: yaml-oracle.py PATH...          one JSON line per input on stdout
       yaml-oracle.py --write-inputs OUT PATH...   write the inputs to OUT/ (fuzz seeds)

A PATH is a YAML file, a folder (every .yaml/.yml file under it), or the YAML test suite
(a folder with src/*.yaml, or its src/ folder): then every test case is an input, its
visible-whitespace markers converted as the suite's ReadMe.md says, with the suite's ids
(`ID`, or `ID-00`, `ID-01`, ... for files with several cases).

Each line: {"id": ..., "accepted": true, "documents": [TREE, ...]} or
{"id": ..., "accepted": false, "error": "..."}. A TREE is {"scalar": TEXT, "style":
"plain"|"single"|"double"|"literal"|"folded"}, {"seq": [TREE, ...]} or {"map": [[KEY, VALUE],
...]}, with aliases expanded.

Documents are composed by yaml.compose_all(text, Loader=yaml.CSafeLoader) (libyaml's parser
and PyYAML's C composer), then normalised as scalelint documents it reads YAML (following
go-yaml v3, as Kubernetes does): a repeated key keeps its first position and takes the last
key and value; `<<` merges the entries (with scalar keys) of the merged mappings that the
mapping does not set itself, earlier sources first; an alias inside the node its own anchor
names is an error; more than 256 nested collections or aliases expanding to more than 100,000
nodes in a document is an error. An anchor defined again (an error for libyaml's loader,
"found duplicate anchor") names the later node: such a stream is composed from the same C
parser's events instead.
"""

import json
import os
import sys

import yaml

MAX_DEPTH = 256
MAX_ALIAS_NODES = 100_000
STYLES = {None: "plain", "": "plain", "'": "single", '"': "double", "|": "literal", ">": "folded"}


class Rejected(Exception):
    pass


def unescape(text):
    """The suite's markers: ␣ space, ———» ——» —» » tab, ↵ nothing, ∎ no final newline,
    ← carriage return, ⇔ byte order mark."""
    text = text.replace("␣", " ")
    for tab in ("———»", "——»", "—»", "»"):
        text = text.replace(tab, "\t")
    text = text.replace("←", "\r").replace("⇔", "\ufeff").replace("↵", "")
    if text.endswith("∎\n"):
        text = text[: -len("∎\n")]
    elif text.endswith("∎"):
        text = text[:-1]
    return text


def suite_inputs(src):
    """(id, text) of every case of the suite's src/ folder; a case without `yaml` takes the
    previous case's (fail is never inherited)."""
    for name in sorted(os.listdir(src)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            cases = yaml.load(f, Loader=yaml.CSafeLoader)
        stem = name[: -len(".yaml")]
        previous = None
        for i, case in enumerate(cases):
            text = case.get("yaml", previous)
            previous = text
            yield (f"{stem}-{i:02d}" if len(cases) > 1 else stem), unescape(text)


def inputs(path):
    src = os.path.join(path, "src")
    if os.path.isdir(src) and os.path.basename(os.path.normpath(path)) == "yaml-test-suite":
        yield from suite_inputs(src)
        return
    if os.path.basename(os.path.normpath(path)) == "src" and os.path.isfile(
        os.path.join(path, "..", "ReadMe.md")
    ):
        yield from suite_inputs(path)
        return
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".yaml", ".yml")):
                    yield from inputs(os.path.join(root, name))
        return
    with open(path, "rb") as f:
        data = f.read()
    try:
        yield path, data.decode("utf-8")
    except UnicodeDecodeError:
        return  # scalelint reads only UTF-8: an io-error, never YAML.


# ------------------------------------------------------------------------------------------
# Normalising a composed graph


class Normaliser:
    def __init__(self):
        self.done = {}  # id(node) -> (tree, count)
        self.open = set()
        self.expanded = 0

    def tree(self, node, depth=0):
        key = id(node)
        if key in self.open:
            anchor = getattr(node, "anchor", None) or "?"
            raise Rejected(f"anchor {anchor!r} value contains itself")
        if key in self.done:
            # A second visit of a node object: an alias.
            tree, nodes = self.done[key]
            self.expanded += nodes
            if self.expanded > MAX_ALIAS_NODES:
                raise Rejected(f"aliases expand to more than {MAX_ALIAS_NODES} nodes")
            return tree
        if isinstance(node, yaml.ScalarNode):
            tree = {"scalar": node.value, "style": STYLES[node.style]}
        else:
            if depth >= MAX_DEPTH:
                raise Rejected(f"nesting deeper than {MAX_DEPTH}")
            self.open.add(key)
            if isinstance(node, yaml.SequenceNode):
                tree = {"seq": [self.tree(n, depth + 1) for n in node.value]}
            else:
                pairs = [(self.tree(k, depth + 1), self.tree(v, depth + 1)) for k, v in node.value]
                tree = {"map": mapping(pairs)}
            self.open.discard(key)
        self.done[key] = (tree, count(tree))
        return tree


def mapping(pairs):
    entries, merges = [], []
    for k, v in pairs:
        if k.get("scalar") == "<<" and k.get("style") == "plain":
            merges.append(v)
            continue
        text = k.get("scalar")
        at = next((i for i, (e, _) in enumerate(entries) if text is not None and e.get("scalar") == text), None)
        if at is None:
            entries.append([k, v])
        else:
            entries[at] = [k, v]
    sources = []
    for m in merges:
        if "map" in m:
            sources.append(m["map"])
        elif "seq" in m:
            sources.extend(item["map"] for item in m["seq"] if "map" in item)
    present = {e["scalar"] for e, _ in entries if "scalar" in e}
    for source in sources:
        for k, v in source:
            if "scalar" in k and k["scalar"] not in present:
                present.add(k["scalar"])
                entries.append([k, v])
    return entries


def count(tree):
    if "seq" in tree:
        return 1 + sum(count(t) for t in tree["seq"])
    if "map" in tree:
        return 1 + sum(count(k) + count(v) for k, v in tree["map"])
    return 1


def compose_graph(text):
    """compose_all with CSafeLoader, normalised."""
    documents = []
    for node in yaml.compose_all(text, Loader=yaml.CSafeLoader):
        if node is None:
            continue
        documents.append(Normaliser().tree(node))
    return documents


def compose_events(text):
    """The same C parser's events, composed here with anchors that may be redefined (used
    when libyaml's loader says "found duplicate anchor")."""
    documents = []
    stack, anchors, root = [], {}, None
    norm = Normaliser()

    def attach(node):
        nonlocal root
        if not stack:
            root = node
        elif stack[-1][0] == "seq":
            stack[-1][1].append(node)
        else:
            stack[-1][1].append(node)

    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.DocumentStartEvent):
            stack, anchors, root, norm = [], {}, None, Normaliser()
        elif isinstance(event, yaml.DocumentEndEvent):
            if root is not None:
                documents.append(root)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise Rejected(f"found undefined alias {event.anchor!r}")
            tree, n = anchors[event.anchor]
            if tree is None:
                raise Rejected(f"anchor {event.anchor!r} value contains itself")
            norm.expanded += n
            if norm.expanded > MAX_ALIAS_NODES:
                raise Rejected(f"aliases expand to more than {MAX_ALIAS_NODES} nodes")
            attach(tree)
        elif isinstance(event, yaml.ScalarEvent):
            tree = {"scalar": event.value, "style": STYLES[event.style]}
            if event.anchor:
                anchors[event.anchor] = (tree, 1)
            attach(tree)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise Rejected(f"nesting deeper than {MAX_DEPTH}")
            if event.anchor:
                anchors[event.anchor] = (None, 0)
            kind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
            stack.append((kind, [], event.anchor))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            kind, items, anchor = stack.pop()
            if kind == "seq":
                tree = {"seq": items}
            else:
                tree = {"map": mapping(list(zip(items[0::2], items[1::2])))}
            if anchor:
                anchors[anchor] = (tree, count(tree))
            attach(tree)
    return documents


def oracle(text):
    try:
        try:
            return {"accepted": True, "documents": compose_graph(text)}
        except yaml.composer.ComposerError as e:
            if "found duplicate anchor" not in str(e):
                raise
            return {"accepted": True, "documents": compose_events(text)}
    except (yaml.YAMLError, Rejected, RecursionError) as e:
        return {"accepted": False, "error": str(e).replace("\n", " ")}


def main(argv):
    if not hasattr(yaml, "CSafeLoader"):
        sys.exit("yaml-oracle.py: this PyYAML has no CSafeLoader (no libyaml)")
    out_dir = None
    if argv[:1] == ["--write-inputs"]:
        out_dir, argv = argv[1], argv[2:]
        os.makedirs(out_dir, exist_ok=True)
    if not argv:
        sys.exit(__doc__)
    sys.setrecursionlimit(20_000)
    for path in argv:
        for ident, text in inputs(path):
            if out_dir is not None:
                name = ident.replace(os.sep, "__").replace("/", "__")
                with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="") as f:
                    f.write(text)
                continue
            line = {"id": ident}
            line.update(oracle(text))
            print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
