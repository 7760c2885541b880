//! `scalelint server`: a language server over stdio (rust-analyzer's `lsp-server` transport,
//! `lsp-types`). Open documents are linted from their unsaved text, as the files named on a
//! command line with the workspace indexed around them (`Options::project_index`): an HPA in
//! one buffer finds its Deployment in another buffer or on disk. Diagnostics are pushed on
//! open, change, save and close; each fix of the autofix model is a quick fix, all safe fixes
//! are `source.fixAll.scalelint`, any finding can be suppressed by a comment above it, and a
//! hover on a finding explains its rule.

use crate::docs;
use crate::engine::{self, Overlay, Report, fix::apply_fixes};
use crate::model::{Applicability, ColumnUnit, Finding, Fix, Level, SourceFile, Span};
use crate::project::Project;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeDescription, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, Hover, HoverContents, HoverParams,
    Location, MarkupContent, MarkupKind, NumberOrString, Position, PublishDiagnosticsParams, Range,
    TextEdit, Uri, WorkspaceEdit,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// The kind of the action that applies every safe fix of a document.
pub const FIX_ALL: &str = "source.fixAll.scalelint";

/// Serves on standard input and output until the client says `exit`.
pub fn run_stdio() -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    serve(connection)?;
    threads.join().map_err(|e| e.to_string())
}

/// Serves one client on `connection` (stdio, or an in-memory one in tests).
pub fn serve(connection: Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let mut capabilities = serde_json::json!({
        "positionEncoding": "utf-16",
        "textDocumentSync": 1,
        "codeActionProvider": {
            "codeActionKinds": ["quickfix", FIX_ALL],
        },
        "hoverProvider": true,
    });
    // Pull diagnostics too, for a client that asks for them (pushed ones go to every client).
    if params
        .pointer("/capabilities/textDocument/diagnostic")
        .is_some()
    {
        capabilities["diagnosticProvider"] = serde_json::json!({
            "interFileDependencies": true,
            "workspaceDiagnostics": false,
        });
    }
    let info = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "scalelint", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, info)
        .map_err(|e| e.to_string())?;
    let root = workspace_root(&params)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let watched = params
        .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
        .and_then(serde_json::Value::as_bool)
        == Some(true);
    let mut server = Server::new(root, watched)?;
    // `initialized` was read by `initialize_finish`: a configuration problem is said now.
    for out in server.publish_problem() {
        send(&connection, Message::Notification(out))?;
    }
    // The workspace's files are walked and read once; a client that can watch them says
    // which are created, changed or deleted (with others, a save makes the next lint walk
    // again, and each lint looks at the files' lengths and modification times).
    if server.watched {
        send(&connection, Message::Request(watch_files()))?;
    }
    let mut pending: Option<Request> = None;
    loop {
        let message = match pending.take() {
            Some(req) => Message::Request(req),
            None => match connection.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            },
        };
        match message {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let response = server.request(req);
                send(&connection, Message::Response(response))?;
            }
            Message::Notification(n) => {
                // Typing sends a change per keystroke: what is already queued is taken with
                // it and linted once (a request waits for that lint).
                let mut batch = vec![n];
                while let Ok(next) = connection.receiver.try_recv() {
                    match next {
                        Message::Notification(n) => batch.push(n),
                        Message::Request(req) => {
                            pending = Some(req);
                            break;
                        }
                        Message::Response(_) => {}
                    }
                }
                for out in server.notifications(batch) {
                    send(&connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
}

fn context_cache(watched: bool) -> Arc<engine::ContextCache> {
    let cache = engine::ContextCache::new();
    if watched {
        cache.watched();
    }
    Arc::new(cache)
}

/// Asks the client to say when YAML files or scalelint's configuration change.
fn watch_files() -> Request {
    // What `classify::by_name` reads as YAML (context files), and custom rules.
    let watchers: Vec<serde_json::Value> = [
        "**/*.{yaml,yml,json,YAML,YML,JSON}",
        "**/Kustomization",
        "**/.scalelint/**",
    ]
    .iter()
    .map(|glob| serde_json::json!({"globPattern": glob}))
    .collect();
    Request::new(
        RequestId::from("scalelint/watch".to_string()),
        "client/registerCapability".to_string(),
        serde_json::json!({"registrations": [{
            "id": "scalelint-watch",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": watchers},
        }]}),
    )
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection.sender.send(message).map_err(|e| e.to_string())
}

/// The workspace folder (or root URI) the client opened.
fn workspace_root(params: &serde_json::Value) -> Option<PathBuf> {
    let uri = params
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| params.get("rootUri"))
        .and_then(|u| u.as_str())?;
    path_of(uri)
}

/// A `file:` URI's path, percent-decoded.
pub fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let encoded = crate::render::sarif::uri(&path.to_string_lossy());
    Uri::from_str(&format!("file://{encoded}")).ok()
}

