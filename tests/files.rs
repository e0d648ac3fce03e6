//! Exports and reports saved from the window: written whole into the export
//! folder under a name that says what and when; a refused request leaves no
//! file behind.

use qingdan_app::commands::files;
use qingdan_app::{AppState, ErrorCode};
use qingdan_core::export::{ExportFormat, ExportList};
use qingdan_core::{Db, Lang};

#[test]
fn exports_and_reports_land_in_the_export_folder_and_refusals_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    // The only test in this binary that reads the variable.
    std::env::set_var("QINGDAN_EXPORT_DIR", &exports);
    let db_path = dir.path().join("q.db");
    let mut db = Db::open(&db_path).unwrap();
    qingdan_core::demo::populate(&mut db).unwrap();
    drop(db);
    let state = AppState::open(&db_path, Lang::Zh);

    let saved = files::save_list(&state, ExportList::Content, ExportFormat::Xlsx).unwrap();
    let path = std::path::Path::new(&saved.path);
    assert_eq!(path.parent().unwrap(), exports);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    assert!(name.starts_with("内容清单-") && name.ends_with(".xlsx"), "{name}");
    assert_eq!(saved.rows, Some(117), "66 standards and 51 indicators");
    assert_eq!(&std::fs::read(path).unwrap()[..2], b"PK");

    let summary = files::print_summary(&state, None).unwrap();
    assert!(summary.pages.unwrap() >= 1);
    assert_eq!(&std::fs::read(&summary.path).unwrap()[..5], b"%PDF-");

    let before: Vec<_> = std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().file_name()).collect();
    let e = files::print_inspection(&state, "no-such-inspection").unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = files::print_summary(&state, Some("火星县")).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound, "{}", e.message);
    let e = files::print_summary(&state, Some(&"县".repeat(500))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let after: Vec<_> = std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "refused requests leave no file, not even a temporary one");

    // Opening for a preview: only what the app saved in the exports folder.
    assert_eq!(files::openable(&state, &summary.path).unwrap(), std::path::Path::new(&summary.path).canonicalize().unwrap());
    let escape = format!("{}/../q.db", exports.display());
    std::fs::write(exports.join("notes.txt"), "x").unwrap();
    for bad in ["/etc/passwd", escape.as_str(), &exports.join("notes.txt").display().to_string(), "", "does-not-exist.pdf"] {
        assert!(files::openable(&state, bad).is_err(), "{bad} must not be opened");
    }
}
