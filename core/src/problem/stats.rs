//! Campaign statistics: counts and rates of problems and suggestions, in
//! total and broken down by county/district, group, target type, category,
//! department, severity and source; and the trend of close-outs by month.
//!
//! Every figure is an SQL aggregate (`count`/`sum` with `GROUP BY`) over the
//! `problem` table, the `opinion` table and the `suggestion` table (the
//! suggestions made during inspections), never a cache. The figures follow
//! the same rules as the lists, so a number drills down to exactly the list
//! behind it ([`problems`], [`StatsFilter::problem_filter`]):
//!
//! - withdrawn problems (已撤销) count nowhere;
//! - rectified (已整改) = 已整改待核验 or 已销号; closed (已销号) = 已销号;
//! - overdue (逾期) = 待整改 or 整改中 with a deadline before today (北京时间);
//!   a deadline today is not overdue yet ([`super::is_overdue`]);
//! - rates are divided by the number of problems and are `None` when there are
//!   none (never NaN); they are kept unrounded, [`percent`] rounds for display;
//! - the median days to close run from the date found to the date closed,
//!   over the problems closed now.
//!
//! Suggestions (意见建议) are counted apart from problems: the rows of
//! `opinion` plus those of `suggestion`. A suggestion made during an
//! inspection takes its county, group, target type and source (through
//! [`Source::of_inspection`]) from the inspection, and its category from the
//! catalog group of the item it is about. A suggestion belongs to a department
//! when it is addressed to one by name, or when the inspected target is one.
//! What a suggestion has no value for (its severity, say) puts it in the
//! “（未归属）” row of that breakdown, so the rows of every breakdown add up to
//! the totals.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use rusqlite::params_from_iter;
use serde::{Deserialize, Serialize};

use super::{today, ProblemFilter, ProblemRow, Source, Status};
use crate::catalog::{Severity, TargetKind};
use crate::db::Db;
use crate::error::Result;
use crate::inspection::InspectionKind;
use crate::text::clean;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// What a breakdown is by. The slugs are the words of `qingdan stats --by`.
    Dimension {
        County => "county", "县（市、区）", "county/district", ["县区", "县市区", "区县", "地区"];
        Group => "group", "检查组", "group", ["组", "督查组"];
        TargetKind => "target_kind", "对象类型", "target type", ["target-kind", "kind", "检查对象类型", "类型"];
        Category => "category", "问题类别", "category", ["类别", "分类"];
        Department => "department", "责任部门", "department", ["部门"];
        Severity => "severity", "严重程度", "severity", ["等级", "问题等级"];
        Source => "source", "来源", "source", ["问题来源"];
    }
}

impl std::str::FromStr for Dimension {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Dimension::parse(s).ok_or_else(|| {
            let words: Vec<&str> = Dimension::ALL.iter().map(|d| d.slug()).collect();
            format!("unknown dimension '{s}'; expected one of {}", words.join("|"))
        })
    }
}

impl Dimension {
    /// The column of `problem` (and of the suggestion facts) it groups by.
    fn column(self) -> &'static str {
        match self {
            Dimension::County => "county_id",
            Dimension::Group => "group_name",
            Dimension::TargetKind => "target_kind",
            Dimension::Category => "category",
            Dimension::Department => "department_id",
            Dimension::Severity => "severity",
            Dimension::Source => "source",
        }
    }
}

/// The label of the row for records without a value (no county, no group …).
pub const UNASSIGNED_LABEL: &str = "（未归属）";

/// The figures of a campaign or of one row of a breakdown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Figures {
    /// Problems listed (withdrawn ones left out).
    pub problems: u32,
    /// 意见建议, counted apart from problems.
    pub suggestions: u32,
    /// 已整改: awaiting verification or closed out.
    pub rectified: u32,
    /// 已销号.
    pub closed: u32,
    /// 逾期: not rectified and past the deadline day.
    pub overdue: u32,
    /// rectified ÷ problems, 0..=1; `null` without problems.
    pub rectification_rate: Option<f64>,
    /// closed ÷ problems, 0..=1; `null` without problems.
    pub closeout_rate: Option<f64>,
    /// Median days from the date found to the date closed, over closed problems; `null` when none is closed.
    pub median_days_to_close: Option<f64>,
}

