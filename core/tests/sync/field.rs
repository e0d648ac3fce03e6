//! The faults field laptops really meet: a laptop restored from a backup,
//! clocks set to 2000 or 2036, two laptops that gave out the same problem
//! number, a photo that rotted on disk, a file that is not a file, a relay
//! through the supervisor, and a lost laptop that is revoked.

use super::*;
use qingdan_core::problem::{self, NewProblem, Source};
use qingdan_core::sync::roster::{Change, Role};

/// Two laptops that trust each other, with one inspection both hold.
fn pair() -> (Laptop, Laptop, String, Vec<String>) {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    b.import(&a.export("start.qingdan")).unwrap();
    a.import(&b.export("hello.qingdan")).unwrap();
    let codes = first_codes(&a, &id, 4);
    (a, b, id, codes)
}

// ---- 3. restored laptops ------------------------------------------------------

#[test]
fn a_laptop_restored_from_a_backup_loses_nothing_and_every_save_succeeds() {
    let (mut a, mut b, id, codes) = pair();
    a.set_finding(&id, &codes[0], "备份前的记录");
    let backup = a.dir.path().join("backup.db");
    back_up_to(&a, &backup);
    // Work after the backup reaches b …
    a.set_finding(&id, &codes[1], "备份后、恢复前的记录");
    b.import(&a.export("after-backup.qingdan")).unwrap();
    // … then the disk fails and the backup is restored: those changes are gone from a.
    restore_from(&mut a, &backup);
    assert_eq!(a.finding(&id, &codes[1]), "");
    // Work goes on; every save succeeds.
    a.set_finding(&id, &codes[2], "恢复后的记录");
    a.set_finding(&id, &codes[1], "恢复后重新填写");
    // b sends back what a lost; a recognises its own changes and says so.
    let back = a.import(&b.export("to-restored.qingdan")).unwrap();
    assert!(back.own_returned > 0, "a is told that its own changes came back: {back:?}");
    assert_eq!(a.finding(&id, &codes[0]), "备份前的记录");
    b.import(&a.export("after-restore.qingdan")).unwrap();
    a.import(&b.export("final.qingdan")).unwrap();
    for l in [&a, &b] {
        assert_eq!(l.finding(&id, &codes[0]), "备份前的记录");
        assert_eq!(l.finding(&id, &codes[2]), "恢复后的记录");
        assert_eq!(l.finding(&id, &codes[1]), "恢复后重新填写", "the change made after seeing the old one wins");
    }
    assert_eq!(a.dump()["tables"]["inspection_item"], b.dump()["tables"]["inspection_item"]);
}

#[test]
fn a_cloned_laptop_records_in_a_chain_of_its_own() {
    let (mut a, mut b, id, codes) = pair();
    let image = a.dir.path().join("image.db");
    back_up_to(&a, &image);
    // The same disk image runs on two machines: a, and a copy beside it.
    let (env, _clock) = Env::fixed(FixedClock::default_test_time() + Duration::minutes(9));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&image, dir.path().join("qingdan.db")).unwrap();
    let key = sync::device::key_path(a.db.path().unwrap());
    std::fs::copy(&key, sync::device::key_path(&dir.path().join("qingdan.db"))).unwrap();
    let store = EvidenceStore::beside(&dir.path().join("qingdan.db"));
    let mut twin = Laptop { db: Db::open_with(dir.path().join("qingdan.db"), env).unwrap(), clock: _clock, dir, store };
    a.set_finding(&id, &codes[0], "原机的记录");
    twin.set_finding(&id, &codes[1], "克隆机的记录");
    b.import(&a.export("a.qingdan")).unwrap();
    b.import(&twin.export("twin.qingdan")).expect("the clone's numbers do not collide with the original's");
    assert_eq!(b.finding(&id, &codes[0]), "原机的记录");
    assert_eq!(b.finding(&id, &codes[1]), "克隆机的记录");
}

// ---- 4. clocks -------------------------------------------------------------------

