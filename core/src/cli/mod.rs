//! The `qingdan` command line: a headless contract that scripts depend on.
//! Documented in `docs/cli.md`; extend it only compatibly.
//!
//! Exit codes: 0 success, 2 bad input or usage (the message names the file,
//! sheet, row, column and reason), 1 internal error. `--json` output is
//! stable. Without `--db` the CLI works on the desktop app's database.

mod assignment;
mod lists;
mod output;
mod problems;
mod report;
mod sync;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::catalog::{self, ItemKind, ItemQuery, Severity, TargetKind};
use crate::evidence::EvidenceStore;
use crate::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use crate::db::{default_db_path, Db};
use crate::error::{Error, Reason, Result};
use crate::lang::Lang;
use crate::registry::{self, FacilityQuery};
use crate::{demo, department, seed};

#[derive(Parser, Debug)]
#[command(name = "qingdan", version, about = "养老服务监督清单 命令行 / Qingdan command line")]
struct Cli {
    /// Database file (default: the desktop app's, or $QINGDAN_DB)
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Language of messages: zh (default) or en
    #[arg(long, global = true, default_value = "zh", env = "QINGDAN_LANG")]
    lang: Lang,
    /// Who is making the change, for the change log (default: the system user)
    #[arg(long, global = true, env = "QINGDAN_ACTOR")]
    actor: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the database (if needed) with the reference catalog and departments
    Init,
    /// Create or refresh a demo database (Luoyang's counties and a few hundred facilities)
    Demo {
        /// Also add a campaign in progress (signed inspections, problems at every stage,
        /// suggestions, evaluations) when the database holds no inspection yet
        #[arg(long)]
        with_campaign: bool,
    },
    /// The catalog of standards and indicators (内容清单)
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Departments and duties (责任清单)
    #[command(subcommand)]
    Department(DepartmentCmd),
    /// The registry of facilities
    #[command(subcommand)]
    Facility(FacilityCmd),
    /// Field inspections: start, record verdicts, sign off
    #[command(subcommand)]
    Inspection(InspectionCmd),
    /// Problems (问题清单), their rectification (整改清单) and close-out (销号清单)
    #[command(subcommand)]
    Problem(problems::ProblemCmd),
    /// Which inspection group inspects which targets (任务分配)
    #[command(subcommand)]
    Assignment(assignment::AssignmentCmd),
    /// Suggestions (意见建议)
    #[command(subcommand)]
    Suggestion(problems::SuggestionCmd),
    /// Satisfaction evaluations (评价清单)
    #[command(subcommand)]
    Evaluation(lists::EvaluationCmd),
    /// The laws and policies behind the catalog, and who has studied them (学习清单)
    #[command(subcommand)]
    Learning(lists::LearningCmd),
    /// Each department's duties with their open, overdue and closed problems (责任清单)
    Responsibility(JsonFlag),
    /// Campaign statistics: problems, suggestions, rectification and close-out rates
    Stats {
        /// Break down by county, group, category, department, source, severity or target_kind
        #[arg(long, value_parser = problems::parse_dimension)]
        by: Option<crate::problem::stats::Dimension>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Export a list to XLSX or CSV: problems, rectification, closeout, responsibility, learning, content, evaluation, suggestions
    Export {
        #[arg(value_parser = problems::parse_export_list)]
        list: crate::export::ExportList,
        /// xlsx or csv
        #[arg(long, value_parser = problems::parse_export_format)]
        format: crate::export::ExportFormat,
        /// The file to write (replaced whole, never left half-written)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Printed reports as PDF: inspection (检查报告), notice (整改通知书)
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Sync by file: export and import signed bundles
    #[command(subcommand)]
    Bundle(sync::BundleCmd),
    /// This device's identity for sync, and the devices it trusts
    #[command(subcommand)]
    Device(sync::DeviceCmd),
    /// The team roster (组员名单): the campaign's laptops, their roles, and those revoked
    #[command(subcommand)]
    Roster(sync::RosterCmd),
    /// Fields two laptops changed differently
    #[command(subcommand)]
    Conflicts(sync::ConflictsCmd),
    /// The canonical logical content as JSON, for comparing databases
    Dump {
        /// JSON is the only format; the flag is accepted for clarity
        #[arg(long)]
        json: bool,
    },
    /// The audit trail of one record: every change, from which device, by whom, and which bundle brought it
    History {
        /// Record type, e.g. inspection, inspection_item, problem
        table: String,
        /// Record id (for an inspection item: INSPECTION_ID/ITEM_CODE)
        id: String,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Subcommand, Debug)]
enum InspectionCmd {
    /// Start an inspection of a facility, county/district or department; prints the new id
    Start {
        /// Facility id, county/district id (its government) or department id
        #[arg(long)]
        target: String,
        /// 执法检查, 专项督查, 暗访, 回头看, 自查核查 (or law_enforcement, special, unannounced, look_back, self_check_review)
        #[arg(long, value_parser = parse_inspection_kind)]
        kind: InspectionKind,
        /// YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// Supervision group, e.g. 第一组
        #[arg(long)]
        group: String,
        #[arg(long, default_value = "")]
        leader: String,
        #[arg(long = "member", value_name = "NAME")]
        members: Vec<String>,
        /// Facility representative present
        #[arg(long = "representative", value_name = "NAME")]
        representatives: Vec<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Record a verdict on one item; exits 0 only once it is on disk
    Record {
        id: String,
        item_code: String,
        /// 符合, 基本符合, 不符合, 不适用 (or compliant, partial, noncompliant, na)
        #[arg(value_parser = parse_verdict)]
        verdict: Verdict,
        #[arg(long)]
        finding: Option<String>,
        #[arg(long, value_parser = parse_severity)]
        severity: Option<Severity>,
        #[arg(long, value_parser = parse_scope)]
        scope: Option<Scope>,
        /// Why the item does not apply (with 不适用)
        #[arg(long)]
        na_reason: Option<String>,
        /// A photo (JPG/PNG) or PDF to attach; repeatable
        #[arg(long = "evidence", value_name = "FILE")]
        evidence: Vec<PathBuf>,
        /// Correct a signed inspection (needs --reason)
        #[arg(long, requires = "reason")]
        amend: bool,
        #[arg(long, requires = "amend")]
        reason: Option<String>,
    },
    /// Sign off and lock an inspection
    Sign {
        id: String,
        #[arg(long = "inspector", value_name = "NAME", required = true, num_args = 1..)]
        inspectors: Vec<String>,
        #[arg(long)]
        representative: String,
    },
    List {
        #[arg(long)]
        target: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    Show {
        id: String,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Subcommand, Debug)]
enum CatalogCmd {
    /// Every catalog version; one is active
    Versions(JsonFlag),
    /// Make a version active for new inspections
    Use { version_id: String },
    /// List items of the active version (or --version)
    List {
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_parser = parse_item_kind)]
        kind: Option<ItemKind>,
        /// Only items whose code, title, requirement, basis or typical findings contain TEXT
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Import an official catalog from XLSX/XLS/ODS/CSV (or TOML in the reference layout)
    Import {
        file: PathBuf,
        #[arg(long)]
        name: Option<String>,
        /// The kind of items when neither a 类型 column nor the sheet name says it
        #[arg(long, value_parser = parse_item_kind)]
        kind: Option<ItemKind>,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Subcommand, Debug)]
enum DepartmentCmd {
    List(JsonFlag),
    /// Import departments and duties from XLSX/XLS/ODS/CSV
    Import {
        file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Subcommand, Debug)]
enum FacilityCmd {
    /// Import a facility ledger from XLSX/XLS/ODS/CSV
    Import {
        file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    List {
        /// County or district name, e.g. 汝阳县
        #[arg(long)]
        county: Option<String>,
        #[arg(long, value_parser = parse_target_kind)]
        kind: Option<TargetKind>,
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Args, Debug, Clone, Copy)]
struct JsonFlag {
    /// Print stable JSON (see docs/cli.md)
    #[arg(long)]
    json: bool,
}

fn parse_item_kind(s: &str) -> std::result::Result<ItemKind, String> {
    ItemKind::parse(s).ok_or_else(|| format!("“{s}”不是有效的类型，应为 standard（衡量标准）或 indicator（工作指标）"))
}

fn parse_inspection_kind(s: &str) -> std::result::Result<InspectionKind, String> {
    InspectionKind::parse(s).ok_or_else(|| format!("“{s}”不是有效的检查类型，应为：{}", InspectionKind::expected_zh()))
}

fn parse_verdict(s: &str) -> std::result::Result<Verdict, String> {
    Verdict::parse(s).ok_or_else(|| format!("“{s}”不是有效的结论，应为：{}（或 compliant、partial、noncompliant、na）", Verdict::expected_zh()))
}

fn parse_severity(s: &str) -> std::result::Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("“{s}”不是有效的严重程度，应为：{}", Severity::expected_zh()))
}

fn parse_scope(s: &str) -> std::result::Result<Scope, String> {
    Scope::parse(s).ok_or_else(|| format!("“{s}”不是有效的问题范围，应为：{}", Scope::expected_zh()))
}

fn parse_target_kind(s: &str) -> std::result::Result<TargetKind, String> {
    TargetKind::parse(s).ok_or_else(|| {
        let slugs: Vec<&str> = TargetKind::ALL.iter().map(|k| k.slug()).collect();
        format!("“{s}”不是有效的对象类型，应为：{}（{}）", TargetKind::expected_zh(), slugs.join(", "))
    })
}

/// Runs the CLI on the process's arguments and returns the exit code.
pub fn main() -> i32 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock())
}

