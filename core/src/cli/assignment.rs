//! `qingdan assignment add|list|remove`: 任务分配, which group inspects which targets.

use clap::{Args, Subcommand};

use super::output::Writer;
use super::JsonFlag;
use crate::assignment::{self, Assignment, AssignmentFilter, AssignmentTargetKind, NewAssignment};
use crate::db::Db;
use crate::error::Result;
use crate::lang::Lang;

#[derive(Subcommand, Debug)]
pub(super) enum AssignmentCmd {
    /// Assign a group a county/district, a facility or a department; prints the assignment's id
    Add(AssignmentAdd),
    /// Assignments by group, with how far their inspection got
    List {
        /// Only this group's, e.g. 第一组
        #[arg(long)]
        group: Option<String>,
        /// Only those of this county/district and its facilities (name or id)
        #[arg(long)]
        county: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Take an assignment back (the removal reaches other laptops by sync)
    Remove { id: String },
}

#[derive(Args, Debug)]
#[group(id = "target", required = true, multiple = false, args = ["county", "facility", "department"])]
pub(super) struct AssignmentAdd {
    /// The inspection group, e.g. 第一组
    #[arg(long)]
    group: String,
    /// A county/district by name (e.g. 汝阳县) or id
    #[arg(long)]
    county: Option<String>,
    /// A facility by id (see `facility list --json`)
    #[arg(long)]
    facility: Option<String>,
    /// A department by id or name (e.g. 民政局)
    #[arg(long)]
    department: Option<String>,
    /// Planned date, YYYY-MM-DD
    #[arg(long)]
    date: Option<String>,
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    json: JsonFlag,
}

pub(super) fn assignment_cmd(db: &mut Db, cmd: AssignmentCmd, actor: &str, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        AssignmentCmd::Add(a) => {
            let (target_kind, target_id) = match (a.county, a.facility, a.department) {
                (Some(c), _, _) => (AssignmentTargetKind::County, c),
                (_, Some(f), _) => (AssignmentTargetKind::Facility, f),
                (_, _, Some(d)) => (AssignmentTargetKind::Department, d),
                // clap requires exactly one of the three.
                _ => unreachable!("one target is required"),
            };
            let input = NewAssignment {
                group: a.group,
                target_kind,
                target_id,
                planned_date: a.date,
                note: a.note.unwrap_or_default(),
            };
            let saved = assignment::assign(db, &input, actor)?;
            if a.json.json {
                return w.json(&saved);
            }
            w.zh_en(
                format!("已分配：{} 检查{}（{}）", saved.group, saved.target_name, saved.id),
                format!("assigned: {} inspects {} ({})", saved.group, saved.target_name, saved.id),
            )
        }
        AssignmentCmd::List { group, county, json } => {
            let list = assignment::list(db, &AssignmentFilter { group, county })?;
            w.assignments(&list, json.json)
        }
        AssignmentCmd::Remove { id } => {
            assignment::remove(db, &id, actor)?;
            w.zh_en(format!("已撤销任务分配 {id}"), format!("assignment {id} removed"))
        }
    }
}

impl Writer<'_> {
    fn assignments(&mut self, list: &[Assignment], json: bool) -> Result<()> {
        if json {
            return self.json(list);
        }
        let lang = self.lang;
        let mut current: Option<&str> = None;
        for a in list {
            if current != Some(a.group.as_str()) {
                self.line(&a.group)?;
                current = Some(a.group.as_str());
            }
            let status = match (a.facilities, a.facilities_inspected, lang) {
                (Some(all), Some(seen), Lang::Zh) => format!("已检查 {seen} / 共 {all} 家机构"),
                (Some(all), Some(seen), Lang::En) => {
                    format!("{seen} of {all} facilities inspected")
                }
                (_, _, Lang::Zh) if a.inspections == 0 => "未检查".to_string(),
                (_, _, Lang::En) if a.inspections == 0 => "not inspected".to_string(),
                (_, _, Lang::Zh) => format!("已检查 {} 次", a.inspections),
                (_, _, Lang::En) => format!("inspected {} time(s)", a.inspections),
            };
            let last = match (&a.last_inspected, lang) {
                (Some(d), Lang::Zh) => format!("，最近 {d}"),
                (Some(d), Lang::En) => format!(", last {d}"),
                (None, _) => String::new(),
            };
            let planned = match (&a.planned_date, lang) {
                (Some(d), Lang::Zh) => format!("  计划 {d}"),
                (Some(d), Lang::En) => format!("  planned {d}"),
                (None, _) => String::new(),
            };
            let place = match &a.county {
                Some(c) if a.target_kind != AssignmentTargetKind::County => format!("（{c}）"),
                _ => String::new(),
            };
            let note = if a.note.is_empty() { String::new() } else { format!("  {}", a.note) };
            self.line(&format!(
                "  {}  {}{place}  {}{last}{planned}{note}  {}",
                a.target_kind.label(lang),
                a.target_name,
                status,
                a.id
            ))?;
        }
        self.zh_en(format!("共 {} 项任务分配", list.len()), format!("{} assignments", list.len()))
    }
}
