//! Printing from the window beyond the inspection report and the summary:
//! the 整改通知书 of a problem's target, the filtered lists, and every
//! inspection report of a county in one run with its progress. Written into
//! the export folder; bounded before anything is written.

use qingdan_app::commands::files;
use qingdan_app::{AppState, ErrorCode};
use qingdan_core::export::ExportList;
use qingdan_core::problem::{ProblemFilter, Status};
use qingdan_core::{Db, Env, Lang};

/// The notice, the list print and the batch print from the window: written
/// into the export folder, bounded before anything is written.
#[test]
fn notices_list_prints_and_a_county_batch_land_in_the_export_folder() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    let db_path = dir.path().join("q.db");
    let today = chrono::Utc::now();
    let (env, clock) = Env::fixed(today);
    let mut db = Db::open_with(&db_path, env).unwrap();
    qingdan_core::demo::populate(&mut db).unwrap();
    qingdan_core::demo::populate_campaign(&mut db, &clock, today).unwrap();
    drop(db);
    // The only test in this binary: the variable is the process's.
    std::env::set_var("QINGDAN_EXPORT_DIR", &exports);
    let state = AppState::open(&db_path, Lang::Zh);

    // 整改通知书 to a target with a problem to rectify.
    let target = state
        .read(|db| qingdan_core::problem::list(db, &ProblemFilter { statuses: vec![Status::Pending], ..Default::default() }))
        .unwrap()
        .into_iter()
        .find_map(|r| r.target_id)
        .expect("the demo campaign has problems 待整改 with a target");
    let notice = files::print_notice(&state, &target, Some("洛人大监〔2024〕12号"), None).unwrap();
    assert!(std::path::Path::new(&notice.path).file_name().unwrap().to_string_lossy().starts_with("整改通知书-"));
    assert!(notice.pages.unwrap() >= 2, "body and the attached problem list");
    assert_eq!(&std::fs::read(&notice.path).unwrap()[..5], b"%PDF-");

    // The list as the view filters it.
    let list = files::print_list(&state, ExportList::Rectification, &ProblemFilter { statuses: vec![Status::InProgress], ..Default::default() }).unwrap();
    assert!(std::path::Path::new(&list.path).file_name().unwrap().to_string_lossy().starts_with("整改清单-"));

    // Every signed inspection of a county, one file each, progress after each.
    let county = state.read(qingdan_core::registry::counties).unwrap()[0].name.clone();
    let mut progress = Vec::new();
    let batch = files::print_county_inspections(&state, &county, &mut |p| progress.push((p.done, p.total))).unwrap();
    assert!(batch.files >= 1);
    assert_eq!(progress.last(), Some(&(batch.files, batch.files)));
    let folder = std::path::Path::new(&batch.folder);
    assert_eq!(folder.parent().unwrap(), exports);
    assert_eq!(std::fs::read_dir(folder).unwrap().count() as u32, batch.files);

    // Refused before anything is written.
    let before: Vec<_> = std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files::print_notice(&state, &"x".repeat(65), None, None).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(files::print_notice(&state, &target, Some(&"号".repeat(300)), None).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(files::print_list(&state, ExportList::Content, &ProblemFilter::default()).unwrap_err().code, ErrorCode::InvalidInput);
    let e = files::print_list(&state, ExportList::Closeout, &ProblemFilter { statuses: vec![Status::Pending], ..Default::default() }).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
    let e = files::print_list(&state, ExportList::Problems, &ProblemFilter { search: Some("字".repeat(500)), ..Default::default() }).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(files::print_county_inspections(&state, "", &mut |_| {}).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(files::print_county_inspections(&state, &"县".repeat(65), &mut |_| {}).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(files::print_county_inspections(&state, "火星县", &mut |_| {}).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(files::print_county_inspections(&state, "../../etc", &mut |_| {}).unwrap_err().code, ErrorCode::NotFound);
    let after: Vec<_> = std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "refused requests leave no file or folder");
}
