//! The `scalelint` command line: a thin layer over the library.

use clap::{Parser, Subcommand, ValueEnum};
use scalelint::Project;
use scalelint::engine::config::{self, Config};
use scalelint::engine::{self, Catalog, Options, meta};
use scalelint::model::Applicability;
use scalelint::render::{self, OutputFormat, RenderOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// Parsing allocates a string per scalar and a node per value, and every file's tree is freed
// soon after: mimalloc's thread-local free lists make that about a fifth of the run cheaper
// than glibc's malloc (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "scalelint",
    version,
    about = "Lint the scaling configuration in a repository"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Table,
    Markdown,
}

// One value per run, parsed once: the size of `Check` costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Lint files and directories (default: the current directory). `-` reads standard input.
    Check {
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        /// Lowest level that makes the exit code 1 [default: warning, or the config's `fail-on`].
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// The configuration file (default: the nearest .scalelint.yaml from the current
        /// directory up to the git root).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Record the current findings in FILE (a baseline) and exit 0.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
        /// Report only findings not recorded in this baseline FILE.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Run only these rules (names or groups like `kafka-*`, comma-separated).
        #[arg(long, value_name = "RULES", value_delimiter = ',')]
        select: Vec<String>,
        /// Do not run these rules (names or groups, comma-separated).
        #[arg(long, value_name = "RULES", value_delimiter = ',')]
        ignore: Vec<String>,
        /// Write the report to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Never colour the output (colour is used only on a terminal, and never with NO_COLOR).
        #[arg(long)]
        no_color: bool,
        /// The name standard input is shown under and classified by.
        #[arg(long, value_name = "NAME")]
        stdin_filename: Option<String>,
        /// Worker threads (default: the available cores). Output is the same for any value.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Render Kustomize overlays: auto (when kustomize or kubectl is found), always, or
        /// never [default: the config's `kustomize.enabled`, else auto].
        #[arg(long, value_enum, value_name = "WHEN")]
        kustomize: Option<RenderWhen>,
        /// Render Helm charts in the tree: auto (`helm template` when helm is found, else
        /// static analysis), always (helm required), or never [default: the config's
        /// `helm.enabled`, else auto].
        #[arg(long, value_enum, value_name = "WHEN")]
        helm: Option<RenderWhen>,
        /// The chart folder that rendered input (`helm template … | scalelint check -`) came
        /// from, to report findings at its template and values lines [default: the
        /// `# Source:` paths under the current folder].
        #[arg(long, value_name = "DIR")]
        chart: Option<PathBuf>,
        /// A values file the rendered input was made with (after the chart's values.yaml;
        /// repeatable, in helm's order).
        #[arg(long = "values", value_name = "FILE")]
        values_files: Vec<PathBuf>,
        /// Apply the safe fixes to the files, then report what is left.
        #[arg(long, conflicts_with = "write_baseline")]
        fix: bool,
        /// Apply the unsafe fixes too (they may change more than the finding; review them);
        /// implies --fix unless --diff is given.
        #[arg(long, conflicts_with = "write_baseline")]
        unsafe_fixes: bool,
        /// Print the fixes as a unified diff and write nothing; exit 1 when there is
        /// something to fix.
        #[arg(long, conflicts_with = "write_baseline")]
        diff: bool,
        /// Neither read nor write the cache of the project's other files that a run naming
        /// only files (pre-commit) keeps in `.scalelint_cache/` at the project root.
        #[arg(long)]
        no_cache: bool,
    },
    /// List every rule: name, level, summary.
    Rules {
        /// `table` for the terminal, `markdown` for the rules reference (docs/rules.md).
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
    },
    /// Write a commented .scalelint.yaml with every rule and its defaults.
    Init {
        /// Where to write it.
        #[arg(default_value = ".scalelint.yaml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Explain a rule: what it checks, why, how to fix it, its parameters.
    Explain { rule: String },
    /// A language server over standard input and output, for editors: diagnostics as you
    /// type, quick fixes, rule docs on hover.
    Server,
}

