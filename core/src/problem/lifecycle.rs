//! The rules of a problem's life, written once: which step may follow which
//! status, where it leads, which dates it sets, and what a refusal says.
//!
//! ```text
//! 待整改 ──制定整改措施──▶ 整改中 ──报告整改完成──▶ 已整改待核验 ──核验通过──▶ 已销号
//!   │                      ▲  │                         │                       │
//!   │                      │  └─整改进展（不改变状态）   └──核验未通过，退回──┘  │
//!   │                      └───────────────重新打开（须说明理由）───────────────┘
//!   └──合并到其他问题 / 检查记录更正──▶ 已撤销
//! ```
//!
//! Everything here is pure: a status and a step in, the next status or a
//! refusal out. The store ([`super::store::record_step`]) is the one writer
//! that applies a [`Transition`] and records its event; the spreadsheet import
//! and a 回头看 go through it, the sync merge checks arriving events with
//! [`event_is_legal`], and the desktop app learns the allowed actions from
//! [`actions`]. Dates themselves (a deadline's limits, a verification's day)
//! are checked by [`check_deadline`] and [`check_verified_on`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{EventKind, ProblemRow, Status, VerifyResult};
use crate::catalog::Severity;
use crate::Lang;

/// A 重大隐患 must be rectified at once: its deadline may be at most this
/// many days after the rectification is planned.
pub const MAJOR_HAZARD_MAX_DAYS: i64 = 7;

/// One step a person (or a signed 回头看) takes on a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 制定整改措施 (or revise the plan): 待整改 / 整改中 → 整改中.
    Plan,
    /// 整改进展: a progress report while being rectified.
    Progress,
    /// A remark that moves nothing (a 回头看 that found it not yet rectified,
    /// an imported row's latest note): on a problem still to be rectified.
    Note,
    /// 报告整改完成: 整改中 → 已整改待核验.
    ReportDone,
    /// A 回头看 found it rectified on the spot: 待整改 / 整改中 → 已整改待核验.
    ObservedRectified,
    /// 核验: pass → 已销号, fail → back to 整改中.
    Verify(VerifyResult),
    /// 重新打开 a closed problem: 已销号 → 整改中.
    Reopen,
    /// This problem is merged into another: 待整改 → 已撤销.
    MergeAway,
    /// Another problem is merged into this one: the status stays.
    MergeKeep,
    /// The finding behind it was corrected after sign-off: 待整改 → 已撤销.
    Withdraw,
}

/// What a date column becomes with a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateChange {
    Keep,
    /// Set to the step's day.
    SetToStepDay,
    /// Set to the step's day unless already set (a 回头看 keeps the day the unit reported).
    SetIfEmpty,
    Clear,
}

/// Where a step leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub event: EventKind,
    pub from: Status,
    pub to: Status,
    pub rectified_on: DateChange,
    pub closed_on: DateChange,
}

/// A step the status does not allow, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub zh: String,
    pub en: String,
}

impl Step {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Step::Plan => ("制定整改措施", "plan a rectification"),
            Step::Progress => ("记录整改进展", "record progress"),
            Step::Note => ("记录情况", "add a note"),
            Step::ReportDone => ("报告整改完成", "report it done"),
            Step::ObservedRectified => ("确认整改完成", "confirm it rectified"),
            Step::Verify(_) => ("核验", "verify it"),
            Step::Reopen => ("重新打开", "reopen it"),
            Step::MergeAway => ("合并", "merge it"),
            Step::MergeKeep => ("合并", "merge into it"),
            Step::Withdraw => ("撤销", "withdraw it"),
        }
    }

    /// Why the step cannot be taken from `status`, and what to do instead.
    fn hint(self, status: Status) -> (&'static str, &'static str) {
        use Status::*;
        match (self, status) {
            (Step::Progress | Step::ReportDone, Pending) => ("，请先制定整改措施", "; plan the rectification first"),
            (Step::Verify(_), Pending | InProgress) => (
                "：责任单位尚未报告整改完成，不能跳过核验直接销号",
                ": the unit has not reported it rectified; close-out cannot skip verification",
            ),
            (Step::Reopen, _) => ("（只有已销号的问题可以重新打开）", " (only a closed problem can be reopened)"),
            (Step::MergeAway, _) => ("（只能合并待整改的问题）", " (only problems still to rectify can be merged)"),
            _ => ("", ""),
        }
    }
}

