//! `qingdan report …`: printed reports as PDF (see docs/reports.md).

use std::path::PathBuf;

use clap::Subcommand;

use super::output::Writer;
use super::{evidence_store, JsonFlag};
use crate::db::Db;
use crate::error::Result;
use crate::report::{self, batch, ReportSummary};

#[derive(Subcommand, Debug)]
pub(super) enum ReportCmd {
    /// 检查报告: the report of one inspection
    Inspection {
        /// The inspection id
        id: String,
        /// The PDF to write (replaced whole, never left half-written)
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// 整改通知书: the rectification notice to a facility, county/district or department (GB/T 9704-2012 layout)
    Notice {
        /// Facility, county/district or department id (as in `problem list --json`)
        target_id: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// 发文字号, e.g. 洛人监改〔2024〕3号
        #[arg(long)]
        number: Option<String>,
        /// 发文机关署名, printed above the date
        #[arg(long)]
        issuer: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// 监督工作总结: the campaign figures, charts by county, category and month, the overdue and close-out lists
    Summary {
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Only this county or district, e.g. 汝阳县
        #[arg(long)]
        county: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Print a list (problems|rectification|closeout, or 问题清单|整改清单|销号清单) with the filters of `problem list`
    List {
        /// problems, rectification or closeout
        #[arg(value_parser = parse_print_list, value_name = "problems|rectification|closeout")]
        list: report::PrintList,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// 待整改, 整改中, 已整改待核验, 已销号, 已撤销 (or their slugs)
        #[arg(long, value_parser = super::problems::parse_status)]
        status: Option<crate::problem::Status>,
        /// County or district name, e.g. 汝阳县
        #[arg(long)]
        county: Option<String>,
        /// Only problems past their deadline and not rectified
        #[arg(long)]
        overdue: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// 批量打印: the 检查报告 of every signed inspection of a county, one PDF each, into a new folder
    Batch(BatchArgs),
}

/// 批量打印: one 检查报告 per signed inspection of a county.
#[derive(clap::Args, Debug)]
pub(super) struct BatchArgs {
    /// The county or district, e.g. 汝阳县
    #[arg(long)]
    county: String,
    /// A folder that does not exist yet; it is made and receives one PDF per inspection
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    #[command(flatten)]
    json: JsonFlag,
}

fn parse_print_list(s: &str) -> std::result::Result<report::PrintList, String> {
    report::PrintList::parse(s).ok_or_else(|| {
        let slugs: Vec<&str> = report::PrintList::ALL.iter().map(|l| l.slug()).collect();
        format!("“{s}”不是可打印的清单，应为：{}", slugs.join("|"))
    })
}

pub(super) fn report_cmd(db: &Db, cmd: ReportCmd, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        ReportCmd::Inspection { id, out, json } => {
            let store = evidence_store(db)?;
            let s = report::inspection_report(db, &store, &id, &out)?;
            written(w, &s, json.json)
        }
        ReportCmd::Notice { target_id, out, number, issuer, json } => {
            let s = report::notice(db, &target_id, number.as_deref(), issuer.as_deref(), &out)?;
            written(w, &s, json.json)
        }
        ReportCmd::Summary { out, county, json } => {
            let s = report::summary_report(db, county.as_deref(), &out)?;
            written(w, &s, json.json)
        }
        ReportCmd::List { list, out, status, county, overdue, json } => {
            let s = report::list_print(db, list, &report::ListFilter { status, county, overdue }, &out)?;
            written(w, &s, json.json)
        }
        ReportCmd::Batch(BatchArgs { county, out_dir, json }) => {
            let store = evidence_store(db)?;
            let s = batch::inspection_reports_of_county(db, &store, &county, &out_dir, &mut |p| {
                w.progress(&format!("[{}/{}] {}", p.done, p.total, p.file));
            })?;
            if json.json {
                return w.json(&s);
            }
            w.zh_en(
                format!("已生成 {} 份检查报告（共 {} 页）：{}", s.files, s.pages, s.folder),
                format!("wrote {} inspection reports ({} pages) to {}", s.files, s.pages, s.folder),
            )
        }
    }
}

fn written(w: &mut Writer<'_>, s: &ReportSummary, json: bool) -> Result<()> {
    if json {
        return w.json(s);
    }
    w.zh_en(
        format!("已生成报告（{} 页，{} 字节）：{}", s.pages, s.bytes, s.path),
        format!("wrote the report ({} pages, {} bytes) to {}", s.pages, s.bytes, s.path),
    )
}
