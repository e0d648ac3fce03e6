//! The 监督工作总结 (campaign summary with vector charts) and the prints of
//! the 问题清单 / 整改清单 / 销号清单 (docs/reports.md): the figures and names
//! in the text layer (`pdftotext`), `qpdf --check`, byte determinism, an
//! empty campaign (rates “—”, charts 暂无数据), the county filter, and the
//! CLI contract (whole file or none).
//!
//! `QINGDAN_KEEP_SUMMARY=DIR` keeps the PDFs for a look:
//! `pdftoppm -png -r 70 DIR/summary.pdf DIR/summary`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use qingdan_core::catalog::Severity;
use qingdan_core::problem::{self, stats, NewProblem, Plan, Source, StatsFilter, Status, Verification, VerifyMethod, VerifyResult};
use qingdan_core::report::{self, ListFilter, PrintList};
use qingdan_core::{demo, registry, Db, Env, FixedClock};

const ACTOR: &str = "总结测试";
const CATEGORIES: [&str; 5] = ["安全管理", "生活照料", "医疗护理", "收费管理", "人员配备"];

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

struct Fixture {
    dir: tempfile::TempDir,
    db_path: PathBuf,
    db: Db,
    counties: Vec<String>,
    _clock: Arc<FixedClock>,
}

fn empty() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("q.db");
    let (env, clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_with(&db_path, env).unwrap();
    demo::populate(&mut db).unwrap();
    let counties = registry::counties(&db).unwrap().into_iter().map(|c| c.name).collect();
    Fixture { dir, db_path, db, counties, _clock: clock }
}

/// 24 problems over five counties and five categories, found in February;
/// some closed in March, April and May, some rectified and awaiting
/// verification, some planned with a deadline of 30 April and now (20 May)
/// overdue, the rest still 待整改.
fn campaign() -> Fixture {
    let f = empty();
    let clock = f._clock.clone();
    let mut db = f.db;
    clock.set(at("2024-03-01T02:00:00Z"));
    let mut ids = Vec::new();
    for i in 0..24usize {
        let county = &f.counties[i % 5];
        let p = NewProblem {
            target_name: format!("{county}第{}养老服务中心", ["一", "二", "三", "四", "五"][i % 5]),
            county: Some(county.clone()),
            category: CATEGORIES[(i * 3 + i / 5) % 5].into(),
            description: format!("{}：检查发现第{}项问题，消防通道堆放杂物，护理员持证上岗率不足50%。", CATEGORIES[(i * 3 + i / 5) % 5], i + 1),
            severity: Some(if i % 4 == 0 { Severity::Serious } else { Severity::General }),
            source: Some(Source::PublicReport),
            group: "第一组".into(),
            found_on: Some(format!("2024-02-{:02}", i + 1)),
            responsible_unit: format!("{county}民政局"),
            ..Default::default()
        };
        ids.push(problem::create(&mut db, &p, ACTOR).unwrap().problem.id);
    }
    let plan = |db: &mut Db, id: &str, deadline: &str| {
        let p = Plan { measure: "清理消防通道，组织护理员培训取证".into(), unit: "县民政局".into(), person: "王志强".into(), deadline: deadline.into() };
        problem::plan(db, id, &p, ACTOR).unwrap();
    };
    for (i, id) in ids.iter().enumerate() {
        if i % 6 != 5 {
            plan(&mut db, id, if i % 3 == 2 { "2024-04-30" } else { "2024-06-30" });
        }
    }
    let close = |db: &mut Db, id: &str| {
        problem::report_done(db, id, "已整改完毕，附照片", None, ACTOR).unwrap();
        let v = Verification { by: "李秀英".into(), method: VerifyMethod::DocumentReview, result: VerifyResult::Pass, note: "资料齐全，整改到位".into(), on: None };
        assert_eq!(problem::verify(db, id, &v, None, ACTOR).unwrap().problem.status, Status::Closed);
    };
    for (when, pick) in [("2024-03-18T02:00:00Z", 0usize), ("2024-04-10T02:00:00Z", 1), ("2024-05-08T02:00:00Z", 3)] {
        clock.set(at(when));
        for (i, id) in ids.iter().enumerate() {
            if i % 6 == pick {
                close(&mut db, id);
            }
        }
    }
    // Rectified, awaiting verification.
    problem::report_done(&mut db, &ids[4], "已完成整改", None, ACTOR).unwrap();
    clock.set(FixedClock::default_test_time());
    Fixture { db, ..f }
}

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("-v").output().is_ok();
    if !found {
        eprintln!("SKIPPED part of this test: `{name}` is not installed (bash scripts/setup.sh installs it)");
    }
    found
}