/// `--kustomize` and `--helm`: when a renderer is used.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum RenderWhen {
    Auto,
    Always,
    Never,
}

impl From<RenderWhen> for engine::kustomize::Enabled {
    fn from(w: RenderWhen) -> Self {
        match w {
            RenderWhen::Auto => engine::kustomize::Enabled::Auto,
            RenderWhen::Always => engine::kustomize::Enabled::Always,
            RenderWhen::Never => engine::kustomize::Enabled::Never,
        }
    }
}

/// mimalloc's `mi_option_purge_delay` (the same in its versions 2 and 3's `mi_option_t`;
/// `libmimalloc-sys` names only older options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc 3 keeps freed pages for a second before it gives them back (`purge_delay`,
/// 1,000 ms): a large run's finish frees what checking held while the report grows, and the
/// two then add up in RSS (`-n 10000`: 151 → 131 MB; BENCHMARKS.md). 10 ms is mimalloc 2's
/// default and costs ~3 % wall there; 0 cost ~15 %. `MIMALLOC_PURGE_DELAY` still decides
/// when set.
fn purge_freed_memory_soon() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: stores an option's value; called first in `main`, before any other thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    }
}

fn main() -> ExitCode {
    purge_freed_memory_soon();
    // `check` compiles the kind schemas on a spare core (see `schema::warm`) from the start,
    // before the arguments are parsed (a third as long as the compilation, which a one-file
    // run otherwise waits for at its first validation); not when `--jobs` may ask for one
    // thread: `run` decides once it is parsed.
    let mut args = std::env::args_os().skip(1);
    let check = args.next().is_some_and(|a| a == "check");
    // Only `check` runs on several threads (and reading cgroup limits has a cost).
    let cores = check.then(available_cores);
    let warming = cores.is_some_and(|n| n > 1)
        && !args.any(|a| a.to_string_lossy().starts_with("--jobs"))
        // A thread that cannot start only loses the overlap: schemas still compile on first
        // use.
        && std::thread::Builder::new()
            .spawn(scalelint::schema::warm)
            .is_ok();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli, cores, warming) {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            to_stderr(&format!("scalelint: error: {msg}"));
            ExitCode::from(2)
        }
    }
}

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The command, with `cores` cores (if known yet) and the schemas `warming` already.
fn run(cli: Cli, cores: Option<usize>, warming: bool) -> Result<u8, String> {
    match cli.command {
        Command::Check {
            paths,
            format,
            fail_on,
            config,
            write_baseline,
            baseline,
            select,
            ignore,
            output,
            no_color,
            stdin_filename,
            jobs,
            kustomize,
            helm,
            chart,
            values_files,
            fix,
            unsafe_fixes,
            diff,
            no_cache,
        } => {
            if stdin_filename.is_some() && !paths.iter().any(|p| p.as_os_str() == "-") {
                return Err(
                    "--stdin-filename names standard input, but `-` is not among the paths to check"
                        .to_string(),
                );
            }
            // Paths, the configuration and the project root are all found from here.
            std::env::current_dir()
                .map_err(|e| format!("cannot read the current directory: {e}"))?;
            // Compile the schemas on a spare core while the catalog and the configuration
            // load and the files are read: started before the configuration says whether
            // `schema-violation` runs, because loading it takes as long as the compilation;
            // when it does not run, only that core's work is lost. Not when one thread was
            // asked for.
            let cores = cores.unwrap_or_else(available_cores);
            if !warming && cores > 1 && jobs.is_none_or(|j| j > 1) {
                let _ = std::thread::Builder::new().spawn(scalelint::schema::warm);
            }
            let mut project = load_project(config)?;
            let selection_warnings =
                apply_selection(&mut project.config, &project.catalog, &select, &ignore)?;
            for w in project.config.warnings.iter().chain(&selection_warnings) {
                warn(w);
            }
            let rules = project.rules().map_err(|e| e.to_string())?;
            let cfg = &project.config;
            let shown_paths = if paths.is_empty() {
                "`.`".to_string()
            } else {
                paths
                    .iter()
                    .map(|p| format!("`{}`", p.display()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let opts = Options {
                paths,
                stdin_filename,
                // Named files are linted against the whole project (pre-commit passes only
                // the changed ones).
                project_index: true,
                exclude: exclude_set(cfg)?,
                kustomize: {
                    let mut k = cfg.kustomize.clone();
                    if let Some(when) = kustomize {
                        k.enabled = when.into();
                    }
                    k
                },
                helm: {
                    let mut h = cfg.helm.clone();
                    if let Some(when) = helm {
                        h.enabled = when.into();
                    }
                    if let Some(dir) = &chart
                        && !dir.join("Chart.yaml").is_file()
                    {
                        return Err(format!(
                            "--chart {}: no Chart.yaml in that folder",
                            dir.display()
                        ));
                    }
                    h.chart = chart;
                    h.input_values = values_files
                        .iter()
                        .map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()))
                        .collect();
                    h
                },
                overlay: None,
                root: None,
                context_cache: None,
                disk_cache: !no_cache,
                // Only `human` shows source lines; fixes are applied to the texts.
                positions_only: format != OutputFormat::Human && !(fix || unsafe_fixes || diff),
            };
            let baseline = match &baseline {
                Some(p) => Some(
                    std::fs::read_to_string(p)
                        .map_err(|e| e.to_string())
                        .and_then(|t| engine::baseline::parse(&t).map_err(|e| e.to_string()))
                        .map_err(|e| format!("baseline {}: {e}", p.display()))?,
                ),
                None => None,
            };
            let fixing = (fix || unsafe_fixes || diff).then_some(if unsafe_fixes {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            });
            let mut report = match fixing {
                None => in_pool(jobs, cores, || engine::lint(&opts, &rules))?,
                Some(threshold) => {
                    let fixed = in_pool(jobs, cores, || {
                        engine::fix::run(&opts, &rules, threshold, |r| {
                            if let Some(b) = &baseline {
                                engine::baseline::apply(r, b);
                            }
                        })
                    })?;
                    if !fixed.converged && diff {
                        warn(&format!(
                            "failed to converge: fixes were still changing the files after {} \
                             passes (a fix undoes another?); the changes so far are kept",
                            engine::fix::MAX_PASSES
                        ));
                    }
                    let files = plural(fixed.changes.len(), "file", "files");
                    if diff {
                        let text: String = fixed
                            .changes
                            .iter()
                            .map(engine::fix::Change::unified_diff)
                            .collect();
                        match &output {
                            Some(path) => std::fs::write(path, &text)
                                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                            None => print_stdout(&text)?,
                        }
                        to_stderr(&if fixed.changes.is_empty() {
                            "nothing to fix".to_string()
                        } else {
                            format!(
                                "would fix {} in {files}",
                                plural(fixed.applied, "finding", "findings")
                            )
                        });
                        return Ok(if !fixed.converged {
                            2
                        } else {
                            u8::from(!fixed.changes.is_empty())
                        });
                    }
                    for c in &fixed.changes {
                        std::fs::write(&c.path, &c.after)
                            .map_err(|e| format!("cannot write {}: {e}", c.path.display()))?;
                    }
                    if !fixed.changes.is_empty() {
                        to_stderr(&format!(
                            "fixed {} in {files}",
                            plural(fixed.applied, "finding", "findings")
                        ));
                    }
                    if !fixed.converged {
                        return Err(format!(
                            "failed to converge: fixes were still changing the files after {} \
                             passes (a fix undoes another?); the changes so far were written",
                            engine::fix::MAX_PASSES
                        ));
                    }
                    if fixed.changes.is_empty() {
                        fixed.report
                    } else {
                        // Renders read the files on disk: lint what was written.
                        let mut r = in_pool(jobs, cores, || engine::lint(&opts, &rules))?;
                        if let Some(b) = &baseline {
                            engine::baseline::apply(&mut r, b);
                        }
                        r
                    }
                }
            };
            if report.checked_files() == 0 {
                warn(&format!(
                    "no file to lint in {shown_paths} (scalelint reads the *.yaml, *.yml, *.json, \
                     *.ini, *.conf and *.properties files it finds, and any file named; hidden, \
                     .gitignored and excluded ones are skipped)"
                ));
            }
            if let Some(path) = write_baseline {
                std::fs::write(&path, engine::baseline::write(&report))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                to_stderr(&format!(
                    "wrote {} findings to {}",
                    report.findings.len(),
                    path.display()
                ));
                return Ok(0);
            }
            if fixing.is_none()
                && let Some(b) = &baseline
            {
                engine::baseline::apply(&mut report, b);
            }
            let color = format == OutputFormat::Human
                && output.is_none()
                && !no_color
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal();
            let opts = RenderOptions { color };
            match output {
                Some(path) => std::fs::File::create(&path)
                    .and_then(|file| {
                        let mut out = std::io::BufWriter::new(file);
                        render::write(&report, format, opts, &mut out)?;
                        out.flush()
                    })
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                None => write_stdout(|out| render::write(&report, format, opts, out))?,
            }
            let fail_on = match fail_on {
                Some(FailOn::Error) => config::FailOn::Error,
                Some(FailOn::Warning) => config::FailOn::Warning,
                Some(FailOn::Info) => config::FailOn::Info,
                Some(FailOn::Never) => config::FailOn::Never,
                None => cfg.fail_on.unwrap_or(config::FailOn::Warning),
            };
            let threshold = fail_on.threshold();
            let failed = threshold.is_some_and(|t| report.findings.iter().any(|f| f.level >= t));
            Ok(u8::from(failed))
        }
        Command::Rules { format } => {
            let catalog = catalog_for_docs()?;
            print_stdout(&match format {
                RulesFormat::Table => scalelint::docs::rules_table(&catalog),
                RulesFormat::Markdown => scalelint::docs::rules_reference(&catalog),
            })?;
            Ok(0)
        }
        Command::Init { path, force } => {
            if path.exists() && !force {
                return Err(format!(
                    "{} exists; use --force to overwrite it",
                    path.display()
                ));
            }
            let catalog = scalelint::builtin_catalog().map_err(|e| e.to_string())?;
            std::fs::write(&path, config::template(&catalog))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            to_stderr(&format!("wrote {}", path.display()));
            Ok(0)
        }
        Command::Server => {
            scalelint::server::run_stdio()?;
            Ok(0)
        }
        Command::Explain { rule } => {
            let catalog = catalog_for_docs()?;
            match catalog.find_any_case(&rule) {
                Some(m) => {
                    print_stdout(&scalelint::docs::explain(m))?;
                    Ok(0)
                }
                None => {
                    let hint = scalelint::suggest::suggest(&rule, &catalog.names())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    Err(format!(
                        "unknown rule `{rule}`{hint} (see `scalelint rules`)"
                    ))
                }
            }
        }
    }
}

/// Runs `f` on `jobs` worker threads (default: one per core). This thread is one of them:
/// a parallel step started here runs here instead of being handed to another thread and
/// waited for (a one-file run has a dozen such steps of one item each), and one thread fewer
/// starts. Not with one thread: a step started by a thread outside the pool (a renderer's)
/// would then wait for this one, which does not take work it is not running itself. When
/// the global pool already runs (a second lint of `--fix`), `f` runs in it, or in a pool of
/// its own when `--jobs` asked for a number.
fn in_pool<T: Send>(
    jobs: Option<u16>,
    cores: usize,
    f: impl FnOnce() -> T + Send,
) -> Result<T, String> {
    let n = jobs.map_or(cores, usize::from);
    let pool = || rayon::ThreadPoolBuilder::new().num_threads(n);
    let global = n > 1 && pool().use_current_thread().build_global().is_ok();
    // Without `--jobs`, a global pool that already runs is one thread per core as well.
    if global || jobs.is_none() {
        return Ok(f());
    }
    Ok(pool()
        .build()
        .map_err(|e| format!("cannot start {n} worker threads: {e}"))?
        .install(f))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `--select` and `--ignore` over the configuration: selected rules are on (and nothing
/// else), ignored ones off. Always-on rules (`RuleMeta::always_on`) stay on; ignoring one by
/// name gives a warning, returned for the caller to print.
fn apply_selection(
    cfg: &mut Config,
    catalog: &Catalog,
    select: &[String],
    ignore: &[String],
) -> Result<Vec<String>, String> {
    let always_on = |name: &str| catalog.find(name).is_some_and(|m| m.always_on);
    let resolve = |flag: &str, patterns: &[String]| -> Result<Vec<(String, bool)>, String> {
        let mut out = Vec::new();
        for p in patterns.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let names = config::resolve(p, catalog).map_err(|e| format!("--{flag}: {e}"))?;
            let group = p.contains('*');
            out.extend(names.into_iter().map(|n| (n.to_string(), group)));
        }
        Ok(out)
    };
    // `--select ""` (an unset variable in a CI script) would otherwise turn every rule off
    // and pass.
    if !select.is_empty() && select.iter().all(|p| p.trim().is_empty()) {
        return Err(
            "--select names no rule (give rule names or groups, comma-separated, or leave the \
             flag out to run every rule)"
                .to_string(),
        );
    }
    let selected = resolve("select", select)?;
    let ignored = resolve("ignore", ignore)?;
    if !select.is_empty()
        && selected
            .iter()
            .all(|(n, _)| !always_on(n) && ignored.iter().any(|(i, _)| i == n))
    {
        return Err("--select and --ignore leave no rule to run".to_string());
    }
    let mut warnings = Vec::new();
    if !select.is_empty() {
        for m in catalog.metas().filter(|m| !m.always_on) {
            let on = selected.iter().any(|(n, _)| *n == m.name);
            cfg.rules.entry(m.name.to_string()).or_default().off = !on;
        }
    }
    for (name, group) in ignored {
        if always_on(&name) {
            if !group {
                warnings.push(format!("--ignore: {}", meta::cannot_turn_off(&name)));
            }
            continue;
        }
        cfg.rules.entry(name).or_default().off = true;
    }
    warnings.dedup();
    Ok(warnings)
}

/// Write `text` to standard output. A closed pipe (`scalelint rules | head`) ends the output
/// quietly, as for any Unix filter; any other failure (a full disk, `/dev/full`) is an error,
/// or a CI job would pass on a report nobody received.
fn print_stdout(text: &str) -> Result<(), String> {
    write_stdout(|out| out.write_all(text.as_bytes()))
}

/// What `write` writes, to standard output (buffered), as `print_stdout` says.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// A line on standard error. If standard error cannot be written there is nowhere left to
/// say so (`eprintln!` would panic instead).
fn to_stderr(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A warning on standard error: the run goes on.
fn warn(msg: &str) {
    to_stderr(&format!("scalelint: warning: {msg}"));
}

/// The configuration's `exclude` globs, relative to its folder.
fn exclude_set(cfg: &Config) -> Result<Option<engine::Exclude>, String> {
    scalelint::project::exclude_of(cfg)
}

/// The rules `rules` and `explain` describe: the project's, custom rules included. A broken
/// configuration does not stop them (they read no files): it is reported as a warning and
/// the built-in rules are described.
fn catalog_for_docs() -> Result<Catalog, String> {
    match load_project(None) {
        Ok(project) => Ok(project.catalog),
        Err(e) => {
            warn(&format!("{e}; showing the built-in rules only"));
            scalelint::builtin_catalog().map_err(|e| e.to_string())
        }
    }
}

/// The project seen from the current directory: its configuration (named, else discovered)
/// and its custom rules. Without a current directory (`rules` and `explain` only; `check`
/// has made sure there is one), the built-in rules alone.
fn load_project(config: Option<PathBuf>) -> Result<Project, String> {
    match std::env::current_dir() {
        Ok(cwd) => Project::load(&cwd, config.as_deref()).map_err(|e| e.to_string()),
        Err(_) => Ok(Project {
            catalog: scalelint::builtin_catalog().map_err(|e| e.to_string())?,
            config: Config::default(),
            root: None,
        }),
    }
}
