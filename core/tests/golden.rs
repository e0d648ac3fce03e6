//! Golden images of the printed documents: a small deterministic 检查报告
//! and 整改通知书 are rendered with poppler's `pdftoppm -r 50 -gray` and
//! compared pixel by pixel with the PNGs committed in `core/tests/golden/`.
//!
//! A pixel counts as changed when its grey differs by more than
//! [`PIXEL_TOLERANCE`] levels (antialiasing differs a little between poppler
//! versions); a page fails when more than [`CHANGED_SHARE`] of its pixels
//! changed, or when its size differs. A moved line, a changed font, a lost
//! table border or a different page break fails. On failure the rendered page
//! and a difference image are written to the test's temporary folder, and the
//! message names them.
//!
//! After an intended change of layout, rewrite the goldens and look at them:
//! `QINGDAN_BLESS=1 cargo test -p qingdan-core --test golden`.
//!
//! Without `pdftoppm` (Debian: `poppler-utils`, installed by scripts/setup.sh)
//! the tests print why and pass.

use std::path::{Path, PathBuf};
use std::process::Command;

use qingdan_core::catalog::{Severity, TargetKind};
use qingdan_core::evidence::EvidenceStore;
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo, report, Db, Env, FixedClock};

const ACTOR: &str = "张建国";
const PIXEL_TOLERANCE: u8 = 48;
const CHANGED_SHARE: f64 = 0.002;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn have_pdftoppm() -> bool {
    Command::new("pdftoppm").arg("-v").output().is_ok()
}

/// The same data every run: the demo registry, a fixed clock and sequential ids.
struct Fixture {
    _dir: tempfile::TempDir,
    db: Db,
    store: EvidenceStore,
    inspection: String,
    facility: String,
}

fn fixture() -> Fixture {
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
        members: vec!["李秀英".into(), "赵国强".into()],
        representatives: vec!["刘建华".into()],
    };
    let d = inspection::start(&mut db, &input, ACTOR).unwrap();
    let id = d.summary.id.clone();
    let nc = |finding: &str, severity| ItemPatch {
        verdict: Some(Some(Verdict::Noncompliant)),
        finding: Some(finding.into()),
        severity: Some(Some(severity)),
        scope: Some(Some(Scope::Partial)),
        ..Default::default()
    };
    for (n, item) in d.items.iter().enumerate() {
        let patch = match n {
            0 => nc("消防通道堆放杂物，二楼安全出口被床垫和轮椅堵塞（现场已责令清理）。", Severity::Major),
            3 => nc("护理员持证上岗率不足50%，部分护理员未参加岗前培训；“一人一档”健康档案缺失。", Severity::Serious),
            9 => nc("食堂留样记录不完整，5月份有3天未留样。", Severity::General),
            5 => ItemPatch { verdict: Some(Some(Verdict::Partial)), finding: Some("应急预案已制定，但未按季度组织演练。".into()), ..Default::default() },
            7 => ItemPatch { verdict: Some(Some(Verdict::NotApplicable)), na_reason: Some("本机构未设医务室。".into()), ..Default::default() },
            _ => ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() },
        };
        inspection::record(&mut db, &id, &item.code, &patch, &[], ACTOR).unwrap();
    }
    inspection::add_suggestion(&mut db, &id, None, "建议县民政局对全县养老机构消防设施开展一次全面排查。", ACTOR).unwrap();
    inspection::sign(&mut db, &id, &["王志强".into(), "李秀英".into()], "刘建华", None, ACTOR).unwrap();
    Fixture { _dir: dir, db, store, inspection: id, facility }
}

/// Renders `pages` of `pdf` at 50 dpi in greyscale; one PNG per page.
fn render(pdf: &[u8], dir: &Path, name: &str, pages: &[u32]) -> Vec<PathBuf> {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    pages
        .iter()
        .map(|p| {
            let prefix = dir.join(format!("{name}-{p}"));
            let ps = p.to_string();
            let out = Command::new("pdftoppm")
                .args(["-r", "50", "-gray", "-png", "-singlefile", "-f", &ps, "-l", &ps])
                .arg(&file)
                .arg(&prefix)
                .output()
                .unwrap();
            assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
            prefix.with_extension("png")
        })
        .collect()
}

