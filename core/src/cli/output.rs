//! What the CLI prints: a readable text for people, or stable JSON (`--json`).

use std::io::Write;

use serde::Serialize;
use serde_json::json;

use crate::catalog::import::ParsedFile;
use crate::catalog::{CatalogItem, CatalogVersion, ItemKind, StoreOutcome};
use crate::db::Db;
use crate::demo::DemoReport;
use crate::department::{Department, DepartmentOutcome};
use crate::error::{Error, Result};
use crate::inspection::{ChecklistItem, Gap, InspectionDetail, InspectionStatus, InspectionSummary, SignOff, Verdict};
use crate::lang::Lang;
use crate::registry::{Facility, UpsertReport};
use crate::seed::SeedReport;

pub struct Writer<'a> {
    pub out: &'a mut dyn Write,
    /// Progress of a long run, for people: stdout stays the result a script reads.
    pub err: &'a mut dyn Write,
    pub lang: Lang,
}

impl Writer<'_> {
    /// A line of progress on stderr; a closed stderr does not stop the work.
    pub fn progress(&mut self, s: &str) {
        let _ = writeln!(self.err, "{s}");
    }

    pub fn line(&mut self, s: &str) -> Result<()> {
        writeln!(self.out, "{s}").map_err(|e| Error::io("<stdout>", e))
    }

    pub(super) fn json<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let text = serde_json::to_string_pretty(v).map_err(|e| Error::Internal(e.to_string()))?;
        self.line(&text)
    }

    pub(super) fn zh_en(&mut self, zh: String, en: String) -> Result<()> {
        let s = match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        };
        self.line(&s)
    }

    pub fn init(&mut self, db: &Db, r: &SeedReport) -> Result<()> {
        let path = db.path().map(|p| p.display().to_string()).unwrap_or_default();
        self.zh_en(
            format!(
                "数据库：{path}\n设备编号：{}\n内容清单（参考版）：衡量标准 {} 项，工作指标 {} 项{}\n责任清单：部门 {} 个（新增 {}），职责 {} 项",
                db.device_id(),
                r.catalog.standards,
                r.catalog.indicators,
                if r.catalog.created { "（已导入）" } else { "（已存在，未改动）" },
                r.departments.created + r.departments.updated + r.departments.unchanged,
                r.departments.created,
                r.departments.duties
            ),
            format!(
                "database: {path}\ndevice id: {}\nreference catalog: {} standards, {} indicators{}\ndepartments: {} ({} new), {} duties",
                db.device_id(),
                r.catalog.standards,
                r.catalog.indicators,
                if r.catalog.created { " (imported)" } else { " (already there, unchanged)" },
                r.departments.created + r.departments.updated + r.departments.unchanged,
                r.departments.created,
                r.departments.duties
            ),
        )
    }

    pub fn demo(&mut self, db: &Db, r: &DemoReport) -> Result<()> {
        self.init(db, &r.reference)?;
        let f = &r.facilities;
        self.zh_en(
            format!(
                "演示机构：新增 {}，更新 {}，未变 {}（县区 {} 个）",
                f.created, f.updated, f.unchanged, crate::demo::COUNTIES.len()
            ),
            format!(
                "demo facilities: {} created, {} updated, {} unchanged ({} counties/districts)",
                f.created, f.updated, f.unchanged, crate::demo::COUNTIES.len()
            ),
        )
    }

    pub fn demo_campaign(&mut self, c: &crate::demo::CampaignReport) -> Result<()> {
        if !c.added {
            return self.zh_en("数据库中已有检查记录，未再添加演示检查工作".into(), "the database already holds inspections; no demo campaign added".into());
        }
        self.zh_en(
            format!(
                "演示检查工作：任务分配 {} 项，已签字检查 {} 次，问题 {} 个，意见建议 {} 条",
                c.assignments, c.inspections, c.problems, c.suggestions
            ),
            format!(
                "demo campaign: {} assignments, {} signed inspections, {} problems, {} suggestions",
                c.assignments, c.inspections, c.problems, c.suggestions
            ),
        )
    }

    pub fn versions(&mut self, versions: &[CatalogVersion], json: bool) -> Result<()> {
        if json {
            return self.json(versions);
        }
        if versions.is_empty() {
            return self.zh_en(
                "尚无目录版本。请运行 qingdan init 或 qingdan catalog import 文件".into(),
                "no catalog version yet; run qingdan init or qingdan catalog import FILE".into(),
            );
        }
        for v in versions {
            let mark = if v.active { "*" } else { " " };
            let line = match self.lang {
                Lang::Zh => format!(
                    "{mark} {}  {}  衡量标准 {} 项，工作指标 {} 项  导入于 {}",
                    v.id, v.name, v.standards, v.indicators, local_time(&v.imported_at)
                ),
                Lang::En => format!(
                    "{mark} {}  {}  {} standards, {} indicators  imported {}",
                    v.id, v.name, v.standards, v.indicators, local_time(&v.imported_at)
                ),
            };
            self.line(&line)?;
        }
        Ok(())
    }

    pub fn items(&mut self, items: &[CatalogItem], json: bool) -> Result<()> {
        if json {
            return self.json(items);
        }
        let mut group = "";
        for it in items {
            if it.group != group {
                group = &it.group;
                let kind = it.kind.label(self.lang);
                self.line(&format!("【{kind}·{group}】"))?;
            }
            let hazard = if it.major_hazard { self.lang.pick("  [重大隐患]", "  [major hazard]") } else { "" };
            self.line(&format!("  {}  {}{hazard}", it.code, it.title))?;
        }
        let s = items.iter().filter(|i| i.kind == ItemKind::Standard).count();
        let n = items.len() - s;
        self.zh_en(format!("共 {} 项（衡量标准 {s} 项，工作指标 {n} 项）", items.len()), format!("{} items ({s} standards, {n} indicators)", items.len()))
    }

    pub fn catalog_import(&mut self, o: &StoreOutcome, parsed: &ParsedFile, json: bool) -> Result<()> {
        if json {
            return self.json(&json!({
                "version_id": o.version_id,
                "standards": o.standards,
                "indicators": o.indicators,
                "groups": o.groups,
                "created": o.created,
                "skipped_sheets": parsed.skipped_sheets,
            }));
        }
        let skipped = &parsed.skipped_sheets;
        if o.created {
            self.zh_en(
                format!(
                    "已导入“{}”为新版本 {}：衡量标准 {} 项，工作指标 {} 项，分组 {} 个；已设为当前使用版本。",
                    parsed.catalog.name, o.version_id, o.standards, o.indicators, o.groups
                ),
                format!(
                    "imported '{}' as version {}: {} standards, {} indicators, {} groups; it is now active.",
                    parsed.catalog.name, o.version_id, o.standards, o.indicators, o.groups
                ),
            )?;
        } else {
            self.zh_en(
                format!("内容与已有版本 {} 相同，未作任何改动。", o.version_id),
                format!("the content equals version {}; nothing changed.", o.version_id),
            )?;
        }
        if !skipped.is_empty() {
            self.zh_en(
                format!("未找到表头而跳过的工作表：{}", skipped.join("、")),
                format!("sheets skipped (no header found): {}", skipped.join(", ")),
            )?;
        }
        Ok(())
    }

    pub fn departments(&mut self, deps: &[Department], json: bool) -> Result<()> {
        if json {
            return self.json(deps);
        }
        for d in deps {
            self.line(&format!("{}（{}）", d.name, d.kind))?;
            for (i, duty) in d.duties.iter().enumerate() {
                let codes = if duty.item_codes.is_empty() { String::new() } else { format!("  [{}]", duty.item_codes.join("、")) };
                self.line(&format!("  {}. {}{codes}", i + 1, duty.text))?;
            }
        }
        let duties: usize = deps.iter().map(|d| d.duties.len()).sum();
        self.zh_en(format!("共 {} 个部门，{duties} 项职责", deps.len()), format!("{} departments, {duties} duties", deps.len()))
    }

    pub fn department_import(&mut self, o: &DepartmentOutcome, json: bool) -> Result<()> {
        if json {
            return self.json(o);
        }
        self.zh_en(
            format!("部门：新增 {}，更新 {}，未变 {}；职责 {} 项", o.created, o.updated, o.unchanged, o.duties),
            format!("departments: {} created, {} updated, {} unchanged; {} duties", o.created, o.updated, o.unchanged, o.duties),
        )
    }

    pub fn facility_import(&mut self, r: &UpsertReport, ledger: &crate::registry::import::ParsedLedger, json: bool) -> Result<()> {
        let (skipped, rows) = (&ledger.skipped_sheets, &ledger.skipped_rows);
        if json {
            return self.json(&json!({
                "created": r.created,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "new_counties": r.new_counties,
                "new_townships": r.new_townships,
                "skipped_sheets": skipped,
                "skipped_rows": rows,
                "counties_from_titles": ledger.counties_from_titles.iter().map(|(sheet, county)| json!({"sheet": sheet, "county": county})).collect::<Vec<_>>(),
            }));
        }
        self.zh_en(
            format!("机构：新增 {}，更新 {}，未变 {}", r.created, r.updated, r.unchanged),
            format!("facilities: {} created, {} updated, {} unchanged", r.created, r.updated, r.unchanged),
        )?;
        for (sheet, county) in &ledger.counties_from_titles {
            self.zh_en(
                format!("工作表“{sheet}”没有“所属县区”列，其中的机构均按标题和工作表名称计入{county}"),
                format!("sheet {sheet} has no county column: its facilities are counted in {county}, as its title and name say"),
            )?;
        }
        if rows.totals + rows.notes > 0 {
            self.zh_en(
                format!("未作为机构导入的行：小计、合计 {} 行，注释、签名和重复表头 {} 行", rows.totals, rows.notes),
                format!("rows not read as facilities: {} subtotal/total, {} notes, signatures and repeated headers", rows.totals, rows.notes),
            )?;
        }
        if !r.new_counties.is_empty() {
            self.zh_en(
                format!("新登记的县（市、区）：{}（如为笔误，请核对台账）", r.new_counties.join("、")),
                format!("new counties/districts registered: {} (check the ledger if one is a typo)", r.new_counties.join(", ")),
            )?;
        }
        if !r.new_townships.is_empty() {
            self.zh_en(
                format!("新登记的乡镇（街道）：{}", r.new_townships.join("、")),
                format!("new townships/streets registered: {}", r.new_townships.join(", ")),
            )?;
        }
        if !skipped.is_empty() {
            self.zh_en(
                format!("未找到表头而跳过的工作表：{}", skipped.join("、")),
                format!("sheets skipped (no header found): {}", skipped.join(", ")),
            )?;
        }
        Ok(())
    }

    pub fn facilities(&mut self, list: &[Facility], json: bool) -> Result<()> {
        if json {
            return self.json(list);
        }
        for f in list {
            let beds = f.beds.map(|b| format!("{b}")).unwrap_or_else(|| "—".into());
            self.line(&format!(
                "{}  {}  {}  {}  {}  {}",
                f.id,
                f.county,
                f.township.as_deref().unwrap_or("—"),
                f.name,
                f.kind.label(self.lang),
                match self.lang {
                    Lang::Zh => format!("床位 {beds}"),
                    Lang::En => format!("beds {beds}"),
                }
            ))?;
        }
        self.zh_en(format!("共 {} 家", list.len()), format!("{} facilities", list.len()))
    }
}

