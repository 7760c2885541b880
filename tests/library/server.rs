//! The language server through an in-memory connection (`lsp-server`'s): diagnostics from
//! unsaved text, a quick fix that makes its diagnostic go away, a cross-resource diagnostic
//! in one buffer updated by an edit in another or by files changed on disk, hover, and a
//! clean shutdown.

use crate::common::HPA;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: web:1
";

struct Client {
    conn: Connection,
    next: i32,
}

impl Client {
    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.to_string(),
                params,
            )))
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.to_string(),
                params,
            )))
            .unwrap();
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(30))
                .unwrap()
            {
                Message::Response(r) if r.id == id => return r.result.unwrap_or(Value::Null),
                _ => {}
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            if let Message::Notification(n) = self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(30))
                .unwrap()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
            {
                return n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }
}

fn uri(path: &Path) -> String {
    scalelint::server::uri_of(path)
        .unwrap()
        .as_str()
        .to_string()
}

fn rules(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn diagnostics_quick_fixes_cross_file_updates_and_hover() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    let (hpa, deploy) = (root.join("hpa.yaml"), root.join("deploy.yaml"));
    // On disk, the HPA is fine; the editor's unsaved text is not.
    std::fs::write(&hpa, HPA.replace("minReplicas: 1", "minReplicas: 3")).unwrap();
    std::fs::write(&deploy, DEPLOYMENT).unwrap();
    let (server, conn) = Connection::memory();
    let thread = std::thread::spawn(move || scalelint::server::serve(server));
    let mut client = Client { conn, next: 0 };
    let watching = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let init = client.request(
        "initialize",
        json!({"capabilities": watching, "rootUri": uri(&root)}),
    );
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    client.notify("initialized", json!({}));
    // The client can watch files: the server asks it to watch the YAML files.
    match client.conn.receiver.recv_timeout(Duration::from_secs(30)) {
        Ok(Message::Request(r)) => {
            assert_eq!(r.method, "client/registerCapability");
            let registration = &r.params["registrations"][0];
            assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
            assert_eq!(
                registration["registerOptions"]["watchers"][0]["globPattern"],
                "**/*.{yaml,yml,json,YAML,YML,JSON}"
            );
        }
        other => panic!("{other:?}"),
    }

    let (hpa_uri, deploy_uri) = (uri(&hpa), uri(&deploy));
    let open = |c: &Client, u: &str, text: &str| {
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}}),
        )
    };
    open(&client, &hpa_uri, HPA);
    let diags = client.diagnostics(&hpa_uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "hpa-min-replicas")
        .unwrap_or_else(|| panic!("{diags:#?}"))
        .clone();
    assert_eq!(d["range"]["start"], json!({"line": 9, "character": 15}));
    assert_eq!(d["severity"], 1);
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("#hpa-min-replicas")
    );
    // The Deployment is found on disk: no hpa-target-not-found.
    assert!(!rules(&diags).contains(&"hpa-target-not-found".to_string()));

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": hpa_uri}, "position": {"line": 9, "character": 15}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("## hpa-min-replicas")
    );

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": hpa_uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["title"] == "set `minReplicas: 2`")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    let edits = &fix["edit"]["changes"][&hpa_uri];
    assert_eq!(edits[0]["newText"], "2");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 9, "character": 15})
    );
    assert!(
        actions
            .iter()
            .any(|a| a["title"] == "Suppress `hpa-min-replicas` on this line")
    );
    assert!(
        actions
            .iter()
            .any(|a| a["kind"] == scalelint::server::FIX_ALL)
    );

    // The fix applied in the buffer: the diagnostic goes.
    let fixed = HPA.replace("minReplicas: 1", "minReplicas: 2");
    let change = |c: &Client, u: &str, text: &str| {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": text}]}),
        )
    };
    change(&client, &hpa_uri, &fixed);
    let diags = client.diagnostics(&hpa_uri);
    assert!(
        !rules(&diags).contains(&"hpa-min-replicas".to_string()),
        "{diags:#?}"
    );

    // Renaming the Deployment in its (unsaved) buffer: the HPA's target is gone.
    open(&client, &deploy_uri, DEPLOYMENT);
    client.diagnostics(&hpa_uri);
    change(
        &client,
        &deploy_uri,
        &DEPLOYMENT.replace("  name: web\nspec", "  name: api\nspec"),
    );
    let diags = client.diagnostics(&hpa_uri);
    assert!(
        rules(&diags).contains(&"hpa-target-not-found".to_string()),
        "{diags:#?}"
    );

    // Closed, the Deployment is read from disk again (where it is `web`).
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": deploy_uri}}),
    );
    let found = |diags: &[Value]| !rules(diags).contains(&"hpa-target-not-found".to_string());
    let diags = client.diagnostics(&hpa_uri);
    assert!(found(&diags), "{diags:#?}");

    // Changed on disk by another program, as the client's watcher reports: read again.
    std::fs::write(
        &deploy,
        DEPLOYMENT.replace("  name: web\nspec", "  name: api-server\nspec"),
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": deploy_uri, "type": 2}]}),
    );
    let diags = client.diagnostics(&hpa_uri);
    assert!(!found(&diags), "{diags:#?}");

    // A file created and reported by the client's watcher is indexed.
    let web = root.join("web.yaml");
    std::fs::write(&web, DEPLOYMENT).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&web), "type": 1}]}),
    );
    let diags = client.diagnostics(&hpa_uri);
    assert!(found(&diags), "{diags:#?}");

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    thread.join().unwrap().unwrap();
}

