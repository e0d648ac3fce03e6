//! Time, size and peak memory of a full 检查报告 of 117 items with Chinese
//! findings (no photos), next to headless Chromium printing the same content
//! from HTML with the same fonts (issue 5). Results and the machine go into
//! `docs/performance.md`.
//!
//! `cargo bench -p qingdan-core --bench report`. Each generator runs in its
//! own process under `/usr/bin/time` (wall time and peak RSS of that process
//! alone); ours is this binary re-run with `child DB ID OUT`, so it includes
//! process start, opening the database and reading the font metrics, as the
//! `qingdan report` command would. `QINGDAN_BENCH_N` runs (default 5) each;
//! the median is reported. Chromium is skipped if `chromium` is not installed.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use qingdan_core::catalog::{self, ItemQuery, Severity, TargetKind};
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo, report, Db};

const FINDINGS: [&str; 6] = [
    "消防通道堆放杂物，二楼安全出口被床垫和轮椅堵塞，夜间值班人员不清楚疏散路线（现场已责令清理）。",
    "护理员持证上岗率不足50%，部分护理员未参加岗前培训；“一人一档”健康档案缺失，入住评估记录不全。",
    "食堂留样记录不完整，5月份有3天未留样；厨房燃气报警装置未定期检测。",
    "收费公示栏未公示护理等级收费标准，与服务协议约定的收费项目不一致。",
    "应急预案已制定，但未按季度组织演练，演练记录仅有2023年第四季度一次。",
    "监控录像保存不足30日，部分公共区域（餐厅、走廊拐角）存在监控盲区。",
];

fn setup(path: &Path) -> String {
    let mut db = Db::open(path).unwrap();
    demo::populate(&mut db).unwrap();
    let facility = registry::facility_list(&db, &FacilityQuery { kind: Some(TargetKind::ElderlyCareInstitution), ..Default::default() })
        .unwrap()
        .remove(0);
    let input = StartInspection {
        target_id: facility.id,
        kind: InspectionKind::LawEnforcement,
        date: "2024-05-20".into(),
        group: "第一组".into(),
        leader: "王志强".into(),
        members: vec!["李秀英".into(), "赵国强".into(), "陈静".into()],
        representatives: vec!["刘建华".into()],
    };
    let id = inspection::start(&mut db, &input, "bench").unwrap().summary.id;
    // Every item of the catalog (66 standards + 51 indicators = 117).
    for item in catalog::list_items(&db, &ItemQuery::default()).unwrap() {
        inspection::add_item(&mut db, &id, &item.code, "bench").unwrap();
    }
    let codes: Vec<String> = inspection::show(&db, &id).unwrap().items.into_iter().map(|i| i.code).collect();
    assert_eq!(codes.len(), 117, "the whole catalog is on the checklist");
    for (n, code) in codes.iter().enumerate() {
        let finding = FINDINGS[n % FINDINGS.len()].to_string();
        let patch = match n % 4 {
            0 => ItemPatch {
                verdict: Some(Some(Verdict::Noncompliant)),
                finding: Some(finding),
                severity: Some(Some(if n % 12 == 0 { Severity::Serious } else { Severity::General })),
                scope: Some(Some(Scope::Partial)),
                ..Default::default()
            },
            1 => ItemPatch { verdict: Some(Some(Verdict::Partial)), finding: Some(finding), ..Default::default() },
            _ => ItemPatch { verdict: Some(Some(Verdict::Compliant)), finding: Some(finding), ..Default::default() },
        };
        inspection::record(&mut db, &id, code, &patch, &[], "bench").unwrap();
    }
    inspection::add_suggestion(&mut db, &id, None, "建议县民政局对全县养老机构消防设施开展一次全面排查。", "bench").unwrap();
    inspection::sign(&mut db, &id, &["王志强".into(), "李秀英".into()], "刘建华", None, "bench").unwrap();
    id
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The same content as the PDF, as HTML with the same fonts.
fn html(db: &Db, id: &str, fonts: &Path) -> String {
    let d = inspection::show(db, id).unwrap();
    let mut rows = String::new();
    for i in &d.items {
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}：{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&i.code),
            esc(&i.title),
            esc(&i.requirement),
            i.verdict.map(|v| v.label(qingdan_core::Lang::Zh)).unwrap_or(""),
            esc(&i.finding)
        ));
    }
    let mut problems = String::new();
    for (n, i) in d.items.iter().filter(|i| i.verdict == Some(Verdict::Noncompliant)).enumerate() {
        problems.push_str(&format!("<h3>{}. {} {}</h3><p>{}</p><p class=s>依据：{}</p>\n", n + 1, i.code, esc(&i.title), esc(&i.finding), esc(&i.basis)));
    }
    let f = fonts.display();
    format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>执法检查报告</title><style>