#[test]
fn a_stamp_far_ahead_is_refused_naming_the_device_and_its_clock() {
    let (mut a, mut b, id, codes) = pair();
    a.clock.advance(Duration::days(365 * 12)); // a year typed as 2036
    a.set_finding(&id, &codes[0], "时钟错误时的记录");
    let f = a.export("2036.qingdan");
    let (dump, bytes) = (b.dump(), b.file_bytes());
    let msg = b.import(&f).expect_err("refused").to_string();
    assert!(msg.contains("超前过多") && msg.contains("2036-"), "{msg}");
    assert!(msg.contains("本机时钟（2024-05-20"), "names this laptop's clock: {msg}");
    assert!(msg.contains(&f.display().to_string()), "{msg}");
    assert_eq!((b.dump(), b.file_bytes()), (dump, bytes), "nothing changed");
    // a's own clock tells it before it records more.
    assert_eq!(a.db.clock_warning().unwrap().map(|w| w.fault), Some(qingdan_core::db::hlc::ClockFault::FarAhead));
}

#[test]
fn a_clock_a_day_fast_is_still_taken() {
    let (mut a, mut b, id, codes) = pair();
    a.clock.advance(Duration::hours(30));
    a.set_finding(&id, &codes[0], "快一天的时钟");
    b.import(&a.export("fast.qingdan")).unwrap();
    assert_eq!(b.finding(&id, &codes[0]), "快一天的时钟");
}

#[test]
fn a_change_made_after_receiving_a_record_wins_over_it_whatever_the_clocks() {
    let (mut a, mut b, id, codes) = pair();
    // a's clock runs 30 hours fast; b's is right.
    a.clock.advance(Duration::hours(30));
    a.set_finding(&id, &codes[0], "甲先记录");
    b.import(&a.export("a.qingdan")).unwrap();
    // b sees a's record and corrects it, by its own clock earlier.
    b.set_finding(&id, &codes[0], "乙看过后更正");
    a.import(&b.export("b.qingdan")).unwrap();
    for l in [&a, &b] {
        assert_eq!(l.finding(&id, &codes[0]), "乙看过后更正");
        assert!(sync::conflicts::list(&l.db).unwrap().is_empty(), "a correction made after seeing is no conflict");
    }
}

#[test]
fn a_laptop_whose_clock_went_back_to_2000_warns_and_keeps_syncing() {
    let (mut a, mut b, id, codes) = pair();
    b.clock.set(chrono::DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z").unwrap().to_utc());
    let w = b.db.clock_warning().unwrap().expect("a clock at 2000 is called wrong");
    assert_eq!(w.fault, qingdan_core::db::hlc::ClockFault::BeforeEarliest);
    assert!(w.zh.contains("2000-01-01 08:00") && w.zh.contains("校准"), "{}", w.zh);
    // Its own last stamp vouches for the time: a's bundle of today is taken.
    a.set_finding(&id, &codes[0], "甲的记录");
    b.import(&a.export("a.qingdan")).unwrap();
    b.set_finding(&id, &codes[0], "乙在时钟回到 2000 年时更正");
    a.import(&b.export("b.qingdan")).unwrap();
    assert_eq!(a.finding(&id, &codes[0]), "乙在时钟回到 2000 年时更正", "its later change still sorts later");
    assert_eq!(a.db.clock_warning().unwrap(), None);
}

// ---- 5. never stuck ------------------------------------------------------------

fn new_problem(l: &mut Laptop, description: &str, number: Option<&str>) -> problem::ProblemDetail {
    let p = NewProblem {
        target_id: Some(l.facility()),
        target_name: String::new(),
        county: None,
        item_code: None,
        category: "安全管理".into(),
        description: description.into(),
        severity: None,
        scope: None,
        source: Some(Source::PublicReport),
        group: "第一组".into(),
        found_on: Some("2024-05-20".into()),
        department: None,
        responsible_unit: String::new(),
        number: number.map(String::from),
    };
    problem::create(&mut l.db, &p, "王志强").unwrap()
}

#[test]
fn two_problems_with_one_number_both_arrive_and_a_person_settles_the_clash() {
    let mut t = team(3);
    // Offline, two groups number two different problems alike.
    let p1 = new_problem(&mut t[1], "消防通道堆放杂物", Some("2024-洛-017"));
    let p2 = new_problem(&mut t[2], "厨房未留存食品留样", Some("2024-洛-017"));
    for i in [1, 2] {
        let f = t[i].export(&format!("group-{i}.qingdan"));
        t[0].import(&f).expect("a shared number does not stop sync");
    }
    let clashes = problem::number_clashes(&t[0].db).unwrap();
    assert_eq!(clashes.len(), 1);
    let ids: Vec<&str> = clashes[0].problems.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&p1.problem.id.as_str()) && ids.contains(&p2.problem.id.as_str()));
    // The number names no one problem now; the id still does.
    let err = problem::get(&t[0].db, "2024-洛-017").expect_err("ambiguous").to_string();
    assert!(err.contains("同时用于 2 个问题"), "{err}");
    assert_eq!(problem::get(&t[0].db, &p2.problem.id).unwrap().same_number, vec![p1.problem.id.clone()]);
    // The supervisor settles it; the new number travels.
    let settled = problem::renumber(&mut t[0].db, &p2.problem.id, "督查组").unwrap();
    assert_ne!(settled.problem.number, "2024-洛-017");
    assert!(settled.same_number.is_empty());
    let f = t[0].export("settled.qingdan");
    for l in t.iter_mut().skip(1) {
        l.import(&f).unwrap();
        assert!(problem::number_clashes(&l.db).unwrap().is_empty());
        assert_eq!(problem::get(&l.db, "2024-洛-017").unwrap().problem.id, p1.problem.id);
        assert_eq!(problem::get(&l.db, &settled.problem.number).unwrap().problem.id, p2.problem.id);
    }
    assert!(problem::renumber(&mut t[0].db, &p1.problem.id, "督查组").is_err(), "a number no one else has is left alone");
}

