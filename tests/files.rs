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

    save_a_copy_where_the_person_chose(&state, &summary.path, dir.path());
}

/// 另存为, after the dialog: the path it gave is where the copy goes. Part of
/// the test above, which owns `QINGDAN_EXPORT_DIR` for this binary.
fn save_a_copy_where_the_person_chose(state: &AppState, saved: &str, home: &std::path::Path) {
    let usb = home.join("U盘");
    std::fs::create_dir(&usb).unwrap();
    let original = std::fs::read(saved).unwrap();

    let copy = files::copy_saved_to(state, saved, &usb.join("检查总结.pdf")).unwrap();
    assert_eq!(copy, usb.join("检查总结.pdf"));
    assert_eq!(std::fs::read(&copy).unwrap(), original);
    // The dialog asked before this name was replaced.
    std::fs::write(&copy, b"older").unwrap();
    files::copy_saved_to(state, saved, &copy).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), original);

    // A name typed without its extension gets it…
    let named = files::copy_saved_to(state, saved, &usb.join("总结")).unwrap();
    assert_eq!(named, usb.join("总结.pdf"));
    // …but never replaces a file the dialog did not ask about.
    std::fs::write(usb.join("旧.pdf"), b"keep me").unwrap();
    let e = files::copy_saved_to(state, saved, &usb.join("旧")).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
    assert!(e.message.contains("已经存在"), "{}", e.message);
    assert_eq!(std::fs::read(usb.join("旧.pdf")).unwrap(), b"keep me");

    // Saving a file onto itself leaves it whole.
    files::copy_saved_to(state, saved, std::path::Path::new(saved)).unwrap();
    assert_eq!(std::fs::read(saved).unwrap(), original);

    let before: Vec<_> = std::fs::read_dir(&usb).unwrap().map(|e| e.unwrap().file_name()).collect();
    for (source, dest) in [
        ("/etc/passwd", usb.join("passwd.pdf")),
        (saved, usb.clone()),
        (saved, std::path::PathBuf::from("relative.pdf")),
        (saved, usb.join("没有的文件夹").join("a.pdf")),
    ] {
        assert!(files::copy_saved_to(state, source, &dest).is_err(), "{source} → {}", dest.display());
    }
    let after: Vec<_> = std::fs::read_dir(&usb).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "a refused copy leaves nothing behind");
}