@font-face {{ font-family: QSans; src: url("file://{f}/NotoSansSC-Regular.ttf"); }}
@font-face {{ font-family: QSans; font-weight: bold; src: url("file://{f}/NotoSansSC-Bold.ttf"); }}
@font-face {{ font-family: QSerif; src: url("file://{f}/NotoSerifSC-Regular.ttf"); }}
@page {{ size: A4; margin: 25mm 22mm 25mm 25mm; }}
body {{ font-family: QSans; font-size: 9pt; }}
h1 {{ text-align: center; font-size: 20pt; }} h2 {{ font-size: 14pt; break-after: avoid; }} h3 {{ font-size: 11pt; break-after: avoid; }}
p {{ font-family: QSerif; font-size: 11pt; text-indent: 2em; }} p.s {{ font-family: QSans; font-size: 9pt; }}
table {{ border-collapse: collapse; width: 100%; }} thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }} td, th {{ border: 0.5pt solid #000; padding: 3pt; vertical-align: top; }} th {{ background: #e6e6e6; }}
</style></head><body>
<h1>执法检查报告</h1><h2>一、基本情况</h2><p>检查组：第一组；组长：王志强；成员：{members}</p>
<h2>三、逐项检查情况</h2><table><thead><tr><th>编号</th><th>检查内容和要求</th><th>结论</th><th>情况说明</th></tr></thead><tbody>
{rows}</tbody></table><h2>四、发现的问题</h2>{problems}<h2>六、检查结论</h2><p>……</p></body></html>"#,
        members = d.members.join("、")
    )
}

/// Runs a command under /usr/bin/time: (wall seconds, peak RSS in MB).
fn timed(cmd: &[String]) -> (f64, f64) {
    let t = Instant::now();
    let out = Command::new("/usr/bin/time").arg("-f").arg("%M").args(cmd).output().unwrap();
    let wall = t.elapsed().as_secs_f64();
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = stderr.lines().rev().find_map(|l| l.trim().parse().ok()).unwrap_or(0.0);
    (wall, kb / 1024.0)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        let db = Db::open(&args[2]).unwrap();
        let store = qingdan_core::evidence::EvidenceStore::beside(Path::new(&args[2]));
        report::inspection_report(&db, &store, &args[3], Path::new(&args[4])).unwrap();
        return;
    }
    let n: usize = std::env::var("QINGDAN_BENCH_N").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let db_path = dir.path().join("bench.db");
    let id = setup(&db_path);
    let db = Db::open(&db_path).unwrap();
    let store = qingdan_core::evidence::EvidenceStore::beside(&db_path);

    // In process: the first report (font metrics read) and later ones.
    let t = Instant::now();
    let bytes = report::inspection_report_bytes(&db, &store, &id).unwrap();
    let cold = t.elapsed().as_secs_f64();
    let warm = median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                report::inspection_report_bytes(&db, &store, &id).unwrap();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    println!("qingdan in-process: first {:.3} s, then median {:.3} s; {} KB, {} pages", cold, warm, bytes.len() / 1024, report::count_pages(&bytes));

    let me = std::env::current_exe().unwrap().display().to_string();
    let pdf = dir.path().join("ours.pdf");
    let runs: Vec<(f64, f64)> =
        (0..n).map(|_| timed(&[me.clone(), "child".into(), db_path.display().to_string(), id.clone(), pdf.display().to_string()])).collect();
    let size = std::fs::metadata(&pdf).unwrap().len();
    if let Some(keep) = std::env::var_os("QINGDAN_BENCH_KEEP") {
        std::fs::copy(&pdf, Path::new(&keep).join("qingdan.pdf")).unwrap();
    }
    let ours = (median(runs.iter().map(|r| r.0).collect()), median(runs.iter().map(|r| r.1).collect()));
    println!("qingdan process:    median {:.3} s, peak {:.1} MB, {} KB", ours.0, ours.1, size / 1024);

    let chromium = ["chromium", "chromium-browser"].into_iter().find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()));
    let Some(chromium) = chromium else {
        println!("chromium: not installed, skipped (apt-get install chromium)");
        return;
    };
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
    let html_path = dir.path().join("report.html");
    std::fs::write(&html_path, html(&db, &id, &fonts)).unwrap();
    let out = dir.path().join("chromium.pdf");
    let cmd = |p: &Path| -> Vec<String> {
        vec![
            chromium.into(),
            "--headless".into(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--allow-file-access-from-files".into(),
            "--no-pdf-header-footer".into(),
            format!("--user-data-dir={}", dir.path().join("chromium-profile").display()),
            format!("--print-to-pdf={}", p.display()),
            format!("file://{}", html_path.display()),
        ]
    };
    let runs: Vec<(f64, f64)> = (0..n).map(|_| timed(&cmd(&out))).collect();
    let csize = std::fs::metadata(&out).unwrap().len();
    if let Some(keep) = std::env::var_os("QINGDAN_BENCH_KEEP") {
        std::fs::copy(&out, Path::new(&keep).join("chromium.pdf")).unwrap();
        std::fs::copy(&html_path, Path::new(&keep).join("chromium.html")).unwrap();
    }
    let c = (median(runs.iter().map(|r| r.0).collect()), median(runs.iter().map(|r| r.1).collect()));
    println!("chromium process:   median {:.3} s, peak {:.1} MB (main process), {} KB, {} pages", c.0, c.1, csize / 1024, report::count_pages(&std::fs::read(&out).unwrap()));
    println!("speed-up: {:.1}×", c.0 / ours.0);
}