pub fn run(args: impl IntoIterator<Item = OsString>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let rendered = e.render().to_string();
            let _ = if code == 0 { write!(out, "{rendered}") } else { write!(err, "{rendered}") };
            return code;
        }
    };
    let lang = cli.lang;
    match execute(cli, out, err) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "{}", e.message(lang));
            e.exit_code()
        }
    }
}

fn open(path: Option<PathBuf>) -> Result<Db> {
    let path = match path {
        Some(p) => p,
        None => default_db_path()?,
    };
    Db::open(path)
}

fn evidence_store(db: &Db) -> Result<EvidenceStore> {
    db.path().map(EvidenceStore::beside).ok_or_else(|| Error::Internal("evidence needs a database file".into()))
}

fn execute(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let lang = cli.lang;
    let mut db = open(cli.db)?;
    let actor = match cli.actor.map(|a| crate::text::clean(&a)).filter(|a| !a.is_empty()) {
        Some(a) => a,
        None => crate::settings::user_name(&db)?,
    };
    // The 变更历史 names the same person as the record itself.
    db.set_actor(&actor);
    let w = &mut output::Writer { out, err, lang };
    match cli.command {
        Command::Init => {
            let report = seed::load_reference(&mut db)?;
            w.init(&db, &report)
        }
        Command::Demo { with_campaign } => {
            let report = demo::populate(&mut db)?;
            w.demo(&db, &report)?;
            if with_campaign {
                // The campaign is dated over the last months: it runs on a clock of its own.
                let path = db.path().map(PathBuf::from).ok_or_else(|| Error::Internal("the demo needs a database file".into()))?;
                let today = db.now();
                drop(db);
                let (env, clock) = crate::clock::Env::fixed(today);
                let env = crate::clock::Env { ids: std::sync::Arc::new(crate::clock::V7Ids), ..env };
                let mut campaign_db = Db::open_with(&path, env)?;
                let c = demo::populate_campaign(&mut campaign_db, &clock, today)?;
                return w.demo_campaign(&c);
            }
            Ok(())
        }
        Command::Catalog(CatalogCmd::Versions(j)) => w.versions(&catalog::versions(&db)?, j.json),
        Command::Catalog(CatalogCmd::Use { version_id }) => {
            let v = catalog::use_version(&mut db, &version_id)?;
            w.line(&match lang {
                Lang::Zh => format!("已启用目录版本“{}”（{}）", v.name, v.id),
                Lang::En => format!("catalog version '{}' ({}) is now active", v.name, v.id),
            })
        }
        Command::Catalog(CatalogCmd::List { version, kind, search, json }) => {
            check_search(search.as_deref())?;
            let items = catalog::list_items(&db, &ItemQuery { version_id: version, kind, group_id: None, search })?;
            w.items(&items, json.json)
        }
        Command::Catalog(CatalogCmd::Import { file, name, kind, json }) => {
            let parsed = catalog::import::read_file(&file, &catalog::import::ImportOptions { name, kind })?;
            let outcome = db.with_tx(|tx| catalog::store_catalog(tx, &parsed.catalog, false))?;
            w.catalog_import(&outcome, &parsed, json.json)
        }
        Command::Department(DepartmentCmd::List(j)) => w.departments(&department::department_list(&db)?, j.json),
        Command::Department(DepartmentCmd::Import { file, json }) => {
            let codes: Vec<String> = match catalog::active_version(&db)? {
                Some(_) => catalog::list_items(&db, &ItemQuery::default())?.into_iter().map(|i| i.code).collect(),
                None => Vec::new(),
            };
            let parsed = department::import::read_file(&file, &codes)?;
            let outcome = db.with_tx(|tx| department::store_departments(tx, &parsed))?;
            w.department_import(&outcome, json.json)
        }
        Command::Facility(FacilityCmd::Import { file, json }) => {
            let known: Vec<String> = registry::counties(&db)?.into_iter().map(|c| c.name).collect();
            let ledger = registry::import::read_file(&file, &known)?;
            let report = db.with_tx(|tx| registry::upsert_facilities(tx, None, &ledger.facilities))?;
            w.facility_import(&report, &ledger, json.json)
        }
        Command::Facility(FacilityCmd::List { county, kind, search, json }) => {
            check_search(search.as_deref())?;
            if let Some(c) = &county {
                let known = registry::counties(&db)?;
                if !known.iter().any(|k| &k.name == c || &k.id == c) {
                    return Err(Error::NotFound { what: "县（市、区）", key: c.clone() });
                }
            }
            let list = registry::facility_list(&db, &FacilityQuery { county, kind, search })?;
            w.facilities(&list, json.json)
        }
        Command::Inspection(cmd) => inspection_cmd(&mut db, cmd, &actor, w),
        Command::Problem(cmd) => problems::problem_cmd(&mut db, cmd, &actor, w),
        Command::Assignment(cmd) => assignment::assignment_cmd(&mut db, cmd, &actor, w),
        Command::Suggestion(cmd) => problems::suggestion_cmd(&mut db, cmd, &actor, w),
        Command::Evaluation(cmd) => lists::evaluation_cmd(&mut db, cmd, &actor, w),
        Command::Learning(cmd) => lists::learning_cmd(&mut db, cmd, &actor, w),
        Command::Responsibility(j) => lists::responsibility_cmd(&db, j.json, w),
        Command::Stats { by, json } => problems::stats_cmd(&db, by, json.json, w),
        Command::Export { list, format, out } => problems::export_cmd(&db, list, format, out, w),
        Command::Report(cmd) => report::report_cmd(&db, cmd, w),
        Command::Bundle(cmd) => sync::bundle_cmd(&mut db, cmd, w),
        Command::Device(cmd) => sync::device_cmd(&mut db, cmd, w),
        Command::Roster(cmd) => sync::roster_cmd(&mut db, cmd, w),
        Command::Conflicts(cmd) => sync::conflicts_cmd(&mut db, cmd, w),
        Command::Dump { json: _ } => sync::dump_cmd(&db, w),
        Command::History { table, id, json } => sync::history_cmd(&db, &table, &id, json.json, w),
    }
}