/// The next status after `step`, or why the step is not allowed now.
pub fn next(status: Status, step: Step) -> Result<Transition, Refusal> {
    use DateChange::*;
    use Status::*;
    let t = |event, to, rectified_on, closed_on| Transition { event, from: status, to, rectified_on, closed_on };
    let allowed = match (step, status) {
        (Step::Plan, Pending | InProgress) => Some(t(EventKind::Planned, InProgress, Keep, Keep)),
        (Step::Progress, InProgress) => Some(t(EventKind::Progress, InProgress, Keep, Keep)),
        (Step::Note, Pending | InProgress) => Some(t(EventKind::Progress, status, Keep, Keep)),
        (Step::ReportDone, InProgress) => Some(t(EventKind::ReportedDone, AwaitingVerification, SetToStepDay, Keep)),
        (Step::ObservedRectified, Pending | InProgress) => {
            Some(t(EventKind::ReportedDone, AwaitingVerification, SetIfEmpty, Keep))
        }
        (Step::Verify(VerifyResult::Pass), AwaitingVerification) => Some(t(EventKind::Verified, Closed, SetIfEmpty, SetToStepDay)),
        (Step::Verify(VerifyResult::Fail), AwaitingVerification) => Some(t(EventKind::Returned, InProgress, Clear, Keep)),
        (Step::Reopen, Closed) => Some(t(EventKind::Reopened, InProgress, Clear, Clear)),
        (Step::MergeAway, Pending) => Some(t(EventKind::Merged, Withdrawn, Keep, Keep)),
        (Step::MergeKeep, Pending | InProgress) => Some(t(EventKind::Merged, status, Keep, Keep)),
        (Step::Withdraw, Pending) => Some(t(EventKind::Withdrawn, Withdrawn, Keep, Keep)),
        _ => None,
    };
    allowed.ok_or_else(|| {
        let (step_zh, step_en) = step.names();
        let (hint_zh, hint_en) = step.hint(status);
        Refusal {
            zh: format!("问题当前为“{}”，不能{step_zh}{hint_zh}", status.label(Lang::Zh)),
            en: format!("the problem is '{}': cannot {step_en}{hint_en}", status.label(Lang::En)),
        }
    })
}

const ALL_STEPS: [Step; 11] = [
    Step::Plan,
    Step::Progress,
    Step::Note,
    Step::ReportDone,
    Step::ObservedRectified,
    Step::Verify(VerifyResult::Pass),
    Step::Verify(VerifyResult::Fail),
    Step::Reopen,
    Step::MergeAway,
    Step::MergeKeep,
    Step::Withdraw,
];

/// Whether an event, as recorded (kind, status before, status after), is a
/// step of the lifecycle: how the merge checks events another laptop made.
/// A problem's first event is its listing (`from` empty, `to` 待整改).
pub fn event_is_legal(kind: EventKind, from: Option<Status>, to: Option<Status>) -> bool {
    match (kind, from, to) {
        (EventKind::Created, None, Some(Status::Pending)) => true,
        // 恢复 is recorded by no version of the app; nothing may claim it.
        (EventKind::Created | EventKind::Restored, _, _) => false,
        (_, Some(from), Some(to)) => {
            ALL_STEPS.iter().any(|s| next(from, *s).is_ok_and(|t| t.event == kind && t.to == to))
        }
        _ => false,
    }
}

/// An action the app offers on a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProblemAction {
    Plan,
    Progress,
    ReportDone,
    Verify,
    Reopen,
    Merge,
    /// Print a 整改通知书 to its target: it is registered and still to be rectified.
    Notify,
    /// Start a 回头看 of its target and item: registered, with an item, still open.
    LookBack,
}

/// The actions a person may take on a problem now.
pub fn actions(p: &ProblemRow) -> Vec<ProblemAction> {
    let steps = [
        (ProblemAction::Plan, Step::Plan),
        (ProblemAction::Progress, Step::Progress),
        (ProblemAction::ReportDone, Step::ReportDone),
        (ProblemAction::Verify, Step::Verify(VerifyResult::Pass)),
        (ProblemAction::Reopen, Step::Reopen),
        (ProblemAction::Merge, Step::MergeKeep),
    ];
    let mut out: Vec<ProblemAction> = steps.into_iter().filter(|(_, step)| next(p.status, *step).is_ok()).map(|(a, _)| a).collect();
    let to_rectify = matches!(p.status, Status::Pending | Status::InProgress);
    if p.target_id.is_some() && to_rectify {
        out.push(ProblemAction::Notify);
    }
    if p.target_id.is_some() && p.item_code.is_some() && p.status.is_open() {
        out.push(ProblemAction::LookBack);
    }
    out
}