#[test]
fn an_export_with_a_damaged_photo_names_it_and_the_rest_still_travels() {
    let (mut a, mut b, id, codes) = pair();
    let photo = qingdan_core::evidence::check_bytes(&png(), "消防通道.png", "evidence").unwrap();
    let sha = photo.attachment().sha256.clone();
    let patch = ItemPatch { verdict: Some(Some(Verdict::Noncompliant)), finding: Some("通道堵塞".into()), ..Default::default() };
    inspection::record_with_files(&mut a.db, &a.store, &id, &codes[0], &patch, vec![photo], "王志强").unwrap();
    // The file rots on disk.
    let on_disk = a.store.path(&sha, qingdan_core::evidence::Variant::Original);
    let mut bytes = std::fs::read(&on_disk).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&on_disk, bytes).unwrap();
    let out = a.dir.path().join("damaged.qingdan");
    let s = sync::export(&mut a.db, &out, &Selection::default()).unwrap();
    assert_eq!(s.damaged_files.len(), 1, "{:?}", s.damaged_files);
    assert_eq!(s.damaged_files[0].name, "消防通道.png");
    let r = b.import(&out).expect("the receiver takes the rest");
    assert_eq!(r.attachments_missing, 1);
    assert_eq!(b.finding(&id, &codes[0]), "通道堵塞");
}

