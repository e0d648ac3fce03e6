//! Field inspection rules over an in-memory database with the demo data:
//! applicability and pinning, required texts, the major-hazard default,
//! patches, sign-off and amendments, the change log, evidence, suggestions,
//! history, and bad input that must change nothing.

mod common;

use common::walk;

fn dump(db: &Db) -> Vec<String> {
    common::dump_conn(db.conn())
}

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Duration;
use qingdan_core::catalog::{self, import::ImportOptions, ItemQuery, Severity, TargetKind};
use qingdan_core::changelog;
use qingdan_core::evidence::{Attachment, EvidenceStore};
use qingdan_core::inspection::{
    self, CompletionGap, Gap, InspectionDetail, InspectionKind, InspectionStatus, ItemPatch, ItemState, Scope,
    StartInspection, Verdict,
};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo as demo_data, department, Db, Env, Error, FixedClock};
use rstest::{fixture, rstest};
use sha2::{Digest, Sha256};

struct Demo {
    db: Db,
    clock: Arc<FixedClock>,
    dir: tempfile::TempDir,
    store: EvidenceStore,
}

#[fixture]
fn demo() -> Demo {
    let (env, clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_in_memory_with(env).unwrap();
    demo_data::populate(&mut db).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = EvidenceStore::new(dir.path().join("evidence"));
    Demo { db, clock, dir, store }
}

const ACTOR: &str = "张建国";

impl Demo {
    fn facility_of(&self, kind: TargetKind) -> String {
        let list = registry::facility_list(&self.db, &FacilityQuery { kind: Some(kind), ..Default::default() }).unwrap();
        list.first().unwrap_or_else(|| panic!("the demo has a facility of kind {kind:?}")).id.clone()
    }

    /// A target id of any kind: a facility, a county (its government) or a department.
    fn target_of(&self, kind: TargetKind) -> String {
        match kind {
            TargetKind::CountyGovernment => registry::counties(&self.db).unwrap()[0].id.clone(),
            TargetKind::Department => department::department_list(&self.db).unwrap()[0].id.clone(),
            k => self.facility_of(k),
        }
    }

    fn start_on(&mut self, target_id: &str, date: &str) -> InspectionDetail {
        let input = StartInspection {
            target_id: target_id.into(),
            kind: InspectionKind::LawEnforcement,
            date: date.into(),
            group: "第一组".into(),
            leader: "王志强".into(),
            members: vec!["李秀英".into(), "赵国强".into()],
            representatives: vec!["刘院长".into()],
        };
        inspection::start(&mut self.db, &input, ACTOR).unwrap()
    }

    /// An inspection of a home-care point (居家养老服务点): a short checklist.
    fn start_small(&mut self) -> InspectionDetail {
        let target = self.facility_of(TargetKind::HomeCarePoint);
        self.start_on(&target, "2024-05-20")
    }

    fn record(&mut self, id: &str, code: &str, patch: &ItemPatch) -> qingdan_core::Result<inspection::ChecklistItem> {
        inspection::record(&mut self.db, id, code, patch, &[], ACTOR)
    }

    /// What the desktop command does: store the files, then record.
    fn attach_and_record(&mut self, id: &str, code: &str, patch: &ItemPatch, files: &[PathBuf]) -> qingdan_core::Result<()> {
        let stored = files.iter().map(|p| self.store.put_file(p, "evidence")).collect::<qingdan_core::Result<Vec<Attachment>>>()?;
        inspection::record(&mut self.db, id, code, patch, &stored, ACTOR).map(|_| ())
    }

    fn answer_all(&mut self, id: &str) {
        let codes: Vec<String> = inspection::show(&self.db, id).unwrap().items.into_iter().map(|i| i.code).collect();
        for code in codes {
            self.record(id, &code, &verdict(Verdict::Compliant)).unwrap();
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn stored_files(&self) -> Vec<PathBuf> {
        walk(self.store.dir())
    }

    fn change_count(&self) -> i64 {
        self.db.conn().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap()
    }
}

fn verdict(v: Verdict) -> ItemPatch {
    ItemPatch { verdict: Some(Some(v)), ..Default::default() }
}

fn noncompliant(finding: &str, severity: Option<Severity>, scope: Option<Scope>) -> ItemPatch {
    ItemPatch {
        verdict: Some(Some(Verdict::Noncompliant)),
        finding: Some(finding.into()),
        severity: severity.map(Some),
        scope: scope.map(Some),
        ..Default::default()
    }
}

fn patch(json: &str) -> ItemPatch {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json} is a valid patch: {e}"))
}

fn item<'a>(d: &'a InspectionDetail, code: &str) -> &'a inspection::ChecklistItem {
    d.items.iter().find(|i| i.code == code).unwrap_or_else(|| panic!("{code} is on the checklist"))
}


fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, seed]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn gaps_for(gaps: &[CompletionGap], code: &str) -> Vec<Gap> {
    gaps.iter().filter(|g| g.code == code).map(|g| g.gap).collect()
}

/// The start of a one-problem input error whose problem reads `rest`.
fn problem_at(rest: &str) -> String {
    format!("发现 1 处问题，未写入任何数据：\n  {rest}")
}

/// The Chinese message of a one-problem input error on `field`.
fn one_problem(field: &str, reason: &str) -> String {
    format!("发现 1 处问题，未写入任何数据：\n  “{field}”：{reason}")
}

// ---------------------------------------------------------------------------