/// An open document.
struct Doc {
    uri: Uri,
    text: String,
}

struct Server {
    root: PathBuf,
    project: Project,
    rules: engine::RuleSet,
    docs: BTreeMap<PathBuf, Doc>,
    /// The last lint of the open documents.
    report: Option<Report>,
    /// Why the project's configuration (or a custom rule) did not load, where: the built-in
    /// rules run meanwhile, and the error is a diagnostic on that file.
    problem: Option<(PathBuf, Diagnostic)>,
    /// The file the last problem was published on, to clear it once fixed.
    published_problem: Option<PathBuf>,
    /// The workspace's other files, checked once and again only when they change.
    context: Arc<engine::ContextCache>,
    /// The client watches the workspace's files for the server.
    watched: bool,
}

/// A project, its rules, and why the project's own configuration did not load (where).
type Loaded = (Project, engine::RuleSet, Option<(PathBuf, Diagnostic)>);

/// The project of `root`, or the built-in rules and why the project's did not load.
fn load(root: &Path) -> Result<Loaded, String> {
    let loaded = Project::load(root, None).map_err(|e| match e {
        crate::project::ProjectError::Config(c) => Some(c),
        crate::project::ProjectError::Rules(_) => None,
    });
    let (project, problem) = match loaded {
        Ok(p) => (p, None),
        Err(config_error) => {
            let project = Project {
                catalog: crate::project::builtin_catalog().map_err(|e| e.to_string())?,
                config: crate::engine::config::Config::default(),
                root: Some(root.to_path_buf()),
            };
            let problem = config_error.map(|c| {
                let file = crate::engine::config::discover(root)
                    .filter(|_| c.path.is_empty())
                    .unwrap_or_else(|| std::env::current_dir().unwrap_or_default().join(&c.path));
                let file = std::fs::canonicalize(&file).unwrap_or(file);
                let at = c.at.map_or(Position::new(0, 0), |(_, lc)| {
                    Position::new(
                        u32::try_from(lc.line.saturating_sub(1)).unwrap_or(0),
                        u32::try_from(lc.column.saturating_sub(1)).unwrap_or(0),
                    )
                });
                let diagnostic = Diagnostic {
                    range: Range::new(at, at),
                    severity: Some(DiagnosticSeverity::ERROR),
                    source: Some("scalelint".to_string()),
                    message: format!(
                        "{}; the built-in rules with their defaults run until this is fixed",
                        c.message
                    ),
                    ..Default::default()
                };
                (file, diagnostic)
            });
            (project, problem)
        }
    };
    let rules = project.rules().map_err(|e| e.to_string())?;
    Ok((project, rules, problem))
}

impl Server {
    fn new(root: PathBuf, watched: bool) -> Result<Server, String> {
        let (project, rules, problem) = load(&root)?;
        Ok(Server {
            root,
            project,
            rules,
            docs: BTreeMap::new(),
            report: None,
            problem,
            published_problem: None,
            context: context_cache(watched),
            watched,
        })
    }

    /// Loads the configuration and custom rules again (one was saved or changed on disk).
    fn reload(&mut self) {
        if let Ok((project, rules, problem)) = load(&self.root) {
            self.project = project;
            self.rules = rules;
            self.problem = problem;
            // What the index keeps of a file depends on the rules.
            self.context = context_cache(self.watched);
        }
    }

