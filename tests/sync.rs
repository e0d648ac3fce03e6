//! 同步 from the window, without one: a bundle written by one laptop into the
//! folder of saved files is listed and checked by another, refused until its
//! device is trusted with the fingerprint the person compared, imported with
//! progress, and its records carry their audit trail. Names that are not plain
//! `.qingdan` files of the folder are refused before anything is read.

use std::path::Path;

use qingdan_app::commands::inspection;
use qingdan_app::commands::sync::{self as cmd, SyncScope};
use qingdan_app::{AppState, ErrorCode};
use qingdan_core::inspection::{InspectionKind, ItemPatch, StartInspection};
use qingdan_core::{Db, Lang};

fn demo_state(path: &Path) -> AppState {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut db = Db::open(path).unwrap();
    qingdan_core::demo::populate(&mut db).unwrap();
    drop(db);
    AppState::open(path, Lang::Zh)
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    v.sort();
    v
}

#[test]
fn a_bundle_of_another_laptop_is_listed_trusted_by_fingerprint_and_imported() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    // The only test in this binary that reads the variable.
    std::env::set_var("QINGDAN_EXPORT_DIR", &exports);
    let a = demo_state(&dir.path().join("a").join("q.db"));
    let b = demo_state(&dir.path().join("b").join("q.db"));

    let a_dev = cmd::set_device_name(&a, "第一组/笔记本").unwrap();
    assert_eq!(a_dev.name, "第一组/笔记本");
    assert_eq!(cmd::device(&a).unwrap(), a_dev);
    assert_eq!(cmd::set_device_name(&a, "  ").unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(cmd::set_device_name(&a, &"名".repeat(51)).unwrap_err().code, ErrorCode::InvalidInput);

    let exported = cmd::export_bundle(&a, &SyncScope::All).unwrap();
    assert!(
        exported.name.starts_with("同步-第一组_笔记本-") && exported.name.ends_with(".qingdan"),
        "{}",
        exported.name
    );
    assert_eq!(Path::new(&exported.path).parent().unwrap(), exports);
    assert!(exported.ops > 100 && exported.bytes > 0);
    let second = cmd::export_bundle(&a, &SyncScope::All).unwrap();
    assert_ne!(second.name, exported.name, "a second export in the same second gets a name of its own");
    std::fs::remove_file(&second.path).unwrap();

    let refused_scopes = [
        SyncScope::Peer { peer: String::new() },
        SyncScope::County { county: "县".repeat(100) },
        SyncScope::Inspection { inspection: "x\u{7}".into() },
    ];
    for scope in &refused_scopes {
        assert_eq!(cmd::export_bundle(&a, scope).unwrap_err().code, ErrorCode::InvalidInput, "{scope:?}");
    }
    assert_eq!(
        cmd::export_bundle(&a, &SyncScope::Peer { peer: "0190f0f0-0000-7000-8000-000000000000".into() })
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(names(&exports), std::slice::from_ref(&exported.name), "refused exports leave no file");

    // A's own file is its own; on B it is a stranger's.
    assert!(cmd::list_files(&a).unwrap().files[0].own);
    let listed = cmd::list_files(&b).unwrap();
    assert_eq!(Path::new(&listed.folder), exports);
    let file = listed.files.iter().find(|f| f.name == exported.name).expect("the bundle is listed");
    let info = file.info.as_ref().expect("it reads");
    assert!(!file.own && !info.trusted && !info.imported);
    assert_eq!(
        (info.device_name.as_str(), info.fingerprint.as_str()),
        (a_dev.name.as_str(), a_dev.fingerprint.as_str())
    );
    assert_eq!(cmd::peek(&b, &exported.name).unwrap(), *info);

    let before = cmd::conflicts(&b).unwrap();
    let mut heard = Vec::new();
    let e = cmd::import_file(&b, &exported.name, None, &mut |p| heard.push(p)).unwrap_err();
    assert_eq!(e.code, ErrorCode::UntrustedDevice, "{}", e.message);
    assert!(e.message.contains(&a_dev.fingerprint), "{}", e.message);
    let e =
        cmd::import_file(&b, &exported.name, Some("0000 0000 0000 0000 0000 0000 0000 0000"), &mut |_| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.problems[0].field.as_deref(), Some("trust_fingerprint"));
    assert!(cmd::peers(&b).unwrap().is_empty(), "nothing was trusted");
    assert!(heard.is_empty());

    let mut stages = Vec::new();
    let report = cmd::import_file(&b, &exported.name, Some(&a_dev.fingerprint), &mut |p| stages.push(p.stage)).unwrap();
    assert!(report.newly_trusted && !report.already_imported);
    assert_eq!(stages.last().map(String::as_str), Some("done"));
    assert_eq!(report.device_name, a_dev.name);
    let facility = report.tables.iter().find(|t| t.table == "facility").expect("facilities travel");
    assert_eq!(facility.record, "机构");
    let order: Vec<&str> = report.tables.iter().map(|t| t.table.as_str()).collect();
    assert!(order.iter().position(|t| *t == "jurisdiction") < order.iter().position(|t| *t == "facility"), "{order:?}");
    let peers = cmd::peers(&b).unwrap();
    assert_eq!((peers.len(), peers[0].device_id.as_str()), (1, a_dev.id.as_str()));
    assert_eq!(cmd::conflicts(&b).unwrap().len(), before.len());

    let again = cmd::import_file(&b, &exported.name, None, &mut |_| {}).unwrap();
    assert!(again.already_imported, "the same file again changes nothing");
    assert!(cmd::peek(&b, &exported.name).unwrap().imported);

    // The audit trail names the device and the file that brought a change.
    let facility = qingdan_app::commands::registry::facilities(&b, &Default::default()).unwrap().remove(0);
    let trail = cmd::history(&b, "facility", &facility.id).unwrap();
    assert!(
        trail.iter().any(|h| h.bundle.as_deref() == Some(exported.name.as_str()) && h.device_name == a_dev.name),
        "{trail:?}"
    );
    let csv = cmd::export_history(&b, "facility", &facility.id).unwrap();
    assert_eq!(csv.rows, Some(trail.len() as u32));
    let text = std::fs::read_to_string(&csv.path).unwrap();
    assert!(text.starts_with("\u{feff}时间,设备,"), "{text}");
    assert!(text.contains(&exported.name));
    assert_eq!(Path::new(&csv.path).parent().unwrap(), exports);

    two_laptops_change_one_finding_and_a_person_keeps_one(&a, &b, &a_dev.id, &facility.id);

    // A damaged file is listed with the reason, and refused whole.
    std::fs::write(exports.join("损坏.qingdan"), b"not a zip at all").unwrap();
    let damaged = cmd::list_files(&b).unwrap().files.into_iter().find(|f| f.name == "损坏.qingdan").unwrap();
    assert!(damaged.info.is_none() && damaged.error.is_some() && !damaged.own);
    let before = cmd::peers(&b).unwrap();
    assert!(cmd::import_file(&b, "损坏.qingdan", Some(&a_dev.fingerprint), &mut |_| {}).is_err());
    assert_eq!(cmd::peers(&b).unwrap(), before);

    only_plain_qingdan_names_of_the_folder_are_read(&dir.path().join("b"), &b);
    files_from_elsewhere_are_copied_into_the_folder(dir.path(), &exports, &b, &exported.path);
}

/// 添加其他位置的文件, after the open dialog: the chosen files are copied
/// into the folder, all checked before any is copied. Part of the test above.
fn files_from_elsewhere_are_copied_into_the_folder(home: &Path, exports: &Path, b: &AppState, bundle: &str) {
    let usb = home.join("U盘");
    std::fs::create_dir_all(&usb).unwrap();
    let bytes = std::fs::read(bundle).unwrap();
    std::fs::write(usb.join("第二组.qingdan"), &bytes).unwrap();
    std::fs::write(usb.join(".隐藏.qingdan"), &bytes).unwrap();

    let before = names(exports);
    // One bad file among the chosen: nothing is copied.
    std::fs::write(usb.join("说明.txt"), b"x").unwrap();
    for bad in [vec![usb.join("第二组.qingdan"), usb.join("说明.txt")], vec![usb.clone()], vec![usb.join("没有.qingdan")]] {
        assert!(cmd::receive_files(b, &bad).is_err(), "{bad:?}");
        assert_eq!(names(exports), before, "{bad:?}");
    }
    let too_many: Vec<_> = (0..=cmd::MAX_RECEIVED_FILES).map(|_| usb.join("第二组.qingdan")).collect();
    assert_eq!(cmd::receive_files(b, &too_many).unwrap_err().code, ErrorCode::InvalidInput);

    let got = cmd::receive_files(b, &[usb.join("第二组.qingdan"), usb.join(".隐藏.qingdan")]).unwrap();
    assert_eq!(got, ["第二组.qingdan", "隐藏.qingdan"], "a leading dot would hide the file from the list");
    for name in &got {
        assert_eq!(std::fs::read(exports.join(name)).unwrap(), bytes);
        assert!(cmd::peek(b, name).is_ok(), "{name} is read from the folder like any other");
    }
    // The same file again is not copied twice; another file of that name does not replace it.
    assert_eq!(cmd::receive_files(b, &[usb.join("第二组.qingdan")]).unwrap(), ["第二组.qingdan"]);
    std::fs::write(usb.join("第二组.qingdan"), b"another file").unwrap();
    assert_eq!(cmd::receive_files(b, &[usb.join("第二组.qingdan")]).unwrap(), ["第二组-2.qingdan"]);
    assert_eq!(std::fs::read(exports.join("第二组.qingdan")).unwrap(), bytes);
    assert_eq!(b.last_folder().as_deref(), Some(usb.as_path()), "the next dialog opens where the person was");
}

/// Part of the test above: a finding both laptops changed differently is a
/// conflict with both values, until a person keeps one.
fn two_laptops_change_one_finding_and_a_person_keeps_one(a: &AppState, b: &AppState, a_id: &str, facility: &str) {
    let start = StartInspection {
        target_id: facility.into(),
        kind: InspectionKind::LawEnforcement,
        date: "2024-05-20".into(),
        group: "第一组".into(),
        leader: "张三".into(),
        members: vec![],
        representatives: vec![],
    };
    let started = inspection::start(a, &start).unwrap();
    let code = started.items[0].code.clone();
    let finding = |text: &str| ItemPatch { finding: Some(text.into()), ..Default::default() };
    inspection::record(a, &started.summary.id, &code, &finding("消防通道堵塞")).unwrap();
    let bring = |from: &AppState, to: &AppState| {
        let f = cmd::export_bundle(from, &SyncScope::Inspection { inspection: started.summary.id.clone() }).unwrap();
        cmd::import_file(to, &f.name, None, &mut |_| {}).unwrap()
    };
    bring(a, b);
    inspection::record(a, &started.summary.id, &code, &finding("消防通道堵塞，灭火器过期")).unwrap();
    inspection::record(b, &started.summary.id, &code, &finding("消防通道堵塞，已当场清理")).unwrap();
    let report = bring(a, b);
    assert_eq!(report.total.conflicts, 1, "{report:?}");

    let open = cmd::conflicts(b).unwrap();
    let c =
        open.iter().find(|c| c.table == "inspection_item" && c.field == "finding").expect("the finding is contested");
    assert_eq!((c.record.as_str(), c.values.len()), ("检查条目", 2));
    let from_a = c.values.iter().find(|v| v.device_id == a_id).expect("A's value");
    assert_eq!(from_a.value, "消防通道堵塞，灭火器过期");
    assert!(from_a.at.is_some());
    assert_eq!(
        cmd::resolve(b, &c.table, &c.row, &c.field, "not-an-op").unwrap_err().code,
        ErrorCode::InvalidInput,
        "only one of its values can be kept"
    );
    let left = cmd::resolve(b, &c.table, &c.row, &c.field, &from_a.op_id).unwrap();
    assert!(!left.iter().any(|x| x.row == c.row && x.field == c.field));
    let shown = inspection::show(b, &started.summary.id).unwrap();
    assert_eq!(shown.items.iter().find(|i| i.code == code).unwrap().finding, "消防通道堵塞，灭火器过期");
}

/// Part of the test above, which owns `QINGDAN_EXPORT_DIR` for this binary.
fn only_plain_qingdan_names_of_the_folder_are_read(b_dir: &Path, b: &AppState) {
    // Outside the folder, where a path could point.
    std::fs::write(b_dir.join("x.qingdan"), b"PK").unwrap();
    for bad in
        ["../b/x.qingdan", "../b/q.db", "/etc/passwd", "b\\x.qingdan", "q.db", ".x.qingdan", "", "x\u{0}.qingdan"]
    {
        for e in [cmd::peek(b, bad).unwrap_err(), cmd::import_file(b, bad, None, &mut |_| {}).unwrap_err()] {
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad:?}: {}", e.message);
        }
    }
    // A plain name that is not there.
    assert_eq!(cmd::peek(b, "没有这个文件.qingdan").unwrap_err().code, ErrorCode::NotFound);
    for (table, row) in
        [("inspection; DROP TABLE x", "1"), ("", "1"), ("inspection", ""), ("inspection", &"a".repeat(400))]
    {
        assert_eq!(cmd::history(b, table, row).unwrap_err().code, ErrorCode::InvalidInput, "{table:?} {row:?}");
    }
    assert_eq!(cmd::history(b, "nonesuch", "1").unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(
        cmd::resolve(b, "inspection", "x", "Verdict", "y").unwrap_err().code,
        ErrorCode::InvalidInput,
        "a field name is lower case"
    );
    assert_eq!(cmd::resolve(b, "inspection", "x", "status", "y").unwrap_err().code, ErrorCode::NotFound);
}