#[rstest]
#[case::elderly_care_institution(TargetKind::ElderlyCareInstitution)]
#[case::destitute_support_home(TargetKind::DestituteSupportHome)]
#[case::regional_center(TargetKind::RegionalCenter)]
#[case::community_center(TargetKind::CommunityCenter)]
#[case::village_mutual_aid(TargetKind::VillageMutualAid)]
#[case::small_group_care_point(TargetKind::SmallGroupCarePoint)]
#[case::home_care_point(TargetKind::HomeCarePoint)]
#[case::medical_care_institution(TargetKind::MedicalCareInstitution)]
#[case::county_government(TargetKind::CountyGovernment)]
#[case::department(TargetKind::Department)]
fn the_checklist_holds_exactly_the_items_that_apply_to_the_target_kind(mut demo: Demo, #[case] kind: TargetKind) {
    let target = demo.target_of(kind);
    let d = demo.start_on(&target, "2024-05-20");
    let active = catalog::active_version(&demo.db).unwrap().unwrap();
    let catalog_items = catalog::list_items(&demo.db, &ItemQuery::default()).unwrap();
    let want: Vec<&str> = catalog_items.iter().filter(|i| i.applies_to.contains(&kind)).map(|i| i.code.as_str()).collect();
    let got: Vec<&str> = d.items.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(got, want, "the checklist of a {kind:?} is its applicable items, in catalog order");
    assert!(!got.is_empty() && got.len() < catalog_items.len(), "a real subset of the {} items", catalog_items.len());
    assert_eq!(d.summary.target_kind, kind);
    assert_eq!(d.summary.catalog_version_id, active.id, "pinned to the active version");
    assert_eq!((d.summary.total as usize, d.summary.answered), (want.len(), 0));
    assert!(d.items.iter().all(|i| i.verdict.is_none() && !i.added_by_hand && i.evidence.is_empty()));
    assert_eq!(d.summary.status, InspectionStatus::Draft);
    assert_eq!(inspection::list(&demo.db, Some(&target)).unwrap().len(), 1);
}

#[rstest]
fn a_county_government_is_named_after_its_county(mut demo: Demo) {
    let county = registry::counties(&demo.db).unwrap().into_iter().find(|c| c.name == "汝阳县").unwrap();
    let d = demo.start_on(&county.id, "2024-05-20");
    assert_eq!(d.summary.target_name, "汝阳县人民政府");
    assert!(d.items.iter().any(|i| i.code.starts_with('I')), "work indicators apply to governments");
}

#[rstest]
fn a_later_catalog_import_does_not_change_an_existing_checklist(mut demo: Demo) {
    let target = demo.facility_of(TargetKind::ElderlyCareInstitution);
    let old = demo.start_on(&target, "2024-05-20");
    demo.record(&old.summary.id, &old.items[1].code, &verdict(Verdict::Compliant)).unwrap();
    let before = inspection::show(&demo.db, &old.summary.id).unwrap();

    demo.clock.advance(Duration::days(30));
    let csv = demo.write("正式清单.csv", "编号,类型,标题,内容,适用对象\nS01,衡量标准,新制度,应当建立新的制度。,养老机构\n".as_bytes());
    let parsed = catalog::import::read_file(&csv, &ImportOptions { name: Some("正式版".into()), kind: None }).unwrap();
    let outcome = demo.db.with_tx(|tx| catalog::store_catalog(tx, &parsed.catalog, false)).unwrap();
    assert_eq!(catalog::active_version(&demo.db).unwrap().unwrap().id, outcome.version_id, "the import is active");

    assert_eq!(inspection::show(&demo.db, &old.summary.id).unwrap(), before, "the pinned checklist did not move");
    let s07 = before.items.iter().find(|i| i.code != "S01").unwrap().code.clone();
    demo.record(&old.summary.id, &s07, &verdict(Verdict::Compliant)).expect("items of the pinned version stay recordable");

    let new = demo.start_on(&target, "2024-06-20");
    assert_eq!(new.summary.catalog_version_id, outcome.version_id, "a new inspection uses the new version");
    assert_eq!(new.items.iter().map(|i| (i.code.as_str(), i.title.as_str())).collect::<Vec<_>>(), vec![("S01", "新制度")]);
    let err = demo.record(&new.summary.id, &s07, &verdict(Verdict::Compliant)).unwrap_err();
    assert_eq!(err.to_string(), one_problem("item_code", &format!("条目“{s07}”不在本次检查所用的内容清单版本中")));
}

#[rstest]
fn an_item_that_does_not_apply_can_be_added_by_hand(mut demo: Demo) {
    let d = demo.start_small();
    let id = d.summary.id.clone();
    let outside = catalog::list_items(&demo.db, &ItemQuery::default())
        .unwrap()
        .into_iter()
        .find(|i| !i.applies_to.contains(&TargetKind::HomeCarePoint))
        .unwrap();
    assert!(d.items.iter().all(|i| i.code != outside.code));

    let added = inspection::add_item(&mut demo.db, &id, &outside.code.to_lowercase(), ACTOR).unwrap();
    assert_eq!(added.code, outside.code, "codes are matched whatever their case");
    assert!(added.added_by_hand && added.verdict.is_none());
    let after = inspection::show(&demo.db, &id).unwrap();
    assert_eq!(after.summary.total, d.summary.total + 1);
    let positions: Vec<String> = after.items.iter().map(|i| i.code.clone()).collect();
    let mut in_catalog_order = positions.clone();
    in_catalog_order.sort_by_key(|c| catalog::get_item(&demo.db, None, c).unwrap().position);
    assert_eq!(positions, in_catalog_order, "a hand-added item takes its catalog place");
    let log = changelog::history(&demo.db, "inspection_item", &format!("{id}/{}", outside.code)).unwrap();
    assert_eq!(log.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), vec!["added_by_hand"]);

    let snapshot = dump(&demo.db);
    inspection::add_item(&mut demo.db, &id, &outside.code, ACTOR).unwrap();
    assert_eq!(dump(&demo.db), snapshot, "adding it again changes nothing");
    let gaps = inspection::completion(&demo.db, &id).unwrap();
    assert_eq!(gaps_for(&gaps, &outside.code), vec![Gap::Unanswered], "a hand-added item must be answered too");
}