#[test]
fn something_that_is_not_a_regular_file_is_refused_at_once() {
    let (_a, mut b, _, _) = pair();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.qingdan");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (dump, bytes) = (b.dump(), b.file_bytes());
    for path in [fifo.as_path(), Path::new("/dev/zero"), dir.path()] {
        let started = std::time::Instant::now();
        let msg = b.import(path).expect_err("not a file").to_string();
        assert!(msg.contains("不是同步文件"), "{}: {msg}", path.display());
        // A FIFO nobody writes to would block an open for ever.
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
    assert_eq!((b.dump(), b.file_bytes()), (dump, bytes));
}

#[test]
fn a_device_name_with_terminal_escapes_is_refused() {
    let mut case = bad_case();
    let bad = case.a.dir.path().join("escape.qingdan");
    let good = case.good.clone();
    resign(&case.a, &good, &bad, |_, m| m["device"]["name"] = "\u{1b}[2J\u{1b}[31m督查组".into());
    refused_unchanged(&mut case, &bad, "不含控制字符");
    resign(&case.a, &good, &bad, |_, m| m["hlc"] = "1716166800000-100000".into());
    refused_unchanged(&mut case, &bad, "时钟时间戳无效");
    resign(&case.a, &good, &bad, |_, m| m["clock"] = serde_json::json!({ "not-a-device": 3 }));
    refused_unchanged(&mut case, &bad, "记录进度");
}

// ---- 2. who said it -------------------------------------------------------------

#[test]
fn the_supervisor_relays_an_inspectors_work_and_the_receiver_checks_its_author() {
    let mut t = team(3);
    // A laptop that takes the roster from the supervisor before any work is done.
    let mut fresh = laptop(7);
    fresh.join(&t[0].export("roster-first.qingdan"));
    let id = t[1].start();
    let code = first_codes(&t[1], &id, 1)[0].clone();
    t[1].set_finding(&id, &code, "一组的记录");
    let f = t[1].export("one.qingdan");
    t[0].import(&f).unwrap();
    // Laptop 2 never met laptop 1; it takes 1's work from the supervisor's file.
    let relay = t[0].export("relay.qingdan");
    t[2].import(&relay).unwrap();
    assert_eq!(t[2].finding(&id, &code), "一组的记录");
    // The supervisor's laptop cannot put words in laptop 1's mouth.
    let forged = t[0].dir.path().join("forged.qingdan");
    let relayed_by = &t[0];
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&relay).unwrap()).unwrap();
    let mut entries = Vec::new();
    let mut manifest = Value::Null;
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        let name = e.name().unwrap().to_string();
        match name.as_str() {
            bundle::MANIFEST => manifest = serde_json::from_slice(&bytes).unwrap(),
            bundle::SIGNATURE => {}
            n => entries.push((n.to_string(), bytes)),
        }
    }
    let ops = String::from_utf8(ops_lines(&mut entries).clone()).unwrap().replace("一组的记录", "督查组改写的记录");
    *ops_lines(&mut entries) = ops.into_bytes();
    manifest["entries"] = entries
        .iter()
        .map(|(name, bytes)| serde_json::json!({ "path": name, "size": bytes.len(), "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes)) }))
        .collect();
    write_zip(&forged, &entries, &manifest, Some(relayed_by));
    let (dump, bytes) = (fresh.dump(), fresh.file_bytes());
    let msg = fresh.import(&forged).expect_err("altered on the way").to_string();
    assert!(msg.contains("与其签名不符"), "{msg}");
    assert_eq!((fresh.dump(), fresh.file_bytes()), (dump, bytes));
}

#[test]
fn changes_of_a_device_no_one_vouches_for_are_refused() {
    let mut t = team(3);
    // The supervisor trusts a stranger directly but never lists it in the roster.
    let mut stranger = laptop(8);
    let id = stranger.start();
    t[0].import(&stranger.export("stranger.qingdan")).unwrap();
    let relay = t[0].export("relay.qingdan");
    let (dump, bytes) = (t[2].dump(), t[2].file_bytes());
    let msg = t[2].import(&relay).expect_err("no key for the stranger").to_string();
    assert!(msg.contains("既未信任该设备，也未在组员名单中找到它"), "{msg}");
    assert_eq!((t[2].dump(), t[2].file_bytes()), (dump, bytes));
    // Listing it in the roster is what makes its work travel.
    let info = sync::Device::of(&stranger.db).unwrap().info();
    sync::roster::issue(&mut t[0].db, Change::Put { device_id: info.id, name: "临时借用笔记本".into(), public_key: info.public_key, role: Role::Inspector }).unwrap();
    let f = t[0].export("relay-2.qingdan");
    t[2].import(&f).unwrap();
    assert!(inspection::show(&t[2].db, &id).is_ok());
}

#[test]
fn a_revoked_laptop_is_heard_no_more_anywhere() {
    let mut t = team(3);
    let id = t[1].start();
    let code = first_codes(&t[1], &id, 2);
    t[1].set_finding(&id, &code[0], "丢失前的记录");
    let f = t[1].export("before.qingdan");
    t[0].import(&f).unwrap();
    // Laptop 1 is lost; the supervisor revokes it and tells the team.
    let lost = t[1].db.device_id().to_string();
    sync::roster::issue(&mut t[0].db, Change::Revoke { device_id: lost, reason: "笔记本电脑遗失".into() }).unwrap();
    let f = t[0].export("revoked.qingdan");
    t[2].import(&f).unwrap();
    assert_eq!(t[2].finding(&id, &code[0]), "丢失前的记录", "what it signed before stands");
    // Whoever has it now signs more; no laptop takes it, directly or relayed.
    t[1].set_finding(&id, &code[1], "遗失后冒用");
    let after = t[1].export("after.qingdan");
    for i in [0, 2] {
        let (dump, bytes) = (t[i].dump(), t[i].file_bytes());
        let msg = t[i].import(&after).expect_err("revoked").to_string();
        assert!(msg.contains("撤销"), "{msg}");
        assert_eq!((t[i].dump(), t[i].file_bytes()), (dump, bytes));
    }
}
