//! 问题清单, 整改清单 and 销号清单: the life of each problem from the finding
//! (or other source) that raised it to its close-out.
//!
//! A problem moves 待整改 → 整改中 → 已整改待核验 → 已销号. Only a
//! verification closes it; a failed verification returns it (退回) to 整改中,
//! and a closed one can be reopened with a reason. Every step is an
//! append-only [`ProblemEvent`], so the history of a problem is never lost.
//! 逾期 (overdue) is derived from the deadline and today's date in 北京时间,
//! never stored. 已撤销 (withdrawn) is for problems that no longer stand: a
//! finding corrected after sign-off, or a problem merged into another.
//!
//! Problems from inspections are raised when the inspection is signed, one per
//! 不符合 finding ([`raise_from_signed`]); a signed 回头看 inspection verifies
//! the open problems its checklist was built from ([`verify_by_look_back`]).
//! Statistics live in [`stats`]; spreadsheets in [`export`] and [`import`].

mod store;
pub mod import;
pub mod lifecycle;
pub mod stats;
pub use lifecycle::{ProblemAction, MAJOR_HAZARD_MAX_DAYS};
pub use stats::{breakdown, closures_by_month, percent, totals, BreakdownRow, Dimension, Figure, Figures, StatsFilter};

pub use store::{
    create, get, list, number_clashes, Files, merge, on_amended, open_problem_codes, plan, progress, raise_from_signed, renumber, reopen,
    report_done, verify, verify_by_look_back,
};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{Severity, TargetKind};
use crate::evidence::Attachment;
use crate::inspection::{InspectionKind, Scope};
use crate::vocabulary::vocabulary;

vocabulary! {
    /// Where a problem or a suggestion came from (入单进账的来源).
    Source {
        LawEnforcement => "law_enforcement", "执法检查", "law-enforcement inspection", ["执法"];
        Special => "special", "专项督查", "special inspection", ["督查", "专项检查"];
        Unannounced => "unannounced", "暗访调查", "unannounced visit", ["暗访", "随机暗访"];
        LookBack => "look_back", "回头看", "look-back visit", ["回访"];
        SelfCheck => "self_check", "政府自查", "government self-inspection", ["自查", "自查核查"];
        PublicReport => "public_report", "群众反映", "public report", ["群众举报", "信访", "群众来信"];
        Forum => "forum", "座谈", "forum", ["座谈会", "座谈交流"];
        Deputy => "deputy", "代表意见", "deputies' opinion", ["代表建议", "人大代表意见"];
    }
}

impl Source {
    /// The source of a problem found by an inspection of this kind.
    pub fn of_inspection(kind: InspectionKind) -> Source {
        match kind {
            InspectionKind::LawEnforcement => Source::LawEnforcement,
            InspectionKind::Special => Source::Special,
            InspectionKind::Unannounced => Source::Unannounced,
            InspectionKind::LookBack => Source::LookBack,
            InspectionKind::SelfCheckReview => Source::SelfCheck,
        }
    }
}

vocabulary! {
    /// Where a problem stands.
    Status {
        Pending => "pending", "待整改", "to rectify", ["未整改"];
        // As county offices write them: 未完成 and 持续推进 are work under way;
        // 已完成 and 已整改到位 are the unit's word, which only a verification
        // turns into 已销号.
        InProgress => "in_progress", "整改中", "being rectified", ["正在整改", "退回", "退回整改", "未完成", "持续推进", "正在推进", "推进中"];
        AwaitingVerification => "awaiting_verification", "已整改待核验", "rectified, awaiting verification", ["待核验", "已整改", "已完成", "已整改到位", "整改完成", "已完成整改"];
        Closed => "closed", "已销号", "closed out", ["销号"];
        Withdrawn => "withdrawn", "已撤销", "withdrawn", ["撤销"];
    }
}

impl Status {
    /// Still to be worked on: counted as open, can become overdue.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Pending | Status::InProgress | Status::AwaitingVerification)
    }

    /// 已整改: the unit has finished (whether or not verified yet).
    pub fn is_rectified(self) -> bool {
        matches!(self, Status::AwaitingVerification | Status::Closed)
    }
}

vocabulary! {
    /// How a rectification was verified.
    VerifyMethod {
        LookBack => "look_back", "回头看", "look-back visit", ["回访", "实地回访"];
        DocumentReview => "document_review", "资料核查", "document review", ["查阅资料", "资料审核"];
        Unannounced => "unannounced", "暗访", "unannounced visit", ["暗访核查", "随机暗访"];
    }
}