    /// The configuration's problem, published on its file (or cleared there).
    fn publish_problem(&mut self) -> Vec<Notification> {
        let mut out = Vec::new();
        let now = self.problem.as_ref().map(|(p, _)| p.clone());
        if let Some(old) = self.published_problem.take()
            && Some(&old) != now.as_ref()
            && let Some(uri) = uri_of(&old)
        {
            out.push(publish(uri, Vec::new()));
        }
        if let Some((path, d)) = &self.problem
            && let Some(uri) = uri_of(path)
        {
            out.push(publish(uri, vec![d.clone()]));
            self.published_problem = Some(path.clone());
        }
        out
    }

    /// Applies a batch of notifications, then lints once and publishes.
    fn notifications(&mut self, batch: Vec<Notification>) -> Vec<Notification> {
        let mut closed = Vec::new();
        let mut relevant = false;
        for n in batch {
            relevant |= self.apply(n, &mut closed);
        }
        if !relevant {
            return Vec::new();
        }
        self.lint();
        let mut out = self.publish_problem();
        out.extend(self.publish());
        out.extend(closed.into_iter().map(|uri| publish(uri, Vec::new())));
        out
    }

    /// Applies one notification; whether it may change the diagnostics.
    fn apply(&mut self, n: Notification, closed: &mut Vec<Uri>) -> bool {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return false;
                };
                if let Some(path) = path_of(p.text_document.uri.as_str()) {
                    self.docs.insert(
                        path,
                        Doc {
                            uri: p.text_document.uri,
                            text: p.text_document.text,
                        },
                    );
                }
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return false;
                };
                // Full sync: the last change is the whole text.
                let path = path_of(p.text_document.uri.as_str());
                if let (Some(doc), Some(change)) = (
                    path.and_then(|p| self.docs.get_mut(&p)),
                    p.content_changes.into_iter().last(),
                ) {
                    doc.text = change.text;
                }
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return false;
                };
                if let Some(path) = path_of(p.text_document.uri.as_str()) {
                    self.docs.remove(&path);
                }
                closed.push(p.text_document.uri);
            }
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                // A configuration or custom rule saved: the rules change.
                let text = n.params.to_string();
                if text.contains(".scalelint") {
                    self.reload();
                }
                let changes = n
                    .params
                    .get("changes")
                    .and_then(|c| c.as_array())
                    .map_or(&[][..], Vec::as_slice);
                // Created or deleted (type 1, 3), or saved, perhaps for the first time, where
                // no watcher says so: the workspace is walked again.
                let walk = if n.method == "textDocument/didSave" {
                    !self.watched
                } else {
                    changes
                        .iter()
                        .any(|c| c.get("type").and_then(|t| t.as_u64()) != Some(2))
                };
                if walk {
                    self.context.forget_files();
                }
                for path in changes
                    .iter()
                    .filter_map(|c| c.get("uri")?.as_str())
                    .filter_map(path_of)
                {
                    self.context.forget(&path);
                }
            }
            _ => return false,
        }
        true
    }

    /// Lints the open documents from their text, with the workspace indexed around them.
    fn lint(&mut self) {
        if self.docs.is_empty() {
            self.report = None;
            return;
        }
        let overlay: Overlay = self
            .docs
            .iter()
            .map(|(path, doc)| (path.clone(), doc.text.to_string()))
            .collect();
        let cfg = &self.project.config;
        let opts = engine::Options {
            paths: self.docs.keys().cloned().collect(),
            project_index: true,
            exclude: crate::project::exclude_of(cfg).ok().flatten(),
            kustomize: cfg.kustomize.clone(),
            helm: cfg.helm.clone(),
            overlay: Some(Arc::new(overlay)),
            root: Some(self.root.clone()),
            context_cache: Some(Arc::clone(&self.context)),
            ..Default::default()
        };
        self.report = Some(engine::lint(&opts, &self.rules));
    }

    /// Each open document's diagnostics.
    fn publish(&self) -> Vec<Notification> {
        self.docs
            .iter()
            .map(|(path, doc)| {
                let diagnostics = self
                    .findings_in(path)
                    .map(|(report, f)| diagnostic(report, f))
                    .collect();
                publish(doc.uri.clone(), diagnostics)
            })
            .collect()
    }

    /// The findings whose primary place is in the document at `path`, with the report.
    fn findings_in<'a>(
        &'a self,
        path: &'a Path,
    ) -> impl Iterator<Item = (&'a Report, &'a Finding)> {
        self.report.iter().flat_map(move |report| {
            report
                .findings
                .iter()
                .filter(move |f| {
                    report
                        .files
                        .get(f.file)
                        .and_then(|s| s.disk.as_deref())
                        .is_some_and(|d| d == path)
                })
                .map(move |f| (report, f))
        })
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/codeAction" => serde_json::from_value::<CodeActionParams>(req.params)
                .ok()
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or_default()),
            "textDocument/diagnostic" => req
                .params
                .pointer("/textDocument/uri")
                .and_then(|u| u.as_str())
                .and_then(path_of)
                .map(|path| {
                    let items: Vec<Diagnostic> = self
                        .findings_in(&path)
                        .map(|(report, f)| diagnostic(report, f))
                        .collect();
                    serde_json::json!({"kind": "full", "items": items})
                }),
            "textDocument/hover" => serde_json::from_value::<HoverParams>(req.params)
                .ok()
                .map(|p| serde_json::to_value(self.hover(&p)).unwrap_or_default()),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("scalelint does not answer {}", req.method),
                );
            }
        };
        match result {
            Some(value) => Response::new_ok(id, value),
            None => invalid(id),
        }
    }

    fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        let Some(path) = path_of(uri.as_str()) else {
            return Vec::new();
        };
        let wanted = |kind: &str| {
            p.context
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|k| kind.starts_with(k.as_str())))
        };
        let mut out = Vec::new();
        let mut safe: Vec<&Fix> = Vec::new();
        let mut source: Option<&SourceFile> = None;
        for (report, f) in self.findings_in(&path) {
            let Some(file) = report.files.get(f.file) else {
                continue;
            };
            source = Some(file);
            if let Some(fix) = f.fix.as_ref().filter(|x| x.applies_at(Applicability::Safe)) {
                safe.push(fix);
            }
            if !wanted("quickfix") || !overlaps(file, f.span, p.range) {
                continue;
            }
            let diag = diagnostic(report, f);
            if let Some(fix) = f
                .fix
                .as_ref()
                .filter(|x| x.applies_at(Applicability::Unsafe))
            {
                let title = match fix.applicability {
                    Applicability::Safe => fix.message.clone(),
                    _ => format!("{} (unsafe: review it)", fix.message),
                };
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit::new(range(file, e.span), e.replacement.clone()))
                    .collect();
                out.push(action(
                    title,
                    CodeActionKind::QUICKFIX,
                    uri,
                    edits,
                    Some(diag.clone()),
                    fix.applicability == Applicability::Safe,
                ));
            }
            out.push(action(
                format!("Suppress `{}` on this line", f.rule),
                CodeActionKind::QUICKFIX,
                uri,
                vec![suppression(file, f)],
                Some(diag),
                false,
            ));
        }
        if let Some(file) = source
            && !safe.is_empty()
            && wanted(FIX_ALL)
            && let Some((text, _)) = apply_fixes(&file.text, &safe)
            && text != file.text
        {
            let whole = Range::new(Position::new(0, 0), position(file, file.text.len()));
            out.push(action(
                "Fix all safe scalelint findings".to_string(),
                CodeActionKind::from(FIX_ALL.to_string()),
                uri,
                vec![TextEdit::new(whole, text)],
                None,
                false,
            ));
        }
        out
    }

    fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let at = &p.text_document_position_params;
        let path = path_of(at.text_document.uri.as_str())?;
        let mut sections = Vec::new();
        for (report, f) in self.findings_in(&path) {
            let file = report.files.get(f.file)?;
            let r = range(file, f.span);
            let inside = (r.start.line, r.start.character)
                <= (at.position.line, at.position.character)
                && (at.position.line, at.position.character) <= (r.end.line, r.end.character);
            if inside && let Some(meta) = report.catalog.find(&f.rule) {
                let text = docs::explain(meta);
                if !sections.contains(&text) {
                    sections.push(text);
                }
            }
        }
        if sections.is_empty()
            && let Some(rule) = self.suppressed_rule_at(&path, at.position)
            && let Some(meta) = self.project.catalog.find(&rule)
        {
            sections.push(docs::explain(meta));
        }
        (!sections.is_empty()).then(|| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: sections.join("\n---\n\n"),
            }),
            range: None,
        })
    }
}