fn inspection_cmd(db: &mut Db, cmd: InspectionCmd, actor: &str, w: &mut output::Writer<'_>) -> Result<()> {
    match cmd {
        InspectionCmd::Start { target, kind, date, group, leader, members, representatives, json } => {
            let input = StartInspection { target_id: target, kind, date, group, leader, members, representatives };
            let detail = inspection::start(db, &input, actor)?;
            w.inspection_started(&detail, json.json)
        }
        InspectionCmd::Record { id, item_code, verdict, finding, severity, scope, na_reason, evidence, amend: _, reason } => {
            let store = evidence_store(db)?;
            let files = evidence.iter().map(|p| crate::evidence::check_file(p, "--evidence")).collect::<Result<Vec<_>>>()?;
            let patch = ItemPatch {
                verdict: Some(Some(verdict)),
                finding,
                severity: severity.map(Some),
                scope: scope.map(Some),
                na_reason,
                evidence: Vec::new(),
                amend_reason: reason,
            };
            let item = inspection::record_with_files(db, &store, &id, &item_code, &patch, files, actor)?;
            w.recorded(&item)
        }
        InspectionCmd::Sign { id, inspectors, representative } => {
            let signoff = inspection::sign(db, &id, &inspectors, &representative, None, actor)?;
            w.signed(&id, &signoff)
        }
        InspectionCmd::List { target, json } => w.inspections(&inspection::list(db, target.as_deref())?, json.json),
        InspectionCmd::Show { id, json } => w.inspection(&inspection::show(db, &id)?, json.json),
    }
}

fn check_search(s: Option<&str>) -> Result<()> {
    if s.is_some_and(|s| s.chars().count() > 200) {
        return Err(Error::invalid("--search", Reason::TooLong { max: 200 }));
    }
    Ok(())
}