/// The latest deadline a plan made `today` may set: a 重大隐患 must be
/// rectified within [`MAJOR_HAZARD_MAX_DAYS`]; others have no limit.
pub fn latest_deadline(severity: Severity, today: NaiveDate) -> Option<NaiveDate> {
    (severity == Severity::Major).then(|| today + chrono::Days::new(MAJOR_HAZARD_MAX_DAYS as u64))
}

/// A plan's deadline: not before the problem was found, not in the past, and
/// for a 重大隐患 within [`MAJOR_HAZARD_MAX_DAYS`].
pub fn check_deadline(deadline: NaiveDate, found_on: NaiveDate, today: NaiveDate, severity: Severity) -> Result<(), Refusal> {
    if deadline < found_on {
        return Err(Refusal {
            zh: format!("整改期限 {deadline} 早于问题发现日期 {found_on}"),
            en: format!("the deadline {deadline} is before the problem was found ({found_on})"),
        });
    }
    if deadline < today {
        return Err(Refusal { zh: format!("整改期限 {deadline} 早于今天"), en: format!("the deadline {deadline} is in the past") });
    }
    if let Some(latest) = latest_deadline(severity, today).filter(|l| deadline > *l) {
        return Err(Refusal {
            zh: format!("重大隐患须立即整改，整改期限不得晚于 {latest}（{MAJOR_HAZARD_MAX_DAYS} 日内）"),
            en: format!("a major hazard must be rectified at once: the deadline may be at most {MAJOR_HAZARD_MAX_DAYS} days away"),
        });
    }
    Ok(())
}