/// The text layer with all white space removed (table cells and chart labels
/// are laid out freely; what matters is that the words are there).
fn text(pdf: &Path) -> Option<String> {
    if !tool("pdftotext") {
        return None;
    }
    let out = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap().split_whitespace().collect())
}

fn qpdf_check(pdf: &Path) {
    if tool("qpdf") {
        let o = Command::new("qpdf").arg("--check").arg(pdf).output().unwrap();
        assert!(o.status.success(), "qpdf --check: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    }
}

fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("QINGDAN_KEEP_SUMMARY") {
        std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
}

fn write(f: &Fixture, name: &str, bytes: &[u8]) -> PathBuf {
    keep(name, bytes);
    let p = f.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn cli(f: &Fixture, args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["qingdan", "--db", f.db_path.to_str().unwrap()];
    argv.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = qingdan_core::cli::run(argv.iter().map(Into::into), &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn count(needle: &str, hay: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn the_summary_carries_the_figures_charts_and_lists() {
    let f = campaign();
    let t = stats::totals(&f.db, &StatsFilter::default()).unwrap();
    assert!(t.problems == 24 && t.closed > 0 && t.overdue > 0 && t.rectified > t.closed, "{t:?}");
    let bytes = report::summary_bytes(&f.db, None).unwrap();
    let out = write(&f, "summary.pdf", &bytes);
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 400_000, "{} bytes", bytes.len());
    qpdf_check(&out);
    let Some(text) = text(&out) else { return };
    let overview = format!(
        "共发现问题{}个，收集意见建议{}条。已整改问题{}个，整改率{}；已销号问题{}个，销号率{}；逾期未整改问题{}个",
        t.problems,
        t.suggestions,
        t.rectified,
        stats::percent(t.rectification_rate),
        t.closed,
        stats::percent(t.closeout_rate),
        t.overdue
    );
    for needle in [
        "养老服务监督工作总结",
        "数据截至2024年5月20日",
        "一、总体情况",
        overview.as_str(),
        "二、分县（市、区）情况",
        "图1各县（市、区）问题整改和销号情况",
        "三、主要问题类别",
        "图2问题数居前5位的问题类别",
        "四、销号进展",
        "图3每月销号问题数",
        "五、逾期未整改问题清单",
        "六、已销号问题清单",
        "问题数已整改已销号", // the legend
        "3月4月5月",            // the month axis
    ] {
        assert!(text.contains(needle), "the summary lacks “{needle}”:\n{text}");
    }
    let days = format!("用时中位数为{}天", t.median_days_to_close.map(|d| format!("{d}")).unwrap());
    assert!(text.contains(&days), "{days}\n{text}");
    assert!(!text.contains("暂无数据"), "every chart has data");
    for c in &f.counties[..5] {
        assert!(text.contains(c.as_str()), "county {c}");
    }
    // All 15 counties are in the chart and the table, with zeros.
    for c in &f.counties {
        assert!(count(c, &text) >= 2, "county {c} in the chart and the table");
    }
    for c in CATEGORIES {
        assert!(text.contains(c), "category {c}");
    }
    // The overdue list holds each overdue problem, the close-out list each closed one.
    let overdue = stats::problems(&f.db, &StatsFilter::default(), stats::Figure::Overdue).unwrap();
    let closed = stats::problems(&f.db, &StatsFilter::default(), stats::Figure::Closed).unwrap();
    assert_eq!(overdue.len() as u32, t.overdue);
    for p in overdue.iter().chain(&closed) {
        assert!(text.contains(&p.number), "{} in the lists", p.number);
    }
    let pages = report::count_pages(&bytes);
    assert!(text.contains(&format!("第1页共{pages}页")) && text.contains(&format!("第{pages}页共{pages}页")), "page numbers");
    // Metadata from the injected clock.
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let info = doc.trailer.get(b"Info").and_then(|r| r.as_reference()).and_then(|r| doc.get_dictionary(r)).unwrap();
    let created = info.get(b"CreationDate").unwrap().as_str().unwrap();
    assert!(String::from_utf8_lossy(created).starts_with("D:20240520010000"), "{}", String::from_utf8_lossy(created));
    assert!(info.get(b"Title").is_ok() && info.get(b"Author").is_ok() && info.get(b"Subject").is_ok());
}

#[test]
fn the_charts_are_vector_drawings_not_images() {
    let f = campaign();
    let bytes = report::summary_bytes(&f.db, None).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page1 = doc.get_pages()[&1];
    let content = lopdf::content::Content::decode(&doc.get_page_content(page1)).unwrap();
    let ops = |name: &str| content.operations.iter().filter(|o| o.operator == name).count();
    // Bars are filled rectangles, axes and grid lines are stroked paths; no image.
    assert!(ops("re") + ops("f") > 30, "filled bars on page 1");
    assert!(ops("S") > 20, "stroked axis and grid lines on page 1");
    assert_eq!(ops("Do"), 0, "no image XObject");
}

#[test]
fn the_same_data_and_clock_give_the_same_bytes() {
    let f = campaign();
    let a = report::summary_bytes(&f.db, None).unwrap();
    let b = report::summary_bytes(&f.db, None).unwrap();
    assert!(a == b, "two summaries differ");
    let filter = ListFilter { county: Some(f.counties[0].clone()), ..Default::default() };
    let c = report::list_bytes(&f.db, PrintList::Rectification, &filter).unwrap();
    let d = report::list_bytes(&f.db, PrintList::Rectification, &filter).unwrap();
    assert!(c == d, "two list prints differ");
    // A day later the creation date (and the overdue days) change.
    f._clock.set(FixedClock::default_test_time() + chrono::Duration::days(1));
    assert!(report::summary_bytes(&f.db, None).unwrap() != a);
}

#[test]
fn an_empty_campaign_shows_dashes_and_says_there_is_no_data() {
    let f = empty();
    let bytes = report::summary_bytes(&f.db, None).unwrap();
    let out = write(&f, "summary-empty.pdf", &bytes);
    qpdf_check(&out);
    let Some(text) = text(&out) else { return };
    for needle in ["截至2024年5月20日，各县（市、区）尚无问题记录。整改率、销号率待有问题后统计。", "无逾期未整改问题。", "尚无已销号问题。", "图2主要问题类别"] {
        assert!(text.contains(needle), "the empty summary lacks “{needle}”:\n{text}");
    }
    // Three charts, each saying so; rates and the median as “—”, never NaN or a division by zero.
    assert_eq!(count("暂无数据", &text), 3, "{text}");
    assert!(count("—", &text) >= 3, "{text}");
    for bad in ["NaN", "inf", "0.0%"] {
        assert!(!text.contains(bad), "{bad} in\n{text}");
    }
}

#[test]
fn a_county_summary_covers_that_county_only() {
    let f = campaign();
    let county = f.counties[1].clone();
    let sf = StatsFilter { county: Some(county.clone()), ..Default::default() };
    let t = stats::totals(&f.db, &sf).unwrap();
    assert!(t.problems > 0 && t.problems < 24);
    let bytes = report::summary_bytes(&f.db, Some(&county)).unwrap();
    let out = write(&f, "summary-county.pdf", &bytes);
    qpdf_check(&out);
    let Some(text) = text(&out) else { return };
    assert!(text.contains(&format!("（{county}）")), "{text}");
    assert!(text.contains(&format!("截至2024年5月20日，{county}共发现问题{}个", t.problems)), "{text}");
    assert!(text.contains("二、分检查对象类型情况"), "{text}");
    for other in f.counties.iter().filter(|c| **c != county) {
        assert!(!text.contains(other.as_str()), "{other} in the summary of {county}");
    }
    // Only that county's problems in the lists.
    let all = problem::list(&f.db, &Default::default()).unwrap();
    for p in &all {
        let mine = p.county.as_deref() == Some(county.as_str());
        if !mine {
            assert!(!text.contains(&p.number), "{} of {:?} printed", p.number, p.county);
        }
    }
    // An unknown county is refused (exit 2), no file.
    let out2 = f.dir.path().join("x.pdf");
    let (code, _, stderr) = cli(&f, &["report", "summary", "--county", "不存在县", "--out", out2.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!out2.exists());
}

#[test]
fn the_summary_cli_writes_the_file_whole() {
    let f = campaign();
    let out = f.dir.path().join("总结.pdf");
    std::fs::write(&out, b"an older summary").unwrap();
    let (code, stdout, stderr) = cli(&f, &["report", "summary", "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["pages"].as_u64().unwrap() >= 3, "{v}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(v["bytes"].as_u64().unwrap(), bytes.len() as u64);
    let names: Vec<String> = std::fs::read_dir(f.dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.contains(".tmp") && !n.starts_with('.')), "no temporary file left: {names:?}");
    // A folder as --out is bad input.
    let (code, _, stderr) = cli(&f, &["report", "summary", "--out", f.dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn list_prints_name_the_filter_repeat_the_header_and_hold_the_rows() {
    let f = campaign();
    let all = problem::list(&f.db, &Default::default()).unwrap();
    // The whole problem list, many rows: more than one page, the header on each.
    let bytes = report::list_bytes(&f.db, PrintList::Problems, &ListFilter::default()).unwrap();
    let out = write(&f, "list-problems.pdf", &bytes);
    qpdf_check(&out);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page1 = doc.get_pages()[&1];
    let mb: Vec<f32> = doc.get_dictionary(page1).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|o| o.as_float().unwrap()).collect();
    assert!((mb[2] - 841.89).abs() < 0.1 && (mb[3] - 595.28).abs() < 0.1, "landscape A4: {mb:?}");
    let pages = report::count_pages(&bytes);
    assert!(pages >= 2, "{pages} pages");
    if let Some(text) = text(&out) {
        assert!(text.starts_with("问题清单筛选条件：全部共24个问题数据截至2024年5月20日"), "{text}");
        for p in &all {
            assert!(text.contains(&p.number), "{}", p.number);
        }
        assert_eq!(count("序号问题编号检查对象", &text), pages as usize, "the header row on every page");
        assert!(text.contains(&format!("第{pages}页共{pages}页")));
        assert!(text.contains("整改中（逾期）"));
    }

    // Filtered: one county, 整改中, overdue.
    let county = f.counties[2].clone();
    let filter = ListFilter { status: Some(Status::InProgress), county: Some(county.clone()), overdue: true };
    let expected = problem::list(
        &f.db,
        &problem::ProblemFilter { statuses: vec![Status::InProgress], county: Some(county.clone()), overdue_only: true, ..Default::default() },
    )
    .unwrap();
    assert!(!expected.is_empty());
    let bytes = report::list_bytes(&f.db, PrintList::Rectification, &filter).unwrap();
    let out = write(&f, "list-rectification.pdf", &bytes);
    qpdf_check(&out);
    if let Some(text) = text(&out) {
        assert!(text.contains(&format!("{county}整改清单（逾期未整改）")), "{text}");
        assert!(text.contains(&format!("筛选条件：县（市、区）：{county}；状态：整改中；仅列逾期未整改的问题共{}个问题", expected.len())), "{text}");
        for p in &all {
            assert_eq!(text.contains(&p.number), expected.iter().any(|e| e.id == p.id), "{}", p.number);
        }
        assert!(text.contains("清理消防通道"), "{text}");
    }

    // The close-out list, through the CLI, with its verification.
    let out = f.dir.path().join("销号清单.pdf");
    let (code, stdout, stderr) = cli(&f, &["report", "list", "closeout", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("已生成报告"), "{stdout}");
    keep("list-closeout.pdf", &std::fs::read(&out).unwrap());
    qpdf_check(&out);
    if let Some(text) = text(&out) {
        assert!(text.contains("销号清单"), "{text}");
        assert!(text.contains("资料齐全") && text.contains("李秀英") && text.contains("资料核查"), "{text}");
        for p in &all {
            assert_eq!(text.contains(&p.number), p.status == Status::Closed, "{}", p.number);
        }
    }
    // A close-out list of 待整改 problems makes no sense: exit 2, no file.
    let out = f.dir.path().join("bad.pdf");
    let (code, _, stderr) = cli(&f, &["report", "list", "closeout", "--status", "待整改", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("销号清单只列已销号的问题"), "{stderr}");
    assert!(!out.exists());
    // An unknown list name is a usage error.
    let (code, _, stderr) = cli(&f, &["report", "list", "learning", "--out", out.to_str().unwrap()]);
    assert_ne!(code, 0, "{stderr}");
    assert!(!out.exists());
}

#[test]
fn an_empty_list_prints_a_page_saying_so() {
    let f = empty();
    let bytes = report::list_bytes(&f.db, PrintList::Problems, &ListFilter { overdue: true, ..Default::default() }).unwrap();
    let out = write(&f, "list-empty.pdf", &bytes);
    qpdf_check(&out);
    assert_eq!(report::count_pages(&bytes), 1);
    if let Some(text) = text(&out) {
        assert!(text.contains("问题清单（逾期未整改）") && text.contains("共0个问题") && text.contains("没有符合条件的问题。"), "{text}");
    }
}

#[test]
fn a_character_no_font_has_is_refused_naming_the_problem() {
    let mut f = empty();
    let p = NewProblem {
        target_name: "王\u{30000}明养老院".into(),
        county: Some(f.counties[0].clone()),
        category: "安全管理".into(),
        description: "消防通道堆放杂物".into(),
        source: Some(Source::PublicReport),
        group: "第一组".into(),
        found_on: Some("2024-05-01".into()),
        ..Default::default()
    };
    let number = problem::create(&mut f.db, &p, ACTOR).unwrap().problem.number;
    let out = f.dir.path().join("l.pdf");
    let (code, _, stderr) = cli(&f, &["report", "list", "problems", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&number) && stderr.contains("U+30000"), "{stderr}");
    assert!(!out.exists());
}