impl Figures {
    fn finish(&mut self, days: Option<&mut Vec<f64>>) {
        let rate = |x: u32| if self.problems == 0 { None } else { Some(x as f64 / self.problems as f64) };
        self.rectification_rate = rate(self.rectified);
        self.closeout_rate = rate(self.closed);
        self.median_days_to_close = days.and_then(|d| median(d));
    }
}

/// A rate as people read it: one decimal, “19.4%”; “—” when there is none.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) if r.is_finite() => format!("{:.1}%", r * 100.0),
        _ => "—".to_string(),
    }
}

fn median(xs: &mut [f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    Some(if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 })
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BreakdownRow {
    /// The slug for closed vocabularies (target type, severity, source), the
    /// name otherwise (county, group, category, department); empty for the
    /// “（未归属）” row.
    pub key: String,
    /// The Chinese label.
    pub label: String,
    pub figures: Figures,
}

/// Which records the statistics cover; empty fields do not filter. The same
/// fields, with the same meaning, as [`ProblemFilter`] (plus the target type),
/// so the dashboard can drill down from any number to its list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StatsFilter {
    /// County/district name.
    #[ts(optional)]
    pub county: Option<String>,
    #[ts(optional)]
    pub group: Option<String>,
    #[ts(optional)]
    pub target_kind: Option<TargetKind>,
    #[ts(optional)]
    pub category: Option<String>,
    /// Department name.
    #[ts(optional)]
    pub department: Option<String>,
    #[ts(optional)]
    pub severity: Option<Severity>,
    #[ts(optional)]
    pub source: Option<Source>,
}

/// Which number of a row a drill-down opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Figure {
    Problems,
    Rectified,
    Closed,
    Overdue,
}

impl StatsFilter {
    /// This filter narrowed to one row of a breakdown by `dimension`. `None`
    /// for the “（未归属）” row (empty key) and for a key that is no value of a
    /// closed vocabulary: the lists cannot select “no value”.
    pub fn narrowed(&self, dimension: Dimension, key: &str) -> Option<StatsFilter> {
        if key.is_empty() {
            return None;
        }
        let mut f = self.clone();
        match dimension {
            Dimension::County => f.county = Some(key.to_string()),
            Dimension::Group => f.group = Some(key.to_string()),
            Dimension::TargetKind => f.target_kind = Some(TargetKind::from_slug(key)?),
            Dimension::Category => f.category = Some(key.to_string()),
            Dimension::Department => f.department = Some(key.to_string()),
            Dimension::Severity => f.severity = Some(Severity::from_slug(key)?),
            Dimension::Source => f.source = Some(Source::from_slug(key)?),
        }
        Some(f)
    }

    /// The problem list behind one figure. [`ProblemFilter`] has no target
    /// type: with `target_kind` set, [`problems`] narrows its result further.
    pub fn problem_filter(&self, figure: Figure) -> ProblemFilter {
        let (statuses, overdue_only) = match figure {
            Figure::Problems => (vec![], false),
            Figure::Rectified => (vec![Status::AwaitingVerification, Status::Closed], false),
            Figure::Closed => (vec![Status::Closed], false),
            Figure::Overdue => (vec![], true),
        };
        ProblemFilter {
            statuses,
            overdue_only,
            county: self.county.clone(),
            group: self.group.clone(),
            category: self.category.clone(),
            department: self.department.clone(),
            severity: self.severity,
            source: self.source,
            ..Default::default()
        }
    }