#[rstest]
#[case::compliant(verdict(Verdict::Compliant), vec![])]
#[case::na_without_reason(verdict(Verdict::NotApplicable), vec![Gap::NaReasonMissing])]
#[case::na_with_reason(ItemPatch { na_reason: Some("该点未设助餐服务".into()), ..verdict(Verdict::NotApplicable) }, vec![])]
#[case::na_with_blank_reason(ItemPatch { na_reason: Some("   ".into()), ..verdict(Verdict::NotApplicable) }, vec![Gap::NaReasonMissing])]
#[case::partial_without_finding(verdict(Verdict::Partial), vec![Gap::FindingMissing])]
#[case::partial_with_finding(ItemPatch { finding: Some("台账不全".into()), ..verdict(Verdict::Partial) }, vec![])]
#[case::noncompliant_bare(verdict(Verdict::Noncompliant), vec![Gap::FindingMissing, Gap::SeverityMissing, Gap::ScopeMissing])]
#[case::noncompliant_without_scope(noncompliant("灭火器过期", Some(Severity::General), None), vec![Gap::ScopeMissing])]
#[case::noncompliant_without_severity(noncompliant("灭火器过期", None, Some(Scope::Individual)), vec![Gap::SeverityMissing])]
#[case::noncompliant_without_finding(noncompliant(" ", Some(Severity::Serious), Some(Scope::Widespread)), vec![Gap::FindingMissing])]
#[case::noncompliant_complete(noncompliant("灭火器过期", Some(Severity::Serious), Some(Scope::Partial)), vec![])]
fn required_texts_show_as_completion_gaps(mut demo: Demo, #[case] p: ItemPatch, #[case] want: Vec<Gap>) {
    let d = demo.start_small();
    let code = d.items.iter().find(|i| !i.major_hazard).unwrap().code.clone();
    assert_eq!(gaps_for(&inspection::completion(&demo.db, &d.summary.id).unwrap(), &code), vec![Gap::Unanswered]);
    demo.record(&d.summary.id, &code, &p).unwrap();
    assert_eq!(gaps_for(&inspection::completion(&demo.db, &d.summary.id).unwrap(), &code), want);
}

