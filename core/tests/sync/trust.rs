//! A trusted laptop in the wrong hands: its bundles are signed, yet every
//! change in them is held to the app's own rules, and one refused change
//! refuses the file with the database byte for byte as it was.

use super::*;

/// A signed inspection with one 不符合 item (so one problem) on `a`, and `b` holding it all.
fn signed_on_both() -> (Laptop, Laptop, String, String) {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    let code = first_codes(&a, &id, 1)[0].clone();
    a.set_finding(&id, &code, "消防通道堆放杂物");
    for c in first_codes(&a, &id, 200).into_iter().skip(1) {
        let p = ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() };
        inspection::record(&mut a.db, &id, &c, &p, &[], "王志强").unwrap();
    }
    inspection::sign(&mut a.db, &id, &["王志强".into()], "赵院长", None, "王志强").unwrap();
    b.import(&a.export("signed.qingdan")).unwrap();
    (a, b, id, code)
}

/// What `a` writes behind the app's back, straight into its database (the
/// recording triggers still turn it into signed operations), exported.
fn misuse(a: &mut Laptop, name: &str, sql: &str) -> PathBuf {
    a.clock.advance(Duration::seconds(1));
    a.db.conn().execute_batch(sql).unwrap();
    a.export(name)
}

fn refused_as_it_was(b: &mut Laptop, file: &Path, want: &str) -> String {
    let (dump, bytes) = (b.dump(), b.file_bytes());
    let err = b.import(file).expect_err("must be refused");
    let msg = err.to_string();
    assert!(msg.contains(want), "expected “{want}” in: {msg}");
    assert!(msg.contains(&file.display().to_string()), "the message names the file: {msg}");
    assert_eq!(b.dump(), dump, "{want}: nothing changed");
    assert_eq!(b.file_bytes(), bytes, "{want}: the database file is byte for byte the same");
    msg
}

#[test]
fn an_item_of_a_signed_inspection_is_not_rewritten_without_a_correction() {
    let (mut a, mut b, id, code) = signed_on_both();
    let f = misuse(&mut a, "rewrite.qingdan", &format!("UPDATE inspection_item SET finding = '已整改' WHERE inspection_id = '{id}' AND item_code = '{code}'"));
    let msg = refused_as_it_was(&mut b, &f, "已签字确认的检查");
    assert!(msg.contains(&code), "names the item: {msg}");
    assert_eq!(b.finding(&id, &code), "消防通道堆放杂物");
}

#[test]
fn a_correction_with_its_reason_goes_through() {
    let (mut a, mut b, id, code) = signed_on_both();
    let patch = ItemPatch { finding: Some("消防通道堆放杂物，已当场清理".into()), amend_reason: Some("补记现场处理情况".into()), ..Default::default() };
    a.clock.advance(Duration::seconds(1));
    inspection::record(&mut a.db, &id, &code, &patch, &[], "王志强").unwrap();
    b.import(&a.export("amended.qingdan")).unwrap();
    assert_eq!(b.finding(&id, &code), "消防通道堆放杂物，已当场清理");
}

#[test]
fn a_signed_inspection_is_not_set_back_to_a_draft() {
    let (mut a, mut b, id, _) = signed_on_both();
    let f = misuse(&mut a, "draft.qingdan", &format!("UPDATE inspection SET status = 'draft' WHERE id = '{id}'"));
    refused_as_it_was(&mut b, &f, "不能改回“检查中”");
}

#[test]
fn a_signed_inspection_is_not_deleted() {
    let (mut a, mut b, id, _) = signed_on_both();
    let f = misuse(
        &mut a,
        "delete.qingdan",
        &format!(
            "PRAGMA foreign_keys = OFF; DELETE FROM problem_finding WHERE inspection_id = '{id}'; DELETE FROM inspection WHERE id = '{id}'; PRAGMA foreign_keys = ON;"
        ),
    );
    refused_as_it_was(&mut b, &f, "不能删除");
    assert!(inspection::show(&b.db, &id).is_ok());
}

#[test]
fn a_problem_is_not_closed_without_a_verification() {
    let (mut a, mut b, _, _) = signed_on_both();
    let f = misuse(&mut a, "close.qingdan", "UPDATE problem SET status = 'closed', closed_on = '2024-05-21'");
    let msg = refused_as_it_was(&mut b, &f, "销号须经核验");
    assert!(msg.contains("WT"), "names the problem by its number: {msg}");
}

#[test]
fn the_legal_basis_of_a_pinned_catalog_is_not_rewritten() {
    let (mut a, mut b, _, code) = signed_on_both();
    let f = misuse(&mut a, "basis.qingdan", &format!("UPDATE catalog_item SET basis = '无' WHERE code = '{code}'"));
    refused_as_it_was(&mut b, &f, "内容清单的版本一经导入不可更改");
}

#[test]
fn a_two_million_character_finding_is_refused() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    let code = first_codes(&a, &id, 1)[0].clone();
    b.import(&a.export("draft.qingdan")).unwrap();
    let f = misuse(&mut a, "long.qingdan", &format!("UPDATE inspection_item SET finding = '{}' WHERE inspection_id = '{id}' AND item_code = '{code}'", "长".repeat(2_000_000)));
    refused_as_it_was(&mut b, &f, "超过上限 2000");
}

#[test]
fn the_history_of_a_problem_is_not_deleted() {
    let (mut a, mut b, _, _) = signed_on_both();
    let f = misuse(&mut a, "history.qingdan", "DELETE FROM problem_event");
    refused_as_it_was(&mut b, &f, "只能新增，不能修改或删除");
}

#[test]
fn a_refused_file_leaves_no_trust_and_no_photo_behind() {
    let mut b = laptop(1);
    let mut c = laptop(2);
    let id = c.start();
    let code = first_codes(&c, &id, 1)[0].clone();
    let photo = qingdan_core::evidence::check_bytes(&png(), "通道.png", "evidence").unwrap();
    let sha = photo.attachment().sha256.clone();
    let patch = ItemPatch { verdict: Some(Some(Verdict::Noncompliant)), ..Default::default() };
    inspection::record_with_files(&mut c.db, &c.store, &id, &code, &patch, vec![photo], "王志强").unwrap();
    let f = misuse(&mut c, "bad.qingdan", &format!("UPDATE inspection_item SET na_reason = '{}' WHERE inspection_id = '{id}'", "理".repeat(501)));
    let peers_before = sync::device::peers(&b.db).unwrap();
    let (dump, bytes) = (b.dump(), b.file_bytes());
    let err = b.import(&f).expect_err("refused although the person trusts the device");
    assert!(err.to_string().contains("超过上限 500"), "{err}");
    assert_eq!(sync::device::peers(&b.db).unwrap(), peers_before, "no trust left behind");
    assert!(!b.store.path(&sha, qingdan_core::evidence::Variant::Original).exists(), "no photo left behind");
    assert_eq!((b.dump(), b.file_bytes()), (dump, bytes));
}