    /// The columns its conditions use.
    fn columns(&self) -> Vec<&'static str> {
        self.where_clause(1).2
    }

    fn conditions(&self, first: usize) -> (String, Vec<String>) {
        let (sql, args, _) = self.where_clause(first);
        (sql, args)
    }

    /// `AND …` conditions over the columns shared by `problem` and the
    /// suggestion facts, with their arguments (numbered from `first`).
    fn where_clause(&self, first: usize) -> (String, Vec<String>, Vec<&'static str>) {
        let mut sql = String::new();
        let mut args: Vec<String> = Vec::new();
        let mut columns: Vec<&'static str> = Vec::new();
        let mut add = |column: &'static str, cond: &str, v: String| {
            columns.push(column);
            args.push(v);
            sql.push_str(&cond.replace('?', &format!("?{}", first + args.len() - 1)));
        };
        // As `problem::list` does: the county name cleaned, the others as given.
        if let Some(c) = self.county.as_deref().map(clean).filter(|c| !c.is_empty()) {
            add("county_id", " AND county_id IN (SELECT id FROM jurisdiction WHERE name = ?)", c);
        }
        if let Some(g) = self.group.as_deref().filter(|g| !g.is_empty()) {
            add("group_name", " AND group_name = ?", g.to_string());
        }
        if let Some(k) = self.target_kind {
            add("target_kind", " AND target_kind = ?", k.slug().to_string());
        }
        if let Some(c) = self.category.as_deref().filter(|c| !c.is_empty()) {
            add("category", " AND category = ?", c.to_string());
        }
        if let Some(d) = self.department.as_deref().filter(|d| !d.is_empty()) {
            add("department_id", " AND department_id IN (SELECT id FROM department WHERE name = ?)", d.to_string());
        }
        if let Some(s) = self.severity {
            add("severity", " AND severity = ?", s.slug().to_string());
        }
        if let Some(s) = self.source {
            add("source", " AND source = ?", s.slug().to_string());
        }
        (sql, args, columns)
    }
}

/// The problems behind one figure of a row: what the dashboard opens when a
/// number is clicked. Its length is that number.
pub fn problems(db: &Db, filter: &StatsFilter, figure: Figure) -> Result<Vec<ProblemRow>> {
    let mut rows = super::list(db, &filter.problem_filter(figure))?;
    if let Some(k) = filter.target_kind {
        rows.retain(|r| r.target_kind == k);
    }
    Ok(rows)
}

/// The suggestions as rows with the columns of `problem` the statistics
/// group and filter by. Columns not `needed` are left NULL, so a breakdown by
/// county does not look up the category of every suggestion.
fn suggestion_facts(needed: &[&str]) -> String {
    let pick = |column: &str, expr: String| if needed.contains(&column) { expr } else { "NULL".to_string() };
    let source = InspectionKind::ALL
        .iter()
        .map(|k| format!("WHEN '{}' THEN '{}'", k.slug(), Source::of_inspection(*k).slug()))
        .collect::<Vec<_>>()
        .join(" ");
    let opinion_dept = pick("department_id", "(SELECT d.id FROM department d WHERE d.name = o.addressee)".into());
    let county = pick(
        "county_id",
        "CASE i.target_kind WHEN 'county_government' THEN i.target_id WHEN 'department' THEN NULL
             ELSE (SELECT f.county_id FROM facility f WHERE f.id = i.target_id) END"
            .into(),
    );
    let category = pick(
        "category",
        "(SELECT g.name FROM catalog_item ci JOIN catalog_group g ON g.id = ci.group_id
          WHERE ci.version_id = i.catalog_version_id AND ci.code = s.item_code)"
            .into(),
    );
    let dept = pick(
        "department_id",
        "coalesce((SELECT d.id FROM department d WHERE d.name = s.addressee), CASE WHEN i.target_kind = 'department' THEN i.target_id END)".into(),
    );
    format!(
        "SELECT o.county_id AS county_id, o.group_name AS group_name, NULL AS target_kind, NULL AS category,
                {opinion_dept} AS department_id, NULL AS severity, o.source AS source
         FROM opinion o
         UNION ALL
         SELECT {county}, i.group_name, i.target_kind, {category}, {dept}, NULL, CASE i.kind {source} END
         FROM suggestion s JOIN inspection i ON i.id = s.inspection_id"
    )
}

