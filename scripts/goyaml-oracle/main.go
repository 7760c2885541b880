// goyaml-oracle: what go-yaml v3 (kustomize's YAML library; kubectl's go-yaml v2 shares its
// scanner and parser) makes of YAML files, for scalelint's differential tests
// (tests/library/yaml_goyaml.rs). Built by .ci/run from Debian's golang-go and
// golang-gopkg-yaml.v3-dev, in GOPATH mode (no module download):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o BIN scripts/goyaml-oracle/main.go
//
// Usage: goyaml-oracle reads JSON lines {"id":ID,"text":YAML} on standard input and prints,
// for each, one JSON line (the shape scripts/yaml-oracle.py prints for the C libyaml):
//
//	{"id":ID,"accepted":true,"documents":[TREE,...]}  or  {"id":ID,"accepted":false,"error":"..."}
//
// TREE is {"scalar":TEXT,"style":"plain|single|double|literal|folded"}, {"seq":[TREE,...]} or
// {"map":[[KEY,VALUE],...]}, normalised as scalelint's tree is: aliases expanded, a repeated
// key replaces the earlier entry in its place, merge keys (`<<`) add the entries the mapping
// does not set itself (earlier sources first), an alias inside the node its anchor names is
// an error (as go-yaml's decoder says: "anchor 'x' value contains itself"), and so are more
// than 256 nested collections or aliases expanding to more than 100,000 nodes in a document
// (scalelint's limits).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

const (
	maxDepth      = 256
	maxAliasNodes = 100000
)

type tree = map[string]interface{}

type converter struct {
	open     map[*yaml.Node]bool
	depth    int
	expanded int
}

// count is the number of nodes under n, keys included (scalelint's Node::count).
func count(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		return count(n.Alias)
	}
	total := 1
	for _, c := range n.Content {
		total += count(c)
	}
	return total
}

func (c *converter) convert(n *yaml.Node) (interface{}, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return tree{"scalar": "", "style": "plain"}, nil
		}
		return c.convert(n.Content[0])
	case yaml.AliasNode:
		if c.open[n.Alias] {
			return nil, fmt.Errorf("anchor '%s' value contains itself", n.Value)
		}
		c.expanded += count(n.Alias)
		if c.expanded > maxAliasNodes {
			return nil, fmt.Errorf("aliases expand to more than %d nodes", maxAliasNodes)
		}
		return c.convert(n.Alias)
	case yaml.ScalarNode:
		style := "plain"
		switch {
		case n.Style&yaml.DoubleQuotedStyle != 0:
			style = "double"
		case n.Style&yaml.SingleQuotedStyle != 0:
			style = "single"
		case n.Style&yaml.LiteralStyle != 0:
			style = "literal"
		case n.Style&yaml.FoldedStyle != 0:
			style = "folded"
		}
		return tree{"scalar": n.Value, "style": style}, nil
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxDepth {
		return nil, fmt.Errorf("nesting is deeper than %d levels", maxDepth)
	}
	c.open[n] = true
	defer delete(c.open, n)
	if n.Kind == yaml.SequenceNode {
		items := []interface{}{}
		for _, item := range n.Content {
			t, err := c.convert(item)
			if err != nil {
				return nil, err
			}
			items = append(items, t)
		}
		return tree{"seq": items}, nil
	}
	entries := [][2]interface{}{}
	index := map[string]int{}
	var merges []interface{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		value, err := c.convert(v)
		if err != nil {
			return nil, err
		}
		if k.Kind == yaml.ScalarNode && k.Style == 0 && k.Value == "<<" {
			merges = append(merges, value)
			continue
		}
		key, err := c.convert(k)
		if err != nil {
			return nil, err
		}
		if k.Kind == yaml.ScalarNode {
			if at, seen := index[k.Value]; seen {
				entries[at] = [2]interface{}{key, value}
				continue
			}
			index[k.Value] = len(entries)
		}
		entries = append(entries, [2]interface{}{key, value})
	}
	for _, m := range merges {
		var sources []interface{}
		if t, ok := m.(tree); ok {
			if items, ok := t["seq"].([]interface{}); ok {
				sources = items
			} else {
				sources = []interface{}{t}
			}
		}
		for _, s := range sources {
			t, ok := s.(tree)
			if !ok {
				continue
			}
			pairs, ok := t["map"].([][2]interface{})
			if !ok {
				continue
			}
			for _, p := range pairs {
				kt, ok := p[0].(tree)
				if !ok {
					continue
				}
				text, ok := kt["scalar"].(string)
				if !ok {
					continue
				}
				if _, seen := index[text]; seen {
					continue
				}
				index[text] = len(entries)
				entries = append(entries, p)
			}
		}
	}
	return tree{"map": entries}, nil
}

func read(data []byte) tree {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	docs := []interface{}{}
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return tree{"accepted": true, "documents": docs}
		}
		if err != nil {
			return tree{"accepted": false, "error": err.Error()}
		}
		t, err := (&converter{open: map[*yaml.Node]bool{}}).convert(&n)
		if err != nil {
			return tree{"accepted": false, "error": err.Error()}
		}
		docs = append(docs, t)
	}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	for in.Scan() {
		var input struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(in.Bytes(), &input); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		result := read([]byte(input.Text))
		result["id"] = input.ID
		if err := out.Encode(result); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