impl Writer<'_> {
    pub fn inspection_started(&mut self, d: &InspectionDetail, json: bool) -> Result<()> {
        if json {
            return self.json(&serde_json::json!({
                "id": d.summary.id,
                "target_id": d.summary.target_id,
                "target_name": d.summary.target_name,
                "catalog_version_id": d.summary.catalog_version_id,
                "items": d.items.len(),
            }));
        }
        self.line(&d.summary.id)
    }

    pub fn recorded(&mut self, it: &ChecklistItem) -> Result<()> {
        let verdict = it.verdict.map(|v| v.label(self.lang)).unwrap_or("—");
        self.zh_en(format!("已保存：{} {} —— {verdict}", it.code, it.title), format!("saved: {} {} — {verdict}", it.code, it.title))?;
        let missing: Vec<&str> = match it.verdict {
            Some(Verdict::Partial) if it.finding.is_empty() => {
                vec![Gap::FindingMissing.text(self.lang)]
            }
            Some(Verdict::Noncompliant) => [
                (it.finding.is_empty(), Gap::FindingMissing),
                (it.severity.is_none(), Gap::SeverityMissing),
                (it.scope.is_none(), Gap::ScopeMissing),
            ]
            .into_iter()
            .filter(|(m, _)| *m)
            .map(|(_, g)| g.text(self.lang))
            .collect(),
            Some(Verdict::NotApplicable) if it.na_reason.is_empty() => {
                vec![Gap::NaReasonMissing.text(self.lang)]
            }
            _ => Vec::new(),
        };
        if !missing.is_empty() {
            let sep = self.lang.pick("；", "; ");
            self.zh_en(format!("签字前尚需补充：{}", missing.join(sep)), format!("before signing, still needed: {}", missing.join(sep)))?;
        }
        Ok(())
    }

    pub fn signed(&mut self, id: &str, s: &SignOff) -> Result<()> {
        self.zh_en(
            format!("检查 {id} 已签字确认（检查人员：{}；机构代表：{}），此后修改须说明理由。", s.inspectors.join("、"), s.representative),
            format!("inspection {id} is signed (inspectors: {}; representative: {}); later corrections need a reason.", s.inspectors.join(", "), s.representative),
        )
    }

    pub fn inspections(&mut self, list: &[InspectionSummary], json: bool) -> Result<()> {
        if json {
            return self.json(list);
        }
        for i in list {
            let status = match i.status {
                InspectionStatus::Draft => self.lang.pick("草稿", "draft"),
                InspectionStatus::Signed => self.lang.pick("已签字", "signed"),
            };
            self.line(&format!(
                "{}  {}  {}  {}  {}  {}/{}  {status}",
                i.id,
                i.date,
                i.kind.label(self.lang),
                i.target_name,
                i.group,
                i.answered,
                i.total
            ))?;
        }
        self.zh_en(format!("共 {} 次检查", list.len()), format!("{} inspections", list.len()))
    }

    pub fn inspection(&mut self, d: &InspectionDetail, json: bool) -> Result<()> {
        if json {
            return self.json(d);
        }
        let s = &d.summary;
        self.line(&format!("{}  {}  {}  {}  {}", s.target_name, s.date, s.kind.label(self.lang), s.group, s.leader))?;
        for it in &d.items {
            let verdict = it.verdict.map(|v| v.label(self.lang)).unwrap_or("—");
            let sev = it.severity.map(|v| format!(" [{}]", v.label(self.lang))).unwrap_or_default();
            let finding = if it.finding.is_empty() { String::new() } else { format!("  {}", it.finding) };
            self.line(&format!("  {}  {}  {verdict}{sev}{finding}", it.code, it.title))?;
        }
        self.zh_en(
            format!("已检查 {}/{} 项，不符合 {} 项，基本符合 {} 项", s.answered, s.total, s.noncompliant, s.partial),
            format!("{}/{} answered, {} non-compliant, {} partly compliant", s.answered, s.total, s.noncompliant, s.partial),
        )
    }
}

/// A stored UTC time in the machine's local time, Chinese style.
fn local_time(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t.with_timezone(&chrono::Local).format("%Y年%-m月%-d日 %H:%M").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}