/// A configuration that does not load is a diagnostic on its file; the built-in rules run
/// meanwhile, and saving a fixed configuration clears it. A rule named in a suppression
/// comment explains itself on hover; pull diagnostics answer too.
#[test]
fn a_broken_configuration_is_a_diagnostic_and_suppressed_rules_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    let config = root.join(".scalelint.yaml");
    std::fs::write(&config, "rules:\n  no-such-rule: error\n").unwrap();
    let (server, conn) = Connection::memory();
    let thread = std::thread::spawn(move || scalelint::server::serve(server));
    let mut client = Client { conn, next: 0 };
    let caps = json!({"textDocument": {"diagnostic": {}}});
    let init = client.request(
        "initialize",
        json!({"capabilities": caps, "rootUri": uri(&root)}),
    );
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    client.notify("initialized", json!({}));
    let diags = client.diagnostics(&uri(&config));
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("no-such-rule"),
        "{diags:#?}"
    );
    assert_eq!(diags[0]["range"]["start"]["line"], 1);

    let hpa = root.join("hpa.yaml");
    let text = HPA.replace(
        "  minReplicas: 1\n",
        "  # scalelint-disable-next-line hpa-min-replicas -- one replica in dev\n  minReplicas: 1\n",
    );
    std::fs::write(&hpa, &text).unwrap();
    let hpa_uri = uri(&hpa);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": hpa_uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let diags = client.diagnostics(&hpa_uri);
    assert!(
        !rules(&diags).contains(&"hpa-min-replicas".to_string()),
        "{diags:#?}"
    );
    assert!(
        rules(&diags).contains(&"hpa-scale-down-rate".to_string()),
        "built-in rules run"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": hpa_uri}, "position": {"line": 9, "character": 40}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("## hpa-min-replicas"),
        "{hover}"
    );
    let pulled = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": hpa_uri}}),
    );
    assert_eq!(pulled["kind"], "full");
    assert_eq!(pulled["items"].as_array().unwrap().len(), diags.len());

    std::fs::write(&config, "rules:\n  hpa-scale-down-rate: off\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    assert!(client.diagnostics(&uri(&config)).is_empty());
    let diags = client.diagnostics(&hpa_uri);
    assert!(
        !rules(&diags).contains(&"hpa-scale-down-rate".to_string()),
        "{diags:#?}"
    );

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    thread.join().unwrap().unwrap();
}