/// Figures per key of `column` (`None` for no value), or one group when `column` is `None`.
fn aggregate(db: &Db, column: Option<&str>, filter: &StatsFilter) -> Result<HashMap<Option<String>, Figures>> {
    let conn = db.conn();
    let key = column.unwrap_or("NULL");
    let mut out: HashMap<Option<String>, Figures> = HashMap::new();
    let norm = |k: Option<String>| k.filter(|k| !k.is_empty());

    // Problems: every count, and the days to close for the median, in one pass.
    let today = today(db.now()).format("%Y-%m-%d").to_string();
    let (cond, args) = filter.conditions(2);
    let sql = format!(
        "SELECT {key} AS k, count(*),
                count(CASE WHEN status IN ('awaiting_verification', 'closed') THEN 1 END),
                count(CASE WHEN status = 'closed' THEN 1 END),
                count(CASE WHEN status IN ('pending', 'in_progress') AND deadline < ?1 THEN 1 END),
                group_concat(CASE WHEN status = 'closed' THEN julianday(closed_on) - julianday(found_on) END)
         FROM problem WHERE status <> 'withdrawn'{cond}
         GROUP BY k"
    );
    let mut days: HashMap<Option<String>, Vec<f64>> = HashMap::new();
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = st.query(params_from_iter(std::iter::once(&today).chain(args.iter())))?;
    while let Some(r) = rows.next()? {
        let k = norm(r.get(0)?);
        let f = out.entry(k.clone()).or_default();
        f.problems += r.get::<_, u32>(1)?;
        f.rectified += r.get::<_, u32>(2)?;
        f.closed += r.get::<_, u32>(3)?;
        f.overdue += r.get::<_, u32>(4)?;
        if let Some(list) = r.get::<_, Option<String>>(5)? {
            days.entry(k).or_default().extend(list.split(',').filter_map(|d| d.trim().parse::<f64>().ok()));
        }
    }

    // Suggestions.
    let (cond, args) = filter.conditions(1);
    let mut needed = filter.columns();
    needed.extend(column);
    let sql = format!("SELECT {key} AS k, count(*) FROM ({}) WHERE 1 = 1{cond} GROUP BY k", suggestion_facts(&needed));
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = st.query(params_from_iter(args.iter()))?;
    while let Some(r) = rows.next()? {
        out.entry(norm(r.get(0)?)).or_default().suggestions += r.get::<_, u32>(1)?;
    }

    for (k, f) in out.iter_mut() {
        f.finish(days.get_mut(k));
    }
    Ok(out)
}

/// The figures of everything the filter selects.
pub fn totals(db: &Db, filter: &StatsFilter) -> Result<Figures> {
    Ok(aggregate(db, None, filter)?.remove(&None).unwrap_or_default())
}