vocabulary! {
    /// The outcome of a verification.
    VerifyResult {
        Pass => "pass", "通过", "passed", ["合格", "已整改到位", "销号"];
        Fail => "fail", "未通过", "failed", ["不合格", "退回"];
    }
}

vocabulary! {
    /// One step in a problem's life.
    EventKind {
        Created => "created", "列入问题清单", "listed", [];
        Planned => "planned", "制定整改措施", "rectification planned", [];
        Progress => "progress", "整改进展", "progress", [];
        ReportedDone => "reported_done", "报告整改完成", "reported done", [];
        Verified => "verified", "核验销号", "verified and closed", [];
        Returned => "returned", "核验未通过，退回整改", "returned after verification", [];
        Reopened => "reopened", "重新打开", "reopened", [];
        Merged => "merged", "合并", "merged", [];
        Withdrawn => "withdrawn", "撤销", "withdrawn", [];
        Restored => "restored", "恢复", "restored", [];
    }
}

/// Limits on what a person types.
pub mod limits {
    pub const DESCRIPTION: usize = 2000;
    pub const NOTE: usize = 2000;
    pub const NAME: usize = 100;
    pub const CATEGORY: usize = 50;
    pub const FILES: usize = 20;
}

/// Today in 北京时间 (UTC+8), the calendar every deadline is written in.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("valid offset")).date_naive()
}

/// 逾期: not rectified by the end of its deadline day. A deadline today is not overdue yet.
pub fn is_overdue(status: Status, deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(status, Status::Pending | Status::InProgress) && deadline.is_some_and(|d| d < today)
}

/// A problem entered by hand (or one row of an import).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewProblem {
    /// A facility, county/district or department id; `null` with a free-text `target_name`.
    #[ts(optional)]
    pub target_id: Option<String>,
    /// Required when `target_id` is absent (e.g. 全市, or a unit not in the registry).
    #[serde(default)]
    pub target_name: String,
    /// The county/district the problem belongs to, by name; derived from the target when absent.
    #[ts(optional)]
    pub county: Option<String>,
    #[ts(optional)]
    pub item_code: Option<String>,
    /// Derived from the item's group when absent.
    #[serde(default)]
    pub category: String,
    pub description: String,
    #[ts(optional)]
    pub severity: Option<Severity>,
    #[ts(optional)]
    pub scope: Option<Scope>,
    pub source: Option<Source>,
    #[serde(default)]
    pub group: String,
    /// YYYY-MM-DD; today when absent.
    #[ts(optional)]
    pub found_on: Option<String>,
    /// A department name; derived from the item's responsible departments when absent.
    #[ts(optional)]
    pub department: Option<String>,
    #[serde(default)]
    pub responsible_unit: String,
    /// A human-readable number to keep (imports); generated when absent.
    #[ts(optional)]
    pub number: Option<String>,
}

/// A rectification plan: what will be done, by whom, by when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Plan {
    pub measure: String,
    /// The responsible unit: a department or the facility.
    pub unit: String,
    #[serde(default)]
    pub person: String,
    /// YYYY-MM-DD.
    pub deadline: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Verification {
    /// Who verified.
    pub by: String,
    pub method: VerifyMethod,
    pub result: VerifyResult,
    #[serde(default)]
    pub note: String,
    /// YYYY-MM-DD; today when absent.
    #[ts(optional)]
    pub on: Option<String>,
}

/// One problem as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemRow {
    pub id: String,
    pub number: String,
    pub status: Status,
    /// Still to be worked on ([`Status::is_open`]).
    pub open: bool,
    pub overdue: bool,
    pub severity: Severity,
    pub scope: Option<Scope>,
    pub source: Source,
    pub target_kind: TargetKind,
    pub target_id: Option<String>,
    pub target_name: String,
    pub county: Option<String>,
    pub item_code: Option<String>,
    pub category: String,
    pub description: String,
    pub group: String,
    pub found_on: String,
    pub inspection_id: Option<String>,
    pub department: Option<String>,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub measure: String,
    pub deadline: Option<String>,
    pub rectified_on: Option<String>,
    pub closed_on: Option<String>,
    pub merged_into: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemEvent {
    pub id: String,
    pub kind: EventKind,
    pub on: String,
    pub actor: String,
    pub note: String,
    pub method: Option<VerifyMethod>,
    pub result: Option<VerifyResult>,
    pub verifier: String,
    pub inspection_id: Option<String>,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    /// sha256 of the files attached with this step.
    pub evidence: Vec<String>,
    pub created_at: String,
}

