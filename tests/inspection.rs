//! The 现场检查 commands over a real database file and evidence folder, as the
//! UI drives them: start, record, attach, suggest, sign, amend; and the input
//! a tampered page could send (paths for hashes, broken or huge base64).

use std::path::Path;

use qingdan_app::commands::{app, inspection as cmd};
use qingdan_app::{AppState, ErrorCode};
use qingdan_core::catalog::TargetKind;
use qingdan_core::inspection::{InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::registry::FacilityInput;
use qingdan_core::{Db, Lang};

/// A 2×2 RGB PNG.
const PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8AARAxg8j8AG/ID/fPnS7EAAAAASUVORK5CYII=";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
    facility_id: String,
    evidence_dir: std::path::PathBuf,
}

/// The reference catalog and one elderly-care institution, in a file database.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qingdan.db");
    let mut db = Db::open(&path).unwrap();
    qingdan_core::seed::load_reference(&mut db).unwrap();
    db.with_tx(|tx| {
        qingdan_core::registry::upsert_facilities(
            tx,
            Some("洛阳市"),
            &[FacilityInput {
                name: "汝阳县社会福利中心".into(),
                kind: TargetKind::ElderlyCareInstitution,
                operator_type: None,
                county: "汝阳县".into(),
                township: None,
                address: "汝阳县城关镇".into(),
                operator: String::new(),
                beds: Some(120),
                residents: Some(80),
                star_level: None,
                contact_person: "王五".into(),
                contact_phone: "0379-00000000".into(),
            }],
        )
    })
    .unwrap();
    let facility_id = qingdan_core::registry::facility_list(&db, &Default::default()).unwrap()[0].id.clone();
    let evidence_dir = dir.path().join("evidence");
    Fixture { state: AppState::with_db(db, Lang::Zh), _dir: dir, facility_id, evidence_dir }
}

fn start_input(target_id: &str) -> StartInspection {
    StartInspection {
        target_id: target_id.into(),
        kind: InspectionKind::LawEnforcement,
        date: "2024-05-20".into(),
        group: "第一组".into(),
        leader: "张三".into(),
        members: vec!["李四".into()],
        representatives: vec!["王五".into()],
    }
}

fn files_in(dir: &Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}

#[test]
fn an_inspection_runs_from_start_to_signature_and_amendment() {
    let f = fixture();
    let s = &f.state;
    assert_eq!(app::info(s).unwrap().user_name, None, "no name is set in a new database");
    cmd::set_user_name(s, "张三").unwrap();
    assert_eq!(app::info(s).unwrap().user_name.as_deref(), Some("张三"));

    let detail = cmd::start(s, &start_input(&f.facility_id)).unwrap();
    let id = detail.summary.id.clone();
    assert!(!detail.items.is_empty(), "an institution has items to check");
    assert_eq!(cmd::list(s, None).unwrap().len(), 1);
    assert_eq!(cmd::list(s, Some(&f.facility_id)).unwrap().len(), 1);
    assert_eq!(cmd::show(s, &id).unwrap(), detail);

    let first = detail.items[0].code.clone();
    let patch = ItemPatch {
        verdict: Some(Some(Verdict::Noncompliant)),
        finding: Some("消防通道堆放杂物\n二楼灭火器过期".into()),
        severity: Some(detail.items[0].severity.or(Some(detail.items[0].default_severity))),
        scope: Some(Some(Scope::Partial)),
        ..Default::default()
    };
    let item = cmd::record(s, &id, &first, &patch).unwrap();
    assert_eq!(item.verdict, Some(Verdict::Noncompliant));
    assert!(item.finding.contains('\n'), "a finding keeps its line breaks");

    let gaps = cmd::completion(s, &id).unwrap();
    assert!(gaps.iter().all(|g| g.code != first), "the recorded item is complete");
    assert_eq!(gaps.len(), detail.items.len() - 1, "every other item is still unanswered");

    let suggestion = cmd::suggest(s, &id, None, "建议加强消防培训").unwrap();
    assert_eq!(suggestion.item_code, None);
    assert_eq!(cmd::suggest(s, &id, Some(&first), "限期清理").unwrap().item_code.as_deref(), Some(first.as_str()));

    for it in &detail.items[1..] {
        let ok = ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() };
        cmd::record(s, &id, &it.code, &ok).unwrap();
    }
    assert!(cmd::completion(s, &id).unwrap().is_empty());

    let signoff = cmd::sign(s, &id, &["张三".into(), "李四".into()], "王五", Some(PNG_BASE64)).unwrap();
    assert_eq!(signoff.inspectors, ["张三", "李四"]);
    assert!(signoff.signature.is_some(), "the drawn signature is kept");

    let late = ItemPatch { finding: Some("补充：已当场整改".into()), ..Default::default() };
    let refused = cmd::record(s, &id, &first, &late).unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput, "a signed inspection changes only by amendment");
    let amended = ItemPatch { amend_reason: Some("签字后补充整改情况".into()), ..late };
    cmd::record(s, &id, &first, &amended).unwrap();
    assert_eq!(cmd::show(s, &id).unwrap().amendments.len(), 1);

    let history = cmd::history(s, &f.facility_id, &first).unwrap();
    assert_eq!(history.len(), 1);
    let changes = cmd::changes(s, &id).unwrap();
    assert!(!changes.is_empty());
    assert!(changes.iter().all(|c| c.actor == "张三"), "the change log names the configured user");
}

