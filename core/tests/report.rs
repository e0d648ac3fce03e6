//! PDF reports (docs/reports.md): the 检查报告 of a signed inspection with
//! photos and a drawn signature, checked with poppler's `pdftotext` and
//! `qpdf --check` when they are installed; determinism; and bad input that
//! must leave no file behind.

use std::path::{Path, PathBuf};
use std::process::Command;

use qingdan_core::catalog::{Severity, TargetKind};
use qingdan_core::evidence::{EvidenceStore, Variant};
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo, report, Db, Env, FixedClock};

const ACTOR: &str = "张建国";

struct Fixture {
    dir: tempfile::TempDir,
    db_path: PathBuf,
    db: Db,
    store: EvidenceStore,
    id: String,
    photo_sha: String,
    facility: String,
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 140]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

/// A drawn signature as a signature pad saves it: ink on a transparent background.
fn signature_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(300, 100, |x, y| {
        let on = (y as i32 - 50 - ((x as f32 / 20.0).sin() * 25.0) as i32).abs() < 3;
        if on { image::Rgba([20, 20, 90, 255]) } else { image::Rgba([0, 0, 0, 0]) }
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

fn nc(finding: &str, severity: Severity, scope: Scope) -> ItemPatch {
    ItemPatch {
        verdict: Some(Some(Verdict::Noncompliant)),
        finding: Some(finding.into()),
        severity: Some(Some(severity)),
        scope: Some(Some(scope)),
        ..Default::default()
    }
}

/// A demo database file with one signed inspection of an elderly-care institution.
fn fixture_with(members: Vec<String>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("q.db");
    let (env, _clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_with(&db_path, env).unwrap();
    demo::populate(&mut db).unwrap();
    let store = EvidenceStore::beside(&db_path);
    let facility = registry::facility_list(&db, &FacilityQuery { kind: Some(TargetKind::ElderlyCareInstitution), ..Default::default() })
        .unwrap()[0]
        .id
        .clone();
    let input = StartInspection {
        target_id: facility.clone(),
        kind: InspectionKind::LawEnforcement,
        date: "2024-05-20".into(),
        group: "第一组".into(),
        leader: "王志强".into(),
        members,
        representatives: vec!["刘建华".into()],
    };
    let d = inspection::start(&mut db, &input, ACTOR).unwrap();
    let id = d.summary.id.clone();
    let codes: Vec<String> = d.items.iter().map(|i| i.code.clone()).collect();
    let photo = store.put_bytes(&jpeg(1200, 900), "消防通道.jpg", "evidence").unwrap();
    for (n, code) in codes.iter().enumerate() {
        let patch = match n {
            0 => nc("消防通道堆放杂物，二楼安全出口被床垫和轮椅堵塞（现场已责令清理）。", Severity::Major, Scope::Individual),
            3 => nc("护理员持证上岗率不足50%，部分护理员未参加岗前培训；“一人一档”健康档案缺失。", Severity::Serious, Scope::Partial),
            5 => ItemPatch { verdict: Some(Some(Verdict::Partial)), finding: Some("应急预案已制定，但未按季度组织演练。".into()), ..Default::default() },
            7 => ItemPatch { verdict: Some(Some(Verdict::NotApplicable)), na_reason: Some("本机构未设医务室。".into()), ..Default::default() },
            _ => ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() },
        };
        let files = if n == 0 { vec![photo.clone()] } else { vec![] };
        inspection::record(&mut db, &id, code, &patch, &files, ACTOR).unwrap();
    }
    inspection::add_suggestion(&mut db, &id, None, "建议县民政局对全县养老机构消防设施开展一次全面排查。", ACTOR).unwrap();
    let sig = store.put_bytes(&signature_png(), "signature.png", "signature").unwrap();
    inspection::sign(&mut db, &id, &["王志强".into(), "李秀英".into()], "刘建华", Some(&sig), ACTOR).unwrap();
    Fixture { dir, db_path, db, store, id, photo_sha: photo.sha256, facility }
}

fn fixture() -> Fixture {
    fixture_with(vec!["李秀英".into(), "赵国强".into()])
}

fn cli(f: &Fixture, args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["qingdan", "--db", f.db_path.to_str().unwrap()];
    argv.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = qingdan_core::cli::run(argv.iter().map(Into::into), &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("-v").output().is_ok();
    if !found {
        eprintln!("SKIPPED part of this test: `{name}` is not installed (bash scripts/setup.sh installs it)");
    }
    found
}

fn pdftotext(pdf: &Path) -> Option<String> {
    if !tool("pdftotext") {
        return None;
    }
    let out = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn the_inspection_report_carries_the_chinese_text_and_passes_qpdf() {
    let f = fixture();
    let out = f.dir.path().join("报告.pdf");
    let (code, stdout, stderr) = cli(&f, &["report", "inspection", &f.id, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("已生成报告"), "{stdout}");
    let bytes = std::fs::read(&out).unwrap();
    if let Some(keep) = std::env::var_os("QINGDAN_KEEP_REPORT") {
        // For looking at the pages: pdftoppm -png -r 80 "$QINGDAN_KEEP_REPORT" page
        std::fs::write(keep, &bytes).unwrap();
    }
    assert!(bytes.starts_with(b"%PDF-"));
    let pages = report::count_pages(&bytes);
    assert!(pages >= 3, "{pages} pages");
    // Fonts are subset: the whole report is far smaller than one 10 MB font.
    assert!(bytes.len() < 600_000, "{} bytes", bytes.len());

    if let Some(text) = pdftotext(&out) {
        let facility = registry::get_facility(&f.db, &f.facility).unwrap();
        let flat: String = text.split_whitespace().collect();
        for needle in [
            "执法检查报告",
            "一、基本情况",
            facility.name.as_str(),
            "第一组",
            "王志强",
            "李秀英、赵国强",
            "消防通道堆放杂物，二楼安全出口被床垫和轮椅堵塞（现场已责令清理）。",
            "“一人一档”健康档案缺失",
            "重大隐患",
            "本机构未设医务室。",
            "建议县民政局对全县养老机构消防设施开展一次全面排查。",
            "图1",
            "被检查单位代表（签字）：刘建华",
            "2024年5月20日",
        ] {
            let n: String = needle.split_whitespace().collect();
            assert!(flat.contains(&n), "the text layer lacks “{needle}”:\n{text}");
        }
        assert!(flat.contains(&format!("第1页共{pages}页")), "page numbers");
        assert!(flat.contains(&format!("第{pages}页共{pages}页")), "page numbers");
    }
    if tool("qpdf") {
        let o = Command::new("qpdf").arg("--check").arg(&out).output().unwrap();
        assert!(o.status.success(), "qpdf --check: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    }
    // Metadata from the injected clock (the CLI runs on the system clock).
    let bytes = report::inspection_report_bytes(&f.db, &f.store, &f.id).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let info = doc.trailer.get(b"Info").and_then(|r| r.as_reference()).and_then(|r| doc.get_dictionary(r)).unwrap();
    let created = info.get(b"CreationDate").unwrap().as_str().unwrap();
    assert!(String::from_utf8_lossy(created).starts_with("D:20240520010000"), "{}", String::from_utf8_lossy(created));
    assert!(info.get(b"Title").is_ok() && info.get(b"Author").is_ok());
}

#[test]
fn the_same_data_and_clock_give_the_same_bytes() {
    let f = fixture();
    let a = report::inspection_report_bytes(&f.db, &f.store, &f.id).unwrap();
    let b = report::inspection_report_bytes(&f.db, &f.store, &f.id).unwrap();
    assert!(a == b, "two runs differ");
    // And a different clock gives a different creation date.
    let (env, _) = Env::fixed(FixedClock::default_test_time() + chrono::Duration::days(1));
    let db2 = Db::open_with(&f.db_path, env).unwrap();
    let c = report::inspection_report_bytes(&db2, &f.store, &f.id).unwrap();
    assert!(a != c);
}

#[test]
fn a_missing_photo_is_an_error_naming_it_and_leaves_no_file() {
    let f = fixture();
    std::fs::remove_file(f.store.path(&f.photo_sha, Variant::Display)).unwrap();
    let out = f.dir.path().join("r.pdf");
    let before = files_in(f.dir.path());
    let (code, _, stderr) = cli(&f, &["report", "inspection", &f.id, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("消防通道.jpg") && stderr.contains("无法读取"), "{stderr}");
    assert_eq!(files_in(f.dir.path()), before, "no file left behind");
}

#[test]
fn a_corrupt_photo_is_an_error_and_leaves_no_file() {
    let f = fixture();
    std::fs::write(f.store.path(&f.photo_sha, Variant::Display), b"\xFF\xD8\xFFnot really a jpeg").unwrap();
    let out = f.dir.path().join("r.pdf");
    std::fs::write(&out, b"an older report").unwrap();
    let (code, _, stderr) = cli(&f, &["report", "inspection", &f.id, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("已损坏"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), b"an older report", "the old file is untouched");
}

#[test]
fn an_unwritable_output_path_is_an_io_error_and_leaves_no_file() {
    let f = fixture();
    // A path below a regular file cannot be created, even by root.
    let blocker = f.dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let out = blocker.join("r.pdf");
    let before = files_in(f.dir.path());
    let (code, _, stderr) = cli(&f, &["report", "inspection", &f.id, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("not-a-folder"), "{stderr}");
    assert_eq!(files_in(f.dir.path()), before);
    // A folder as --out is bad input.
    let (code, _, stderr) = cli(&f, &["report", "inspection", &f.id, "--out", f.dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("文件夹"), "{stderr}");
}

#[test]
fn an_unknown_inspection_is_bad_input() {
    let f = fixture();
    let out = f.dir.path().join("r.pdf");
    let (code, _, stderr) = cli(&f, &["report", "inspection", "no-such-id", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_character_no_font_has_is_refused_naming_where_it_is() {
    // U+30000 (CJK Extension G) is in none of the bundled fonts.
    let f = fixture_with(vec!["李秀英".into(), "王\u{30000}明".into()]);
    let out = f.dir.path().join("r.pdf");
    let (code, _, stderr) = cli(&f, &["report", "inspection", &f.id, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("检查组成员") && stderr.contains("U+30000"), "{stderr}");
    assert!(!out.exists());
}

// ---- 整改通知书 (GB/T 9704-2012)

fn plan_serious_problem(f: &mut Fixture) {
    let rows = qingdan_core::problem::list(&f.db, &qingdan_core::problem::ProblemFilter { target_id: Some(f.facility.clone()), ..Default::default() }).unwrap();
    assert_eq!(rows.len(), 2, "the two 不符合 items became problems");
    let serious = rows.iter().find(|r| r.severity == Severity::Serious).unwrap();
    let plan = qingdan_core::problem::Plan {
        measure: "组织全体护理员参加岗前培训，6月底前持证上岗率达到100%，补建健康档案".into(),
        unit: "老城社会福利中心".into(),
        person: "刘建华".into(),
        deadline: "2024-06-30".into(),
    };
    qingdan_core::problem::plan(&mut f.db, &serious.id, &plan, ACTOR).unwrap();
}

/// A word with its box: xMin, yMin, xMax, yMax (points, origin top-left), text.
type Word = (f32, f32, f32, f32, String);

/// Words of page `page`, from `pdftotext -bbox`.
fn words(pdf: &Path, page: u32) -> Option<Vec<Word>> {
    if !tool("pdftotext") {
        return None;
    }
    let p = page.to_string();
    let out = Command::new("pdftotext").args(["-bbox", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"]).output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let num = |s: &str, key: &str| -> f32 {
        let i = s.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        s[i..].split('"').next().unwrap().parse().unwrap()
    };
    Some(
        html.lines()
            .filter(|l| l.trim_start().starts_with("<word"))
            .map(|l| {
                let text = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_string();
                (num(l, "xMin"), num(l, "yMin"), num(l, "xMax"), num(l, "yMax"), text)
            })
            .collect(),
    )
}

/// Font sizes set with `Tf` on page `page`.
fn font_sizes(bytes: &[u8], page: u32) -> Vec<f32> {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let id = doc.get_pages()[&page];
    let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
    let mut v: Vec<f32> = content.operations.iter().filter(|o| o.operator == "Tf").map(|o| o.operands[1].as_float().unwrap()).collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v.dedup();
    v
}

#[test]
fn the_notice_follows_gb_t_9704_and_lists_each_problem() {
    let mut f = fixture();
    plan_serious_problem(&mut f);
    let bytes = report::notice_bytes(&f.db, &f.facility, Some("洛人监改〔2024〕3号"), Some("洛阳市人大常委会养老服务联动监督办公室")).unwrap();
    let out = f.dir.path().join("notice.pdf");
    std::fs::write(&out, &bytes).unwrap();
    if let Some(keep) = std::env::var_os("QINGDAN_KEEP_NOTICE") {
        std::fs::write(keep, &bytes).unwrap();
    }
    assert_eq!(report::count_pages(&bytes), 3, "two pages of notice and the attachment");
    let name = registry::get_facility(&f.db, &f.facility).unwrap().name;
    if let Some(text) = pdftotext(&out) {
        let flat: String = text.split_whitespace().collect();
        for needle in [
            "洛人监改〔2024〕3号".to_string(),
            format!("关于{name}存在问题限期整改的通知"),
            format!("{name}："),
            "一、消防通道堆放杂物".into(),
            "问题等级：重大隐患。".into(),
            "问题等级：较重。".into(),
            "存在以下2个问题".into(),
            "整改期限：立即整改。".into(),
            "整改要求：组织全体护理员参加岗前培训".into(),
            "整改期限：2024年6月30日前。".into(),
            "依据：《".into(),
            "附件：问题清单".into(),
            "洛阳市人大常委会养老服务联动监督办公室".into(),
            "二〇二四年五月二十日".into(),
            "—1—".into(),
            "—2—".into(),
            "—3—".into(),
        ] {
            assert!(flat.contains(&needle), "the notice lacks “{needle}”:\n{text}");
        }
    }
    // Geometry: A4, text inside the 156 × 225 mm area at 28 mm from the left and 37 mm from the top.
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page1 = doc.get_pages()[&1];
    let mb = doc.get_dictionary(page1).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().clone();
    let mb: Vec<f32> = mb.iter().map(|o| o.as_float().unwrap()).collect();
    assert!((mb[2] - 595.28).abs() < 0.1 && (mb[3] - 841.89).abs() < 0.1, "{mb:?}");
    // Title 22 pt, body 16 pt, page number 14 pt.
    let sizes = font_sizes(&bytes, 1);
    assert_eq!(sizes, vec![14.0, 16.0, 22.0], "font sizes on page 1");
    let mm = 72.0 / 25.4;
    if let Some(w) = words(&out, 1) {
        // Below the text area there is only the page number “— 1 —”.
        let below = |w: &&Word| w.1 > (297.0 - 35.0) * mm;
        let footer: Vec<&str> = w.iter().filter(below).map(|w| w.4.as_str()).collect();
        assert!(!footer.is_empty() && footer.iter().all(|t| ["—", "1", "—1—"].contains(t)), "{footer:?}");
        let body: Vec<_> = w.iter().filter(|x| !below(x)).collect();
        let left = body.iter().map(|w| w.0).fold(f32::MAX, f32::min);
        let right = body.iter().map(|w| w.2).fold(0.0, f32::max);
        let top = body.iter().map(|w| w.1).fold(f32::MAX, f32::min);
        let bottom = body.iter().map(|w| w.3).fold(0.0, f32::max);
        assert!((left - 28.0 * mm).abs() < 1.0, "left edge {} mm", left / mm);
        assert!(right <= (210.0 - 26.0) * mm + 1.0, "right edge {} mm", right / mm);
        assert!(right >= (210.0 - 26.0) * mm - 3.0, "a full line reaches the right edge: {} mm", right / mm);
        assert!(top >= 37.0 * mm - 0.5, "top {} mm", top / mm);
        assert!(bottom <= (297.0 - 35.0) * mm + 0.5, "bottom {} mm", bottom / mm);
        // The page number of page 1 (odd) is on the right, below the text area.
        let no = w.iter().find(|w| w.4.contains('1') && w.1 > (297.0 - 35.0) * mm).expect("page number");
        assert!(no.0 > 105.0 * mm, "odd page number on the right");
    }
    // 28 characters on a full line.
    if tool("pdftotext") {
        let raw = Command::new("pdftotext").args(["-raw", "-f", "1", "-l", "1", out.to_str().unwrap(), "-"]).output().unwrap();
        let raw = String::from_utf8(raw.stdout).unwrap();
        let longest = raw.lines().map(|l| l.chars().filter(|c| !c.is_whitespace()).count()).max().unwrap();
        assert_eq!(longest, 28, "{raw}");
    }
    if tool("qpdf") {
        let o = Command::new("qpdf").arg("--check").arg(&out).output().unwrap();
        assert!(o.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&o.stdout));
    }
}

#[test]
fn the_notice_cli_writes_the_file_and_refuses_a_target_without_problems() {
    let f = fixture();
    let out = f.dir.path().join("通知书.pdf");
    let (code, stdout, stderr) = cli(&f, &["report", "notice", &f.facility, "--out", out.to_str().unwrap(), "--number", "洛人监改〔2024〕3号", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["pages"], 3);
    assert!(out.exists());
    // Another facility has no problems: nothing to notify, exit 2, no file.
    let other = registry::facility_list(&f.db, &FacilityQuery { kind: Some(TargetKind::HomeCarePoint), ..Default::default() }).unwrap()[0].id.clone();
    let out2 = f.dir.path().join("n2.pdf");
    let (code, _, stderr) = cli(&f, &["report", "notice", &other, "--out", out2.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("没有待整改"), "{stderr}");
    assert!(!out2.exists());
    // An unknown target is not found (exit 2).
    let (code, _, stderr) = cli(&f, &["report", "notice", "no-such-target", "--out", out2.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("找不到检查对象"), "{stderr}");
    assert!(!out2.exists());
}

#[test]
fn a_draft_report_of_a_county_government_has_blank_signature_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("q.db");
    let (env, _clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_with(&db_path, env).unwrap();
    demo::populate(&mut db).unwrap();
    let county = registry::counties(&db).unwrap()[0].clone();
    let input = StartInspection {
        target_id: county.id.clone(),
        kind: InspectionKind::Special,
        date: "2024-05-21".into(),
        group: "第二组".into(),
        leader: "".into(),
        members: vec![],
        representatives: vec![],
    };
    let d = inspection::start(&mut db, &input, ACTOR).unwrap();
    let store = EvidenceStore::beside(&db_path);
    let bytes = report::inspection_report_bytes(&db, &store, &d.summary.id).unwrap();
    let out = dir.path().join("draft.pdf");
    std::fs::write(&out, &bytes).unwrap();
    if let Some(text) = pdftotext(&out) {
        let flat: String = text.split_whitespace().collect();
        for needle in ["专项督查报告", county.name.as_str(), "县（市、区）政府", "未检查", "检查组成员（签字）：", "本检查尚未签字确认"] {
            assert!(flat.contains(needle), "the draft report lacks “{needle}”:\n{text}");
        }
        assert!(!flat.contains("签字确认时间"), "a draft has no sign-off time");
    }
}