impl Server {
    /// The rule named under `at` in a suppression comment or annotation of an open document.
    fn suppressed_rule_at(&self, path: &Path, at: Position) -> Option<String> {
        let doc = self.docs.get(path)?;
        let line = doc.text.lines().nth(usize::try_from(at.line).ok()?)?;
        if !(line.contains("scalelint-disable") || line.contains("scalelint.io/ignore")) {
            return None;
        }
        // The UTF-16 column as a byte offset in the line.
        let mut units = 0;
        let mut byte = line.len();
        for (i, c) in line.char_indices() {
            if units >= at.character as usize {
                byte = i;
                break;
            }
            units += c.len_utf16();
        }
        let is_name = |c: char| c.is_ascii_alphanumeric() || c == '-';
        let start = line
            .get(..byte)?
            .rfind(|c: char| !is_name(c))
            .map_or(0, |i| i + 1);
        let end = line
            .get(byte..)?
            .find(|c: char| !is_name(c))
            .map_or(line.len(), |i| byte + i);
        let word = line.get(start..end)?;
        (!word.is_empty()).then(|| word.to_string())
    }
}

fn invalid(id: RequestId) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::InvalidParams as i32,
        "invalid parameters".to_string(),
    )
}

fn publish(uri: Uri, diagnostics: Vec<Diagnostic>) -> Notification {
    Notification::new(
        "textDocument/publishDiagnostics".to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Uri,
    edits: Vec<TextEdit>,
    diagnostic: Option<Diagnostic>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}

/// A 0-based LSP position (UTF-16 columns) of byte `offset`.
fn position(file: &SourceFile, offset: usize) -> Position {
    let at = file.line_col_in(offset, ColumnUnit::Utf16);
    Position::new(
        u32::try_from(at.line.saturating_sub(1)).unwrap_or(u32::MAX),
        u32::try_from(at.column.saturating_sub(1)).unwrap_or(u32::MAX),
    )
}

fn range(file: &SourceFile, span: Span) -> Range {
    Range::new(
        position(file, span.start),
        position(file, span.end.max(span.start)),
    )
}

/// Whether `span` and the client's `r` share a line range (editors ask for the line the
/// cursor is on).
fn overlaps(file: &SourceFile, span: Span, r: Range) -> bool {
    let s = range(file, span);
    s.start.line <= r.end.line && r.start.line <= s.end.line
}

/// `scalelint-disable-next-line RULE` above the finding's line, at its indentation (every
/// format scalelint reads takes `#` at the start of a line as a comment).
fn suppression(file: &SourceFile, f: &Finding) -> TextEdit {
    let line = file.line_col(f.span.start).line;
    let text = file.line_text(line);
    let indent: String = text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let nl = if file.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let start = file.line_start(line);
    TextEdit::new(
        Range::new(position(file, start), position(file, start)),
        format!(
            "{indent}# scalelint-disable-next-line {} -- reason{nl}",
            f.rule
        ),
    )
}

/// A finding as the protocol shows it: the rule as code with a link to its docs, the
/// secondary places as related information, the help after the message.
fn diagnostic(report: &Report, f: &Finding) -> Diagnostic {
    let file = report.files.get(f.file);
    let r = file.map_or_else(Range::default, |file| range(file, f.span));
    let related: Vec<DiagnosticRelatedInformation> = f
        .labels
        .iter()
        .filter_map(|l| {
            let src = report.files.get(l.file)?;
            let uri = uri_of(src.disk.as_deref()?)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range(src, l.span)),
                message: l.message.to_string(),
            })
        })
        .collect();
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    Diagnostic {
        range: r,
        severity: Some(match f.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
            Level::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: Uri::from_str(&crate::render::sarif::help_uri(&f.rule))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("scalelint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}