#[test]
fn evidence_is_stored_by_content_shown_as_a_thumbnail_and_unlinked() {
    let f = fixture();
    let s = &f.state;
    let detail = cmd::start(s, &start_input(&f.facility_id)).unwrap();
    let (id, code) = (detail.summary.id.clone(), detail.items[0].code.clone());

    let item = cmd::attach(s, &id, &code, "灭火器.png", PNG_BASE64).unwrap();
    assert_eq!(item.evidence.len(), 1);
    let sha = item.evidence[0].clone();
    assert!(f.evidence_dir.join(&sha[..2]).join(&sha).is_file(), "the original is kept beside the database");

    let url = cmd::thumbnail(s, &sha).unwrap();
    assert!(url.starts_with("data:image/jpeg;base64,/9j/"), "a JPEG data URL: {}", &url[..40.min(url.len())]);

    let pdf = cmd::attach(s, &id, &code, "整改报告.pdf", &b64(PDF)).unwrap();
    let pdf_sha = pdf.evidence.iter().find(|e| **e != sha).unwrap().clone();
    assert_eq!(cmd::thumbnail(s, &pdf_sha).unwrap_err().code, ErrorCode::NotFound, "a PDF has no thumbnail");

    let item = cmd::detach(s, &id, &code.to_lowercase(), &sha).unwrap();
    assert_eq!(item.evidence, [pdf_sha]);
    assert!(f.evidence_dir.join(&sha[..2]).join(&sha).is_file(), "the file stays; only the link goes");
}

#[test]
fn hostile_input_is_refused_before_it_reaches_a_file_or_a_row() {
    let f = fixture();
    let s = &f.state;
    let detail = cmd::start(s, &start_input(&f.facility_id)).unwrap();
    let (id, code) = (detail.summary.id.clone(), detail.items[0].code.clone());
    let before = (cmd::show(s, &id).unwrap(), cmd::changes(s, &id).unwrap());

    let huge = "A".repeat(41 * 1024 * 1024);
    let refused = [
        cmd::thumbnail(s, "../../../../etc/passwd").map(|_| ()),
        cmd::thumbnail(s, "养养").map(|_| ()),
        cmd::detach(s, &id, &code, "../qingdan.db").map(|_| ()),
        cmd::attach(s, &id, &code, "a.png", "not base64 at all!").map(|_| ()),
        cmd::attach(s, &id, &code, "a.png", "").map(|_| ()),
        cmd::attach(s, &id, &code, "a.png", &huge).map(|_| ()),
        cmd::attach(s, &id, &code, "a\u{0}.png", PNG_BASE64).map(|_| ()),
        cmd::attach(s, &id, &code, "a.png", &b64(b"MZ\x90\x00 an executable")).map(|_| ()),
        cmd::record(s, &id, &code, &ItemPatch { evidence: vec!["../x".into()], ..Default::default() }).map(|_| ()),
        cmd::record(s, &id, &code, &ItemPatch { finding: Some("bell\u{7}".into()), ..Default::default() }).map(|_| ()),
        cmd::record(s, &format!("{id}\u{1b}"), &code, &ItemPatch::default()).map(|_| ()),
        cmd::record(s, &id, &"S".repeat(21), &ItemPatch::default()).map(|_| ()),
        cmd::suggest(s, &id, None, &"意".repeat(10_001)).map(|_| ()),
        cmd::sign(s, &id, &["张三".into()], "王五", Some(&b64(PDF))).map(|_| ()),
        cmd::sign(s, &id, &vec!["张三".to_string(); 101], "王五", None).map(|_| ()),
        cmd::start(s, &StartInspection { group: "第一组\r\n".into(), ..start_input(&f.facility_id) }).map(|_| ()),
        cmd::set_user_name(s, "张三\u{202e}\u{0}").map(|_| ()),
    ];
    for (i, r) in refused.into_iter().enumerate() {
        let err = r.expect_err(&format!("case {i} must be refused"));
        assert_eq!(err.code, ErrorCode::InvalidInput, "case {i}: {err:?}");
    }
    assert_eq!(files_in(&f.evidence_dir), 0, "no file was written for refused input");
    assert_eq!((cmd::show(s, &id).unwrap(), cmd::changes(s, &id).unwrap()), before, "nothing changed");
    assert_eq!(cmd::list(s, None).unwrap().len(), 1, "no second inspection was started");
}

#[test]
fn a_missing_inspection_or_target_is_not_found() {
    let f = fixture();
    let s = &f.state;
    let nobody = "0190f0f0-0000-7000-8000-000000000000";
    assert_eq!(cmd::show(s, nobody).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(cmd::start(s, &start_input(nobody)).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(cmd::thumbnail(s, &"ab".repeat(32)).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(cmd::attach(s, nobody, "S01", "a.png", PNG_BASE64).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(files_in(&f.evidence_dir), 0, "no orphan file for an unknown inspection");
}

#[test]
fn with_a_damaged_database_no_evidence_is_written_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qingdan.db");
    std::fs::write(&path, b"not a database".repeat(100)).unwrap();
    let state = AppState::open(&path, Lang::Zh);
    let err = cmd::attach(&state, "some-id", "S01", "a.png", PNG_BASE64).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseDamaged);
    assert!(!dir.path().join("evidence").exists());
}