/// One row per value of `dimension` that has problems or suggestions, the
/// “（未归属）” row last when records without a value exist. By county, every
/// county of the registry has a row (zeros included), in registry order; by
/// department, registry order; by target type and source, vocabulary order;
/// by severity, gravest first; by group and category, most problems first.
pub fn breakdown(db: &Db, dimension: Dimension, filter: &StatsFilter) -> Result<Vec<BreakdownRow>> {
    let mut data = aggregate(db, Some(dimension.column()), filter)?;
    let unassigned = data.remove(&None);
    let mut rows: Vec<BreakdownRow> = Vec::new();
    let row = |key: String, label: String, figures: Figures| BreakdownRow { key, label, figures };
    let empty = Figures::default();
    match dimension {
        Dimension::County | Dimension::Department => {
            let sql = if dimension == Dimension::County {
                "SELECT id, name FROM jurisdiction WHERE level = 'county' ORDER BY parent_id, position, name"
            } else {
                "SELECT id, name FROM department ORDER BY position, name"
            };
            let mut st = db.conn().prepare_cached(sql)?;
            let registry: Vec<(String, String)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            let only = filter.county.as_deref().map(clean).filter(|c| !c.is_empty());
            for (id, name) in registry {
                match data.remove(&Some(id)) {
                    Some(f) => rows.push(row(name.clone(), name, f)),
                    // Every county, even without data, unless the filter names one.
                    None if dimension == Dimension::County && only.as_ref().is_none_or(|c| *c == name) => {
                        rows.push(row(name.clone(), name, empty.clone()))
                    }
                    None => {}
                }
            }
            // Ids the registry no longer knows (should not happen): keep their numbers visible.
            let mut rest: Vec<_> = data.into_iter().map(|(k, f)| (k.unwrap_or_default(), f)).collect();
            rest.sort_by(|a, b| a.0.cmp(&b.0));
            rows.extend(rest.into_iter().map(|(k, f)| row(k.clone(), k, f)));
        }
        Dimension::TargetKind | Dimension::Severity | Dimension::Source => {
            let order: Vec<(&str, &str)> = match dimension {
                Dimension::TargetKind => TargetKind::ALL.iter().map(|k| (k.slug(), k.label(crate::Lang::Zh))).collect(),
                Dimension::Severity => Severity::ALL.iter().rev().map(|k| (k.slug(), k.label(crate::Lang::Zh))).collect(),
                _ => Source::ALL.iter().map(|k| (k.slug(), k.label(crate::Lang::Zh))).collect(),
            };
            for (slug, label) in order {
                if let Some(f) = data.remove(&Some(slug.to_string())) {
                    rows.push(row(slug.to_string(), label.to_string(), f));
                }
            }
            let mut rest: Vec<_> = data.into_iter().map(|(k, f)| (k.unwrap_or_default(), f)).collect();
            rest.sort_by(|a, b| a.0.cmp(&b.0));
            rows.extend(rest.into_iter().map(|(k, f)| row(k.clone(), k, f)));
        }
        Dimension::Group | Dimension::Category => {
            let mut rest: Vec<_> = data.into_iter().map(|(k, f)| (k.unwrap_or_default(), f)).collect();
            rest.sort_by(|a, b| b.1.problems.cmp(&a.1.problems).then(b.1.suggestions.cmp(&a.1.suggestions)).then(a.0.cmp(&b.0)));
            rows.extend(rest.into_iter().map(|(k, f)| row(k.clone(), k, f)));
        }
    }
    if let Some(f) = unassigned {
        rows.push(row(String::new(), UNASSIGNED_LABEL.to_string(), f));
    }
    Ok(rows)
}

/// Close-outs per month (YYYY-MM of the date closed), from the first month
/// with one to the last, months without any included as 0. Counts the
/// problems closed now (a reopened problem leaves the month it was closed
/// in), so the counts add up to the `closed` figure.
pub fn closures_by_month(db: &Db, filter: &StatsFilter) -> Result<Vec<(String, u32)>> {
    let (cond, args) = filter.conditions(1);
    let sql = format!(
        "SELECT substr(closed_on, 1, 7) AS m, count(*) FROM problem
         WHERE status = 'closed' AND closed_on IS NOT NULL{cond} GROUP BY m ORDER BY m"
    );
    let mut st = db.conn().prepare_cached(&sql)?;
    let found: Vec<(String, u32)> = st.query_map(params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let month = |s: &str| NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok();
    let (Some(first), Some(last)) = (found.first().and_then(|f| month(&f.0)), found.last().and_then(|l| month(&l.0))) else {
        return Ok(found);
    };
    let counts: HashMap<String, u32> = found.iter().cloned().collect();
    if counts.keys().any(|k| month(k).is_none()) {
        // A date not in YYYY-MM-DD form: show what is there rather than guess.
        return Ok(found);
    }
    let mut out = Vec::new();
    let mut m = first;
    while m <= last {
        let k = m.format("%Y-%m").to_string();
        out.push((k.clone(), counts.get(&k).copied().unwrap_or(0)));
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    Ok(out)
}