/// The day of a verification: not in the future, not before the problem was found.
pub fn check_verified_on(on: NaiveDate, found_on: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    if on > today {
        return Err(Refusal { zh: "核验日期晚于今天".into(), en: "the verification date is in the future".into() });
    }
    if on < found_on {
        return Err(Refusal {
            zh: format!("核验日期早于问题发现日期 {found_on}"),
            en: format!("verified before the problem was found ({found_on})"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use Status::*;
    use VerifyResult::{Fail, Pass};

    const STATUSES: [Status; 5] = [Pending, InProgress, AwaitingVerification, Closed, Withdrawn];

    /// The whole table: for each step, the statuses it may start from and where it leads.
    #[rstest]
    #[case::plan(Step::Plan, &[(Pending, InProgress), (InProgress, InProgress)])]
    #[case::progress(Step::Progress, &[(InProgress, InProgress)])]
    #[case::note(Step::Note, &[(Pending, Pending), (InProgress, InProgress)])]
    #[case::report_done(Step::ReportDone, &[(InProgress, AwaitingVerification)])]
    #[case::observed(Step::ObservedRectified, &[(Pending, AwaitingVerification), (InProgress, AwaitingVerification)])]
    #[case::verify_pass(Step::Verify(Pass), &[(AwaitingVerification, Closed)])]
    #[case::verify_fail(Step::Verify(Fail), &[(AwaitingVerification, InProgress)])]
    #[case::reopen(Step::Reopen, &[(Closed, InProgress)])]
    #[case::merge_away(Step::MergeAway, &[(Pending, Withdrawn)])]
    #[case::merge_keep(Step::MergeKeep, &[(Pending, Pending), (InProgress, InProgress)])]
    #[case::withdraw(Step::Withdraw, &[(Pending, Withdrawn)])]
    fn every_status_and_step(#[case] step: Step, #[case] allowed: &[(Status, Status)]) {
        for from in STATUSES {
            let want = allowed.iter().find(|(f, _)| *f == from).map(|(_, to)| *to);
            match (next(from, step), want) {
                (Ok(t), Some(to)) => assert_eq!((t.from, t.to), (from, to), "{step:?} from {from:?}"),
                (Err(r), None) => assert!(r.zh.contains(from.label(Lang::Zh)), "a refusal names the status: {}", r.zh),
                (got, want) => panic!("{step:?} from {from:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[rstest]
    #[case::report_done(Step::ReportDone, DateChange::SetToStepDay, DateChange::Keep)]
    #[case::verified(Step::Verify(Pass), DateChange::SetIfEmpty, DateChange::SetToStepDay)]
    #[case::returned(Step::Verify(Fail), DateChange::Clear, DateChange::Keep)]
    fn dates_follow_the_step(#[case] step: Step, #[case] rectified: DateChange, #[case] closed: DateChange) {
        let from = [InProgress, AwaitingVerification].into_iter().find(|s| next(*s, step).is_ok()).unwrap();
        let t = next(from, step).unwrap();
        assert_eq!((t.rectified_on, t.closed_on), (rectified, closed));
        let reopened = next(Closed, Step::Reopen).unwrap();
        assert_eq!((reopened.rectified_on, reopened.closed_on), (DateChange::Clear, DateChange::Clear));
    }

    #[test]
    fn close_out_cannot_skip_verification() {
        for from in [Pending, InProgress] {
            let r = next(from, Step::Verify(Pass)).unwrap_err();
            assert!(r.zh.contains("不能跳过核验直接销号"), "{}", r.zh);
        }
        assert!(next(Pending, Step::ReportDone).unwrap_err().zh.contains("请先制定整改措施"));
    }

    #[rstest]
    #[case::listed(EventKind::Created, None, Some(Pending), true)]
    #[case::listed_as_closed(EventKind::Created, None, Some(Closed), false)]
    #[case::planned(EventKind::Planned, Some(Pending), Some(InProgress), true)]
    #[case::closed_without_verification(EventKind::Verified, Some(InProgress), Some(Closed), false)]
    #[case::verified(EventKind::Verified, Some(AwaitingVerification), Some(Closed), true)]
    #[case::returned(EventKind::Returned, Some(AwaitingVerification), Some(InProgress), true)]
    #[case::reported_from_pending_by_look_back(EventKind::ReportedDone, Some(Pending), Some(AwaitingVerification), true)]
    #[case::progress_claims_close(EventKind::Progress, Some(InProgress), Some(Closed), false)]
    #[case::reopen_pending(EventKind::Reopened, Some(Pending), Some(InProgress), false)]
    #[case::withdrawn_in_progress(EventKind::Withdrawn, Some(InProgress), Some(Withdrawn), false)]
    #[case::restored(EventKind::Restored, Some(Withdrawn), Some(Pending), false)]
    #[case::no_status(EventKind::Progress, None, None, false)]
    fn events_from_elsewhere(#[case] kind: EventKind, #[case] from: Option<Status>, #[case] to: Option<Status>, #[case] legal: bool) {
        assert_eq!(event_is_legal(kind, from, to), legal, "{kind:?} {from:?} → {to:?}");
    }

    #[test]
    fn actions_offered_follow_the_table() {
        use ProblemAction::*;
        let row = |status, target: bool, item: bool| ProblemRow {
            status,
            target_id: target.then(|| "F".to_string()),
            item_code: item.then(|| "S01".to_string()),
            ..ProblemRow::example()
        };
        assert_eq!(actions(&row(Pending, true, true)), vec![Plan, Merge, Notify, LookBack]);
        assert_eq!(actions(&row(InProgress, true, false)), vec![Plan, Progress, ReportDone, Merge, Notify]);
        assert_eq!(actions(&row(AwaitingVerification, true, true)), vec![Verify, LookBack]);
        assert_eq!(actions(&row(Closed, true, true)), vec![Reopen]);
        assert_eq!(actions(&row(Pending, false, false)), vec![Plan, Merge], "no target to notify or revisit");
        assert!(actions(&row(Withdrawn, true, true)).is_empty());
    }

    #[test]
    fn deadlines() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2024-06-10");
        assert!(check_deadline(d("2024-06-17"), d("2024-06-01"), today, Severity::Major).is_ok(), "seven days is allowed");
        let late = check_deadline(d("2024-06-18"), d("2024-06-01"), today, Severity::Major).unwrap_err();
        assert!(late.zh.contains("2024-06-17"), "{}", late.zh);
        assert!(check_deadline(d("2024-12-31"), d("2024-06-01"), today, Severity::Serious).is_ok());
        assert!(check_deadline(d("2024-06-09"), d("2024-06-01"), today, Severity::General).unwrap_err().zh.contains("早于今天"));
        assert!(check_deadline(d("2024-05-30"), d("2024-06-01"), d("2024-05-20"), Severity::General).unwrap_err().zh.contains("发现日期"));
        assert_eq!(latest_deadline(Severity::General, today), None);
    }
}