/// The chain behind a problem: regulation article → item → finding.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemTrace {
    pub item_code: String,
    pub item_title: String,
    pub requirement: String,
    pub basis: String,
    /// The findings (inspection, date, text) the problem stands for.
    pub findings: Vec<TracedFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TracedFinding {
    pub inspection_id: String,
    pub date: String,
    pub kind: InspectionKind,
    pub finding: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemDetail {
    #[serde(flatten)]
    #[ts(flatten)]
    pub problem: ProblemRow,
    pub trace: Option<ProblemTrace>,
    pub events: Vec<ProblemEvent>,
    pub attachments: Vec<Attachment>,
    /// What a person may do with it now ([`lifecycle::actions`]).
    pub actions: Vec<ProblemAction>,
    /// For a 重大隐患: the most days a plan's deadline may be away.
    #[ts(type = "number | null")]
    pub major_hazard_max_days: Option<i64>,
    /// Other problems with the same number (a clash for a person to settle
    /// with `renumber`); empty as a rule.
    pub same_number: Vec<String>,
}

/// Problems that carry one number ([`store::number_clashes`]).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NumberClash {
    pub number: String,
    pub problems: Vec<ProblemRow>,
}

/// What `list` shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemFilter {
    #[serde(default)]
    pub statuses: Vec<Status>,
    /// County/district name.
    #[ts(optional)]
    pub county: Option<String>,
    #[serde(default)]
    pub overdue_only: bool,
    #[ts(optional)]
    pub target_id: Option<String>,
    #[ts(optional)]
    pub severity: Option<Severity>,
    #[ts(optional)]
    pub source: Option<Source>,
    #[ts(optional)]
    pub group: Option<String>,
    #[ts(optional)]
    pub category: Option<String>,
    #[ts(optional)]
    pub department: Option<String>,
    /// Words in the number, description, target or unit.
    #[ts(optional)]
    pub search: Option<String>,
    /// Withdrawn problems are left out unless asked for.
    #[serde(default)]
    pub include_withdrawn: bool,
}

#[cfg(test)]
impl ProblemRow {
    /// A problem with every field filled in plainly, for tests to vary.
    pub(crate) fn example() -> ProblemRow {
        ProblemRow {
            id: "P".into(),
            number: "WT20240520-0001".into(),
            status: Status::Pending,
            open: true,
            overdue: false,
            severity: Severity::General,
            scope: None,
            source: Source::LawEnforcement,
            target_kind: TargetKind::ElderlyCareInstitution,
            target_id: None,
            target_name: "某养老院".into(),
            county: None,
            item_code: None,
            category: "安全管理".into(),
            description: "消防通道堵塞".into(),
            group: String::new(),
            found_on: "2024-05-20".into(),
            inspection_id: None,
            department: None,
            responsible_unit: String::new(),
            responsible_person: String::new(),
            measure: String::new(),
            deadline: None,
            rectified_on: None,
            closed_on: None,
            merged_into: None,
            updated_at: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_beijing_date() {
        // 2024-05-31 17:00 UTC is already 1 June in Beijing.
        let now = Utc.with_ymd_and_hms(2024, 5, 31, 17, 0, 0).unwrap();
        assert_eq!(today(now), NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
        let now = Utc.with_ymd_and_hms(2024, 5, 31, 15, 59, 0).unwrap();
        assert_eq!(today(now), NaiveDate::from_ymd_opt(2024, 5, 31).unwrap());
    }

    #[test]
    fn overdue_only_after_the_deadline_day_and_only_while_unrectified() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2024-06-10");
        assert!(!is_overdue(Status::InProgress, Some(d("2024-06-10")), today), "deadline today");
        assert!(is_overdue(Status::InProgress, Some(d("2024-06-09")), today));
        assert!(is_overdue(Status::Pending, Some(d("2024-06-09")), today));
        assert!(!is_overdue(Status::AwaitingVerification, Some(d("2024-06-01")), today), "rectified in time or not, no longer overdue");
        assert!(!is_overdue(Status::Closed, Some(d("2024-06-01")), today));
        assert!(!is_overdue(Status::Pending, None, today), "no deadline yet");
    }
}
