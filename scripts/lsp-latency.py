#!/usr/bin/env python3
# Latency of `scalelint server`: opens FILE in the workspace ROOT, then 30 times replaces its
# whole text (a changed maxReplicas) and times didChange until its publishDiagnostics.
# Usage: [LSP_WATCHED=1] SCALELINT_BIN=$PWD/target/release/scalelint python3 scripts/lsp-latency.py ROOT FILE
import json, subprocess, sys, time, os
root = sys.argv[1]; target = sys.argv[2]
text = open(target).read()
def msg(o):
    b = json.dumps(o).encode(); return b"Content-Length: %d\r\n\r\n" % len(b) + b
p = subprocess.Popen([os.environ.get("SCALELINT_BIN", "target/release/scalelint"), "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root)
def send(o): p.stdin.write(msg(o)); p.stdin.flush()
def recv():
    h = b""
    while not h.endswith(b"\r\n\r\n"): h += p.stdout.read(1)
    n = int(h.split(b"Content-Length: ")[1].split(b"\r\n")[0]); return json.loads(p.stdout.read(n))
uri = "file://" + os.path.abspath(target)
# LSP_WATCHED=1: a client that watches the workspace's files for the server (VS Code, Neovim 0.9+).
caps = {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}} if os.environ.get("LSP_WATCHED") else {}
send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":caps,"rootUri":"file://"+os.path.abspath(root)}}); recv()
send({"jsonrpc":"2.0","method":"initialized","params":{}})
send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"yaml","version":1,"text":text}}})
while recv().get("method") != "textDocument/publishDiagnostics": pass
times = []
for i in range(30):
    t = time.perf_counter()
    send({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":uri,"version":i+2},"contentChanges":[{"text":text.replace("maxReplicas: 10", "maxReplicas: %d" % (10 + i % 3))}]}})
    while True:
        m = recv()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri: break
    times.append((time.perf_counter() - t) * 1000)
times.sort(); print("lines", text.count("\n"), "median %.1f ms, p90 %.1f ms" % (times[len(times)//2], times[int(len(times)*0.9)]))
send({"jsonrpc":"2.0","id":9,"method":"shutdown","params":None}); recv(); send({"jsonrpc":"2.0","method":"exit","params":None})
