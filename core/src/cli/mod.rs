//! The `qingdan` command line: a headless contract that scripts depend on.
//! Documented in `docs/cli.md`; extend it only compatibly.
//!
//! Exit codes: 0 success, 2 bad input or usage (the message names the file,
//! sheet, row, column and reason), 1 internal error. `--json` output is
//! stable. Without `--db` the CLI works on the desktop app's database.

mod output;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::catalog::{self, ItemKind, ItemQuery, TargetKind};
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the database (if needed) with the reference catalog and departments
    Init,
    /// Create or refresh a demo database (Luoyang's counties and a few hundred facilities)
    Demo,
    /// The catalog of standards and indicators (内容清单)
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Departments and duties (责任清单)
    #[command(subcommand)]
    Department(DepartmentCmd),
    /// The registry of facilities
    #[command(subcommand)]
    Facility(FacilityCmd),
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
    match execute(cli, out) {
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

fn execute(cli: Cli, out: &mut dyn Write) -> Result<()> {
    let lang = cli.lang;
    let mut db = open(cli.db)?;
    let w = &mut output::Writer { out, lang };
    match cli.command {
        Command::Init => {
            let report = seed::load_reference(&mut db)?;
            w.init(&db, &report)
        }
        Command::Demo => {
            let report = demo::populate(&mut db)?;
            w.demo(&db, &report)
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
            w.facility_import(&report, &ledger.skipped_sheets, json.json)
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
    }
}

fn check_search(s: Option<&str>) -> Result<()> {
    if s.is_some_and(|s| s.chars().count() > 200) {
        return Err(Error::invalid("--search", Reason::TooLong { max: 200 }));
    }
    Ok(())
}