#[rstest]
fn a_major_hazard_item_defaults_to_major_and_an_explicit_severity_wins(mut demo: Demo) {
    let hazards: Vec<_> =
        catalog::list_items(&demo.db, &ItemQuery::default()).unwrap().into_iter().filter(|i| i.major_hazard).collect();
    assert!(!hazards.is_empty(), "the reference catalog flags major accident hazards");
    let hazard = &hazards[0];
    let kind = *hazard.applies_to.iter().find(|k| k.is_facility()).unwrap();
    let target = demo.facility_of(kind);
    let d = demo.start_on(&target, "2024-05-20");
    let id = d.summary.id.clone();
    let ordinary = d.items.iter().find(|i| !i.major_hazard).unwrap().code.clone();
    assert!(item(&d, &hazard.code).major_hazard);

    let it = demo.record(&id, &hazard.code, &noncompliant("消防通道堵塞", None, Some(Scope::Individual))).unwrap();
    assert_eq!(it.severity, Some(Severity::Major), "重大隐患 by default");
    let it = demo.record(&id, &ordinary, &noncompliant("台账不全", None, Some(Scope::Individual))).unwrap();
    assert_eq!(it.severity, None, "only flagged items get a default");

    let second = demo.start_on(&target, "2024-05-21");
    let it = demo
        .record(&second.summary.id, &hazard.code, &noncompliant("消防通道堵塞", Some(Severity::General), Some(Scope::Individual)))
        .unwrap();
    assert_eq!(it.severity, Some(Severity::General), "an explicit severity wins");
    let it = demo.record(&second.summary.id, &hazard.code, &patch(r#"{"severity": null}"#)).unwrap();
    assert_eq!(it.severity, None, "an explicit null clears it and is not overridden");
    let it = demo.record(&second.summary.id, &hazard.code, &verdict(Verdict::Partial)).unwrap();
    assert_eq!(it.severity, None, "基本符合 gets no default severity");
}

#[test]
fn an_absent_field_is_not_a_null_field() {
    assert_eq!(patch("{}"), ItemPatch::default());
    assert_eq!(patch(r#"{"verdict": null}"#).verdict, Some(None));
    assert_eq!(patch(r#"{"verdict": "partial"}"#).verdict, Some(Some(Verdict::Partial)));
    assert_eq!(patch(r#"{"verdict": "not_applicable"}"#).verdict, Some(Some(Verdict::NotApplicable)));
    assert_eq!(patch(r#"{"severity": null, "scope": "widespread"}"#).severity, Some(None));
    assert_eq!(patch(r#"{"finding": "x"}"#).verdict, None);
    assert!(serde_json::from_str::<ItemPatch>(r#"{"verdict": "合格"}"#).is_err(), "JSON takes the slug only");
}

#[rstest]
fn a_patch_changes_what_it_names_and_null_clears(mut demo: Demo) {
    let d = demo.start_small();
    let (id, code) = (d.summary.id.clone(), d.items[0].code.clone());
    let entity = format!("{id}/{code}");
    demo.record(&id, &code, &patch(r#"{"verdict": "noncompliant", "finding": "灭火器过期", "severity": "serious", "scope": "individual"}"#))
        .unwrap();

    let snapshot = dump(&demo.db);
    let it = demo.record(&id, &code, &patch("{}")).unwrap();
    assert_eq!((it.verdict, it.severity, it.scope), (Some(Verdict::Noncompliant), Some(Severity::Serious), Some(Scope::Individual)));
    assert_eq!(
        // The cursor's move is recorded for sync like any change of the inspection row.
        dump(&demo.db).into_iter().filter(|r| !r.starts_with("inspection: ") && !r.starts_with("sync_")).collect::<Vec<_>>(),
        snapshot.into_iter().filter(|r| !r.starts_with("inspection: ") && !r.starts_with("sync_")).collect::<Vec<_>>(),
        "an empty patch changes no item, log or evidence (only where the inspector left off)"
    );

    let it = demo.record(&id, &code, &patch(r#"{"finding": "灭火器过期两个月"}"#)).unwrap();
    assert_eq!((it.verdict, it.finding.as_str()), (Some(Verdict::Noncompliant), "灭火器过期两个月"), "absent fields stay");

    let it = demo.record(&id, &code, &patch(r#"{"verdict": null, "severity": null, "scope": null}"#)).unwrap();
    assert_eq!((it.verdict, it.severity, it.scope), (None, None, None));
    assert_eq!(it.finding, "灭火器过期两个月", "the finding was not named, so it stays");
    let last: Vec<_> = changelog::history(&demo.db, "inspection_item", &entity).unwrap().into_iter().rev().take(3).collect();
    let mut fields: Vec<_> = last.iter().map(|c| (c.field.as_str(), c.old_value.as_deref(), c.new_value.as_deref())).collect();
    fields.sort();
    assert_eq!(fields, vec![("scope", Some("individual"), None), ("severity", Some("serious"), None), ("verdict", Some("noncompliant"), None)]);
}

#[rstest]
fn signing_is_refused_while_anything_is_missing_and_then_locks(mut demo: Demo) {
    let d = demo.start_small();
    let id = d.summary.id.clone();
    let codes: Vec<String> = d.items.iter().map(|i| i.code.clone()).collect();
    for code in &codes[1..] {
        demo.record(&id, code, &verdict(Verdict::Compliant)).unwrap();
    }
    demo.record(&id, &codes[1], &verdict(Verdict::Noncompliant)).unwrap();
    let inspectors = vec!["王志强".to_string(), "李秀英".to_string()];

    let snapshot = dump(&demo.db);
    let err = inspection::sign(&mut demo.db, &id, &inspectors, "刘院长", None, ACTOR).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let title = |c: &str| item(&d, c).title.clone();
    assert_eq!(
        err.to_string(),
        format!(
            "发现 4 处问题，未写入任何数据：\n  “{a} {ta}”：尚未作出结论\n  “{b} {tb}”：未填写问题描述\n  “{b} {tb}”：不符合项未选择严重程度\n  “{b} {tb}”：不符合项未选择问题范围",
            a = codes[0],
            ta = title(&codes[0]),
            b = codes[1],
            tb = title(&codes[1]),
        )
    );
    assert_eq!(dump(&demo.db), snapshot, "a refused sign-off writes nothing");

    demo.record(&id, &codes[0], &verdict(Verdict::Compliant)).unwrap();
    demo.record(&id, &codes[1], &noncompliant("灭火器过期", Some(Severity::General), Some(Scope::Individual))).unwrap();
    for (who, rep, field) in [(vec![], "刘院长", "inspectors"), (vec![" ".to_string()], "刘院长", "inspectors"), (inspectors.clone(), " ", "representative")] {
        let snapshot = dump(&demo.db);
        let err = inspection::sign(&mut demo.db, &id, &who, rep, None, ACTOR).unwrap_err();
        assert_eq!(err.to_string(), one_problem(field, "不能为空"));
        assert_eq!(dump(&demo.db), snapshot);
    }

    demo.clock.advance(Duration::hours(2));
    let signoff = inspection::sign(&mut demo.db, &id, &inspectors, " 刘院长 ", None, ACTOR).unwrap();
    assert_eq!((signoff.inspectors.clone(), signoff.representative.as_str()), (inspectors.clone(), "刘院长"));
    let shown = inspection::show(&demo.db, &id).unwrap();
    assert_eq!(shown.summary.status, InspectionStatus::Signed);
    assert_eq!(shown.signoff, Some(signoff));
    assert_eq!(shown.summary.signed_at.as_deref(), Some("2024-05-20T03:00:00.000Z"));

    let snapshot = dump(&demo.db);
    let err = inspection::sign(&mut demo.db, &id, &inspectors, "刘院长", None, ACTOR).unwrap_err();
    assert_eq!(err.to_string(), one_problem("status", "该检查已签字确认"));
    assert_eq!(dump(&demo.db), snapshot, "signing twice changes nothing");
}

const LOCKED: &str = "该检查已签字确认，不能直接修改；如需更正，请填写更正理由（命令行使用 --amend --reason）";

fn signed(demo: &mut Demo) -> String {
    let d = demo.start_small();
    let id = d.summary.id.clone();
    demo.answer_all(&id);
    inspection::sign(&mut demo.db, &id, &["王志强".into()], "刘院长", None, ACTOR).unwrap();
    id
}

#[rstest]
fn a_signed_inspection_is_locked_without_a_reason(mut demo: Demo) {
    let id = signed(&mut demo);
    let d = inspection::show(&demo.db, &id).unwrap();
    let code = d.items[0].code.clone();
    let outside = catalog::list_items(&demo.db, &ItemQuery::default())
        .unwrap()
        .into_iter()
        .find(|i| !i.applies_to.contains(&TargetKind::HomeCarePoint))
        .unwrap()
        .code;
    let photo = demo.store.put_bytes(&jpeg(8, 8, 1), "p.jpg", "evidence").unwrap();
    let snapshot = dump(&demo.db);
    let attempts: Vec<(&str, qingdan_core::Result<()>)> = vec![
        ("record", demo.record(&id, &code, &noncompliant("灭火器过期", Some(Severity::General), Some(Scope::Individual))).map(|_| ())),
        ("blank reason", demo.record(&id, &code, &ItemPatch { amend_reason: Some("  ".into()), ..verdict(Verdict::Partial) }).map(|_| ())),
        ("evidence", inspection::record(&mut demo.db, &id, &code, &ItemPatch::default(), std::slice::from_ref(&photo), ACTOR).map(|_| ())),
        ("add item", inspection::add_item(&mut demo.db, &id, &outside, ACTOR).map(|_| ())),
        ("detach", inspection::detach_evidence(&mut demo.db, &id, Some(&code), &photo.sha256, ACTOR)),
    ];
    for (what, result) in attempts {
        let err = result.expect_err(what);
        assert_eq!(err.exit_code(), 2, "{what}");
        assert_eq!(err.to_string(), one_problem("amend_reason", LOCKED), "{what}");
    }
    assert_eq!(dump(&demo.db), snapshot, "nothing changed");
}

#[rstest]
fn a_suggestion_cannot_slip_into_a_signed_inspection(mut demo: Demo) {
    let id = signed(&mut demo);
    let outside = catalog::list_items(&demo.db, &ItemQuery::default())
        .unwrap()
        .into_iter()
        .find(|i| !i.applies_to.contains(&TargetKind::HomeCarePoint))
        .unwrap()
        .code;
    let snapshot = dump(&demo.db);
    for code in [None, Some(outside.as_str())] {
        let err = inspection::add_suggestion(&mut demo.db, &id, code, "建议加强消防培训", ACTOR).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("该检查已签字确认"), "{err}");
    }
    assert_eq!(dump(&demo.db), snapshot, "no suggestion and no hand-added item on a signed inspection");
    assert!(inspection::completion(&demo.db, &id).unwrap().is_empty());
}

#[rstest]
fn a_correction_after_signing_is_an_amendment_and_both_stay_visible(mut demo: Demo) {
    let id = signed(&mut demo);
    let code = inspection::show(&demo.db, &id).unwrap().items[0].code.clone();
    demo.clock.advance(Duration::days(1));
    let p = ItemPatch {
        amend_reason: Some("复核监控录像后更正".into()),
        ..noncompliant("夜间值班人员脱岗", Some(Severity::Serious), Some(Scope::Individual))
    };
    let it = demo.record(&id, &code, &p).unwrap();
    assert_eq!(it.verdict, Some(Verdict::Noncompliant));

    let d = inspection::show(&demo.db, &id).unwrap();
    assert_eq!(d.summary.status, InspectionStatus::Signed, "still signed");
    assert_eq!(item(&d, &code).verdict, Some(Verdict::Noncompliant), "the item shows the correction");
    assert_eq!(d.amendments.len(), 1);
    let a = &d.amendments[0];
    assert_eq!((a.item_code.as_str(), a.reason.as_str(), a.actor.as_str()), (code.as_str(), "复核监控录像后更正", ACTOR));
    assert_eq!(a.before, ItemState { verdict: Some(Verdict::Compliant), finding: String::new(), severity: None, scope: None, na_reason: String::new() });
    assert_eq!(
        a.after,
        ItemState {
            verdict: Some(Verdict::Noncompliant),
            finding: "夜间值班人员脱岗".into(),
            severity: Some(Severity::Serious),
            scope: Some(Scope::Individual),
            na_reason: String::new()
        }
    );
    assert_eq!(a.created_at, "2024-05-21T01:00:00.000Z");
    let log = changelog::history(&demo.db, "inspection_item", &format!("{id}/{code}")).unwrap();
    let amendment_rows: Vec<_> = log.iter().filter(|c| c.field == "amendment").collect();
    assert_eq!(amendment_rows.len(), 1);
    assert_eq!(amendment_rows[0].new_value.as_deref(), Some("复核监控录像后更正"));

    let snapshot = dump(&demo.db);
    demo.record(&id, &code, &p).unwrap();
    assert_eq!(dump(&demo.db), snapshot, "repeating the same correction is no second amendment");
}

#[rstest]
#[case::noncompliant_without_severity(noncompliant("夜间脱岗", None, Some(Scope::Individual)), "不符合项未选择严重程度")]
#[case::partial_without_finding(verdict(Verdict::Partial), "未填写问题描述")]
#[case::na_without_reason(verdict(Verdict::NotApplicable), "不适用未说明理由")]
#[case::cleared(patch(r#"{"verdict": null}"#), "尚未作出结论")]
fn an_amendment_cannot_leave_a_signed_inspection_incomplete(mut demo: Demo, #[case] mut p: ItemPatch, #[case] gap: &str) {
    let id = signed(&mut demo);
    let code = inspection::show(&demo.db, &id).unwrap().items[0].code.clone();
    p.amend_reason = Some("复核后更正".into());
    let snapshot = dump(&demo.db);
    let err = demo.record(&id, &code, &p).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains(gap) && err.to_string().contains(&code), "{err}");
    assert_eq!(dump(&demo.db), snapshot);
    assert!(inspection::completion(&demo.db, &id).unwrap().is_empty(), "a signed inspection stays complete");
}

#[rstest]
fn the_change_log_has_one_row_per_changed_field(mut demo: Demo) {
    let d = demo.start_small();
    let (id, code) = (d.summary.id.clone(), d.items[0].code.clone());
    let entity = format!("{id}/{code}");
    demo.clock.advance(Duration::minutes(3));
    demo.record(&id, &code, &noncompliant("  灭火器过期  ", Some(Severity::General), Some(Scope::Individual))).unwrap();
    let log = changelog::history(&demo.db, "inspection_item", &entity).unwrap();
    let rows: Vec<_> = log.iter().map(|c| (c.field.as_str(), c.old_value.as_deref(), c.new_value.as_deref())).collect();
    assert_eq!(
        rows,
        vec![
            ("verdict", None, Some("noncompliant")),
            ("finding", None, Some("灭火器过期")),
            ("severity", None, Some("general")),
            ("scope", None, Some("individual")),
        ]
    );
    let device = demo.db.device_id().to_string();
    for c in &log {
        assert_eq!((c.actor.as_str(), c.device_id.as_str(), c.at.as_str()), (ACTOR, device.as_str(), "2024-05-20T01:03:00.000Z"));
        assert_eq!(c.entity, "inspection_item");
    }

    let n = demo.change_count();
    demo.record(&id, &code, &noncompliant("灭火器过期", Some(Severity::General), Some(Scope::Individual))).unwrap();
    assert_eq!(demo.change_count(), n, "saving what is already there logs nothing");

    demo.record(&id, &code, &ItemPatch { severity: Some(Some(Severity::Serious)), ..Default::default() }).unwrap();
    let last = changelog::history(&demo.db, "inspection_item", &entity).unwrap().pop().unwrap();
    assert_eq!(demo.change_count(), n + 1);
    assert_eq!((last.field.as_str(), last.old_value.as_deref(), last.new_value.as_deref()), ("severity", Some("general"), Some("serious")));

    let all = changelog::for_inspection(&demo.db, &id).unwrap();
    assert_eq!(all[0].field, "created", "starting is logged too");
    assert_eq!(all.len(), 6);
}

#[rstest]
fn the_change_log_refuses_update_and_delete(mut demo: Demo) {
    let d = demo.start_small();
    demo.record(&d.summary.id, &d.items[0].code, &verdict(Verdict::Compliant)).unwrap();
    let snapshot = dump(&demo.db);
    for sql in [
        "UPDATE change_log SET new_value = 'noncompliant' WHERE field = 'verdict'",
        "UPDATE change_log SET actor = 'someone else'",
        "DELETE FROM change_log WHERE field = 'verdict'",
        "DELETE FROM change_log",
    ] {
        let err = demo.db.conn().execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("change_log is append-only"), "{sql}: {err}");
    }
    assert_eq!(dump(&demo.db), snapshot);
}

#[rstest]
fn the_same_photo_on_two_items_is_one_attachment_and_one_file(mut demo: Demo) {
    let d = demo.start_small();
    let id = d.summary.id.clone();
    let (a, b) = (d.items[0].code.clone(), d.items[1].code.clone());
    let bytes = jpeg(2000, 1000, 7);
    let first = demo.write("灭火器.jpg", &bytes);
    let second = demo.write("IMG_0001.JPG", &bytes);
    demo.attach_and_record(&id, &a, &noncompliant("灭火器过期", Some(Severity::General), Some(Scope::Individual)), &[first]).unwrap();
    demo.attach_and_record(&id, &b, &ItemPatch { finding: Some("同上".into()), ..verdict(Verdict::Partial) }, std::slice::from_ref(&second)).unwrap();
    let sha = sha256(&bytes);

    let shown = inspection::show(&demo.db, &id).unwrap();
    assert_eq!(item(&shown, &a).evidence, vec![sha.clone()]);
    assert_eq!(item(&shown, &b).evidence, vec![sha.clone()]);
    assert_eq!(shown.attachments.len(), 1);
    assert_eq!(shown.attachments[0].original_name, "灭火器.jpg", "the first name is kept");
    assert_eq!((shown.attachments[0].width, shown.attachments[0].height), (Some(2000), Some(1000)));
    let count = |sql: &str| demo.db.conn().query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM attachment"), 1);
    assert_eq!(count("SELECT count(*) FROM evidence"), 2);
    let originals: Vec<_> = demo.stored_files().into_iter().filter(|p| p.file_name().unwrap() == sha.as_str()).collect();
    assert_eq!(originals.len(), 1, "one original file");
    assert_eq!(std::fs::read(&originals[0]).unwrap(), bytes, "kept byte for byte");
    assert_eq!(demo.stored_files().len(), 3, "the original, a report copy and a thumbnail");

    let snapshot = dump(&demo.db);
    demo.attach_and_record(&id, &b, &ItemPatch::default(), &[second]).unwrap();
    let changed: Vec<_> = dump(&demo.db).into_iter().filter(|r| !snapshot.contains(r)).collect();
    assert!(changed.iter().all(|r| r.starts_with("inspection: ")), "attaching it again links nothing new: {changed:?}");

    let log = changelog::for_inspection(&demo.db, &id).unwrap();
    assert_eq!(log.iter().filter(|c| c.field == "attached").count(), 2);

    inspection::detach_evidence(&mut demo.db, &id, Some(&b), &sha, ACTOR).unwrap();
    let shown = inspection::show(&demo.db, &id).unwrap();
    assert!(item(&shown, &b).evidence.is_empty());
    assert_eq!(item(&shown, &a).evidence, vec![sha.clone()]);
    assert_eq!(demo.stored_files().len(), 3, "the file stays stored");
}

#[rstest]
fn suggestions_on_an_item_and_on_the_whole_inspection(mut demo: Demo) {
    let d = demo.start_small();
    let (id, code) = (d.summary.id.clone(), d.items[0].code.clone());
    let on_item = inspection::add_suggestion(&mut demo.db, &id, Some(&code.to_lowercase()), "  建议每月检查灭火器  ", ACTOR).unwrap();
    demo.clock.advance(Duration::minutes(1));
    let overall = inspection::add_suggestion(&mut demo.db, &id, None, "建议县民政局加强对村级站点的指导", ACTOR).unwrap();
    assert_eq!((on_item.item_code.as_deref(), on_item.text.as_str()), (Some(code.as_str()), "建议每月检查灭火器"));
    assert_eq!(overall.item_code, None);
    let shown = inspection::show(&demo.db, &id).unwrap();
    assert_eq!(shown.suggestions, vec![on_item.clone(), overall.clone()]);
    let log = changelog::for_inspection(&demo.db, &id).unwrap();
    let texts: Vec<_> = log.iter().filter(|c| c.entity == "suggestion").map(|c| c.new_value.clone().unwrap()).collect();
    assert_eq!(texts, vec![on_item.text, overall.text]);
}

#[rstest]
fn item_history_shows_the_verdict_changing_across_inspections(mut demo: Demo) {
    let target = demo.facility_of(TargetKind::HomeCarePoint);
    let other = registry::facility_list(&demo.db, &FacilityQuery { kind: Some(TargetKind::HomeCarePoint), ..Default::default() })
        .unwrap()[1]
        .id
        .clone();
    let later = demo.start_on(&target, "2024-09-01");
    let earlier = demo.start_on(&target, "2024-05-20");
    let elsewhere = demo.start_on(&other, "2024-06-01");
    let code = earlier.items[0].code.clone();
    demo.record(&earlier.summary.id, &code, &noncompliant("灭火器过期", Some(Severity::General), Some(Scope::Individual))).unwrap();
    demo.record(&later.summary.id, &code, &verdict(Verdict::Compliant)).unwrap();
    demo.record(&elsewhere.summary.id, &code, &verdict(Verdict::Partial)).unwrap();

    let h = inspection::item_history(&demo.db, &target, &code.to_lowercase()).unwrap();
    let got: Vec<_> = h.iter().map(|e| (e.inspection_id.as_str(), e.date.as_str(), e.verdict, e.severity)).collect();
    assert_eq!(
        got,
        vec![
            (earlier.summary.id.as_str(), "2024-05-20", Some(Verdict::Noncompliant), Some(Severity::General)),
            (later.summary.id.as_str(), "2024-09-01", Some(Verdict::Compliant), None),
        ],
        "oldest first, only this facility"
    );
    assert_eq!(h[0].finding, "灭火器过期");
    let list = inspection::list(&demo.db, Some(&target)).unwrap();
    assert_eq!(list.iter().map(|s| s.date.as_str()).collect::<Vec<_>>(), vec!["2024-09-01", "2024-05-20"], "newest first");
}

#[rstest]
fn a_draft_remembers_where_the_inspector_left_off(mut demo: Demo) {
    let d = demo.start_small();
    assert_eq!(d.last_item_code, None);
    let code = d.items[2].code.clone();
    demo.record(&d.summary.id, &code, &verdict(Verdict::Compliant)).unwrap();
    assert_eq!(inspection::show(&demo.db, &d.summary.id).unwrap().last_item_code, Some(code));
}

// ---------------------------------------------------------------------------
// Bad input: a clear message, and nothing changes (rows or stored files).

enum Bad {
    Files(Vec<(&'static str, Vec<u8>)>),
    MissingFile,
    Directory,
    Oversized,
    Patch(&'static str, ItemPatch),
    Evidence(&'static str),
    Suggestion(Option<&'static str>, String),
    UnknownInspection,
    Start(StartInspection),
}

fn start_input(target: &str, date: &str) -> StartInspection {
    StartInspection {
        target_id: target.into(),
        kind: InspectionKind::Unannounced,
        date: date.into(),
        group: "第二组".into(),
        leader: String::new(),
        members: vec![],
        representatives: vec![],
    }
}

const DOCX: &[u8] = b"PK\x03\x04\x14\x00\x06\x00word/document.xml";

#[rstest]
#[case::docx(Bad::Files(vec![("整改报告.docx", DOCX.to_vec())]), &problem_at("文件 整改报告.docx，“evidence”：不支持的文件类型，只能附加 JPG、PNG 照片或 PDF 文件"))]
#[case::text(Bad::Files(vec![("记录.txt", "检查记录".as_bytes().to_vec())]), &problem_at("文件 记录.txt，“evidence”：不支持的文件类型"))]
#[case::random_bytes_named_jpg(Bad::Files(vec![("现场.jpg", (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect())]), &problem_at("文件 现场.jpg，“evidence”：不支持的文件类型"))]
#[case::jpeg_header_then_garbage(Bad::Files(vec![("现场.jpg", [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x42; 600][..]].concat())]), &problem_at("文件 现场.jpg，“evidence”：无法读取文件（不是有效的图片"))]
#[case::truncated_jpeg(Bad::Files(vec![("半张.jpg", { let j = jpeg(256, 256, 3); j[..j.len() / 2].to_vec() })]), &problem_at("文件 半张.jpg，“evidence”：无法读取文件（JPG 文件不完整 / the JPEG is truncated）"))]
#[case::empty_file(Bad::Files(vec![("空.png", vec![])]), &problem_at("文件 空.png，“evidence”：无法读取文件（文件为空"))]
#[case::missing_file(Bad::MissingFile, &problem_at("文件 不存在.jpg，“evidence”：无法读取文件（"))]
#[case::directory(Bad::Directory, &problem_at("文件 照片，“evidence”：无法读取文件（不是文件"))]
#[case::oversized(Bad::Oversized, &problem_at("文件 巨大.jpg，“evidence”：“30.0 MB”超出范围（≤ 30 MB）"))]
#[case::finding_too_long(Bad::Patch("S", ItemPatch { finding: Some("长".repeat(2001)), ..verdict(Verdict::Partial) }), &one_problem("finding", "内容过长，最多 2000 个字符"))]
#[case::finding_with_control_characters(Bad::Patch("S", ItemPatch { finding: Some("灭火器\u{1b}[2J过期".into()), ..verdict(Verdict::Partial) }), &one_problem("finding", "含有不可见的控制字符"))]
#[case::na_reason_with_nul(Bad::Patch("S", ItemPatch { na_reason: Some("无\0此项".into()), ..verdict(Verdict::NotApplicable) }), &one_problem("na_reason", "含有不可见的控制字符"))]
#[case::na_reason_too_long(Bad::Patch("S", ItemPatch { na_reason: Some("无".repeat(501)), ..verdict(Verdict::NotApplicable) }), &one_problem("na_reason", "内容过长，最多 500 个字符"))]
#[case::code_not_in_pinned_catalog(Bad::Patch("S99", verdict(Verdict::Compliant)), &one_problem("item_code", "条目“S99”不在本次检查所用的内容清单版本中"))]
#[case::empty_code(Bad::Patch("", verdict(Verdict::Compliant)), &one_problem("item_code", "条目“”不在本次检查所用的内容清单版本中"))]
#[case::unknown_attachment(Bad::Evidence("0000000000000000000000000000000000000000000000000000000000000000"), &one_problem("evidence", "找不到附件 0000000000000000000000000000000000000000000000000000000000000000"))]
#[case::blank_suggestion(Bad::Suggestion(None, "  ".into()), &one_problem("text", "不能为空"))]
#[case::suggestion_too_long(Bad::Suggestion(None, "议".repeat(2001)), &one_problem("text", "内容过长，最多 2000 个字符"))]
#[case::suggestion_with_control_characters(Bad::Suggestion(None, "建议\u{7}".into()), &one_problem("text", "含有不可见的控制字符"))]
#[case::suggestion_on_unknown_item(Bad::Suggestion(Some("S99"), "建议".into()), &one_problem("item_code", "条目“S99”不在本次检查所用的内容清单版本中"))]
#[case::unknown_inspection(Bad::UnknownInspection, "找不到检查：no-such-inspection")]
#[case::unknown_target(Bad::Start(start_input("no-such-target", "2024-05-20")), "找不到检查对象：no-such-target")]
#[case::month_13(Bad::Start(start_input("FACILITY", "2024-13-01")), &one_problem("date", "“2024-13-01”无法识别，应为：YYYY-MM-DD 格式的日期"))]
#[case::yesterday(Bad::Start(start_input("FACILITY", "yesterday")), &one_problem("date", "“yesterday”无法识别，应为：YYYY-MM-DD 格式的日期"))]
#[case::february_30(Bad::Start(start_input("FACILITY", "2024-02-30")), &one_problem("date", "“2024-02-30”无法识别，应为：YYYY-MM-DD 格式的日期"))]
#[case::year_1900(Bad::Start(start_input("FACILITY", "1900-01-01")), &one_problem("date", "“1900-01-01”无法识别，应为：YYYY-MM-DD 格式的日期"))]
#[case::blank_group(Bad::Start(StartInspection { group: " ".into(), ..start_input("FACILITY", "2024-05-20") }), &one_problem("group", "不能为空"))]
#[case::member_with_control_characters(Bad::Start(StartInspection { members: vec!["李\u{8}四".into()], ..start_input("FACILITY", "2024-05-20") }), &one_problem("members", "含有不可见的控制字符"))]
#[case::member_name_too_long(Bad::Start(StartInspection { members: vec!["名".repeat(51)], ..start_input("FACILITY", "2024-05-20") }), &one_problem("members", "内容过长，最多 50 个字符"))]
fn bad_input_gets_a_clear_message_and_changes_nothing(mut demo: Demo, #[case] bad: Bad, #[case] want: &str) {
    let d = demo.start_small();
    let id = d.summary.id.clone();
    let code = d.items[0].code.clone();
    demo.record(&id, &code, &verdict(Verdict::Compliant)).unwrap();
    let facility = demo.facility_of(TargetKind::CommunityCenter);
    let rows = dump(&demo.db);
    let files = demo.stored_files();
    let partial = ItemPatch { finding: Some("台账不全".into()), ..verdict(Verdict::Partial) };

    let err: Error = match bad {
        Bad::Files(specs) => {
            let paths: Vec<PathBuf> = specs.iter().map(|(n, b)| demo.write(n, b)).collect();
            demo.attach_and_record(&id, &code, &partial, &paths).unwrap_err()
        }
        Bad::MissingFile => demo.attach_and_record(&id, &code, &partial, &[demo.dir.path().join("不存在.jpg")]).unwrap_err(),
        Bad::Directory => {
            let p = demo.dir.path().join("照片");
            std::fs::create_dir(&p).unwrap();
            demo.attach_and_record(&id, &code, &partial, &[p]).unwrap_err()
        }
        Bad::Oversized => {
            let p = demo.dir.path().join("巨大.jpg");
            std::fs::File::create(&p).unwrap().set_len(qingdan_core::evidence::MAX_BYTES + 1).unwrap();
            demo.attach_and_record(&id, &code, &partial, &[p]).unwrap_err()
        }
        Bad::Patch(c, p) => {
            let c = if c == "S" { code.clone() } else { c.to_string() };
            demo.record(&id, &c, &p).unwrap_err()
        }
        Bad::Evidence(sha) => demo.record(&id, &code, &ItemPatch { evidence: vec![sha.into()], ..partial }).unwrap_err(),
        Bad::Suggestion(c, text) => inspection::add_suggestion(&mut demo.db, &id, c, &text, ACTOR).unwrap_err(),
        Bad::UnknownInspection => demo.record("no-such-inspection", &code, &partial).unwrap_err(),
        Bad::Start(mut input) => {
            if input.target_id == "FACILITY" {
                input.target_id = facility.clone();
            }
            inspection::start(&mut demo.db, &input, ACTOR).unwrap_err()
        }
    };
    let msg = err.to_string();
    assert!(msg.starts_with(want), "message\n{msg}\nshould start with\n{want}");
    assert_eq!(err.exit_code(), 2, "bad input is the user's to fix: {msg}");
    assert_eq!(dump(&demo.db), rows, "the database is unchanged");
    assert_eq!(demo.stored_files(), files, "no file was stored");
}

mod replay {
    use super::*;
    use proptest::prelude::*;

    fn arb_patch() -> impl Strategy<Value = ItemPatch> {
        let verdict = prop_oneof![
            Just(None),
            Just(Some(None)),
            prop::sample::select(Verdict::ALL.to_vec()).prop_map(|v| Some(Some(v)))
        ];
        let severity = prop_oneof![Just(None), Just(Some(None)), prop::sample::select(Severity::ALL.to_vec()).prop_map(|v| Some(Some(v)))];
        let scope = prop_oneof![Just(None), Just(Some(None)), prop::sample::select(Scope::ALL.to_vec()).prop_map(|v| Some(Some(v)))];
        let text = prop::option::of(prop_oneof![Just(String::new()), Just("灭火器过期".to_string()), Just(" 冰箱生熟未分开 ".to_string())]);
        (verdict, text.clone(), severity, scope, text).prop_map(|(verdict, finding, severity, scope, na_reason)| ItemPatch {
            verdict,
            finding,
            severity,
            scope,
            na_reason,
            ..Default::default()
        })
    }

    fn opt(s: &str) -> Option<String> {
        Some(s.to_string()).filter(|s| !s.is_empty())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Replaying an item's change log from nothing gives its current state,
        /// and every row records a real change: the log is a faithful history.
        #[test]
        fn the_change_log_replays_to_the_item(patches in prop::collection::vec(arb_patch(), 1..12)) {
            let (env, _) = Env::fixed(FixedClock::default_test_time());
            let mut db = Db::open_in_memory_with(env).unwrap();
            qingdan_core::seed::load_reference(&mut db).unwrap();
            let target = department::department_list(&db).unwrap()[0].id.clone();
            let d = inspection::start(&mut db, &start_input(&target, "2024-05-20"), ACTOR).unwrap();
            let (id, code) = (d.summary.id.clone(), d.items[0].code.clone());
            for p in &patches {
                inspection::record(&mut db, &id, &code, p, &[], ACTOR).unwrap();
            }
            let now = item(&inspection::show(&db, &id).unwrap(), &code).clone();
            let mut state: std::collections::BTreeMap<String, Option<String>> = Default::default();
            for c in changelog::history(&db, "inspection_item", &format!("{id}/{code}")).unwrap() {
                let old = state.get(&c.field).cloned().flatten();
                prop_assert_eq!(&old, &c.old_value, "each row starts where the previous one ended");
                prop_assert_ne!(&c.old_value, &c.new_value, "no row for an unchanged field");
                state.insert(c.field.clone(), c.new_value.clone());
            }
            let get = |f: &str| state.get(f).cloned().flatten();
            prop_assert_eq!(get("verdict"), now.verdict.map(|v| v.slug().to_string()));
            prop_assert_eq!(get("finding"), opt(&now.finding));
            prop_assert_eq!(get("severity"), now.severity.map(|v| v.slug().to_string()));
            prop_assert_eq!(get("scope"), now.scope.map(|v| v.slug().to_string()));
            prop_assert_eq!(get("na_reason"), opt(&now.na_reason));
        }
    }
}