/// Compares a rendered page with its golden (or rewrites the golden with
/// `QINGDAN_BLESS=1`). Returns a description of the difference, if any.
fn compare(rendered: &Path, golden_name: &str) -> Option<String> {
    let golden = golden_dir().join(golden_name);
    let got = quantize(image::open(rendered).unwrap().to_luma8());
    if std::env::var_os("QINGDAN_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(golden_dir()).unwrap();
        save_small(&got, &golden);
        println!("blessed {}", golden.display());
        return None;
    }
    let Ok(want) = image::open(&golden) else {
        return Some(format!("{} is missing; run with QINGDAN_BLESS=1 to create it", golden.display()));
    };
    let want = want.to_luma8();
    if want.dimensions() != got.dimensions() {
        return Some(format!("{golden_name}: size {:?}, golden {:?} (rendered: {})", got.dimensions(), want.dimensions(), rendered.display()));
    }
    let mut diff = image::GrayImage::new(want.width(), want.height());
    let mut changed = 0usize;
    for (x, y, w) in want.enumerate_pixels() {
        let g = got.get_pixel(x, y);
        let d = w.0[0].abs_diff(g.0[0]);
        if d > PIXEL_TOLERANCE {
            changed += 1;
            diff.put_pixel(x, y, image::Luma([0]));
        } else {
            diff.put_pixel(x, y, image::Luma([255 - d / 2]));
        }
    }
    let share = changed as f64 / (want.width() * want.height()) as f64;
    if share > CHANGED_SHARE {
        let diff_path = rendered.with_extension("diff.png");
        diff.save(&diff_path).unwrap();
        return Some(format!(
            "{golden_name}: {changed} pixels ({:.2} %) differ by more than {PIXEL_TOLERANCE} levels (allowed {:.2} %); rendered {}, difference {}",
            share * 100.0,
            CHANGED_SHARE * 100.0,
            rendered.display(),
            diff_path.display()
        ));
    }
    None
}

/// 16 grey levels: enough to see antialiased text, and a page of it
/// compresses to about 20 KB instead of 100 KB.
fn quantize(mut img: image::GrayImage) -> image::GrayImage {
    for p in img.pixels_mut() {
        p.0[0] = ((f32::from(p.0[0]) / 17.0).round() * 17.0) as u8;
    }
    img
}

fn save_small(img: &image::GrayImage, path: &Path) {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    PngEncoder::new_with_quality(file, CompressionType::Best, FilterType::Adaptive)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::L8)
        .unwrap();
}

fn check(pdf: &[u8], name: &str, pages: &[u32]) {
    let out = tempfile::Builder::new().prefix("golden-").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap().keep();
    let rendered = render(pdf, &out, name, pages);
    let failures: Vec<String> = rendered.iter().zip(pages).filter_map(|(r, p)| compare(r, &format!("{name}-{p}.png"))).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn the_inspection_report_looks_as_it_did() {
    if !have_pdftoppm() {
        println!("skipped: pdftoppm is not installed (apt-get install poppler-utils)");
        return;
    }
    let f = fixture();
    let pdf = report::inspection_report_bytes(&f.db, &f.store, &f.inspection).unwrap();
    let pages = report::count_pages(&pdf);
    assert!(pages >= 3, "{pages} pages");
    // The first page (title, target, statistics), the start of the checklist
    // and the last page (problems, suggestions, signatures).
    check(&pdf, "inspection", &[1, 2, pages]);
}

#[test]
fn the_notice_looks_as_it_did() {
    if !have_pdftoppm() {
        println!("skipped: pdftoppm is not installed (apt-get install poppler-utils)");
        return;
    }
    let f = fixture();
    let pdf = report::notice_bytes(&f.db, &f.facility, Some("洛人大监〔2024〕12号"), Some("洛阳市人大常委会养老服务联动监督办公室")).unwrap();
    // Three problems: the body runs to three pages, the attachment is the fourth.
    assert_eq!(report::count_pages(&pdf), 4);
    check(&pdf, "notice", &[1, 2, 3, 4]);
}

/// The comparison itself must be able to fail: a page with one line of text
/// moved is told apart from the golden.
#[test]
fn a_moved_line_fails_the_comparison() {
    if !have_pdftoppm() {
        println!("skipped: pdftoppm is not installed (apt-get install poppler-utils)");
        return;
    }
    if std::env::var_os("QINGDAN_BLESS").is_some() {
        return;
    }
    let golden = golden_dir().join("notice-1.png");
    let Ok(img) = image::open(&golden) else { return };
    let mut moved = img.to_luma8();
    let (w, h) = moved.dimensions();
    // Shift the upper half of the page down by 4 pixels (2 mm at 50 dpi).
    for y in (4..h / 2).rev() {
        for x in 0..w {
            let p = *moved.get_pixel(x, y - 4);
            moved.put_pixel(x, y, p);
        }
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("moved.png");
    moved.save(&path).unwrap();
    assert!(compare(&path, "notice-1.png").is_some(), "a 2 mm shift must not pass");
    // And the golden compared with itself passes.
    assert_eq!(compare(&golden, "notice-1.png"), None);
}
