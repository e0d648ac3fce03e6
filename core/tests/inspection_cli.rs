//! The `qingdan inspection` contract (issue 3): start, record, sign, list and
//! show against temporary demo databases, with exit codes, the JSON shape and
//! bad input that must leave the database as it was.

mod common;

use common::{dump, walk};

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use qingdan_core::inspection::Verdict;
use rstest::rstest;
use serde_json::Value;
use sha2::{Digest, Sha256};

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn demo() -> Self {
        let f = Fixture { dir: tempfile::tempdir().unwrap() };
        f.cmd().arg("demo").assert().success();
        f
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("q.db")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("qingdan").unwrap();
        c.arg("--db").arg(self.db()).arg("--actor").arg("张建国").env_remove("QINGDAN_LANG").env_remove("QINGDAN_DB");
        c
    }
    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}\n{out}"))
    }
    /// The first demo facility of a kind (slug), e.g. `home_care_point`.
    fn facility(&self, kind: &str) -> Value {
        self.json(&["facility", "list", "--kind", kind, "--json"])[0].clone()
    }
    fn start(&self, target: &str) -> String {
        self.run(&["inspection", "start", "--target", target, "--kind", "暗访", "--date", "2024-05-20", "--group", "第一组"])
            .trim()
            .to_string()
    }
    /// An inspection of a home-care point (six items, none a major hazard).
    fn small(&self) -> (String, Vec<String>) {
        let id = self.start(self.facility("home_care_point")["id"].as_str().unwrap());
        let codes = self.show(&id)["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect();
        (id, codes)
    }
    fn show(&self, id: &str) -> Value {
        self.json(&["inspection", "show", id, "--json"])
    }
    fn evidence_files(&self) -> Vec<PathBuf> {
        walk(&self.path("evidence"))
    }
}


fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok() && s.len() == 36
}

#[test]
fn start_prints_just_the_new_id_and_json_an_object_with_id() {
    let f = Fixture::demo();
    let target = f.facility("home_care_point")["id"].as_str().unwrap().to_string();
    let out = f.run(&["inspection", "start", "--target", &target, "--kind", "暗访", "--date", "2024-05-20", "--group", "第一组"]);
    let id = out.strip_suffix('\n').expect("one line");
    assert!(is_uuid(id) && !id.contains('\n'), "just the id: {out:?}");

    let json = f.json(&[
        "inspection", "start", "--target", &target, "--kind", "回头看", "--date", "2024-06-01", "--group", "第二组",
        "--member", "李秀英", "--member", "赵国强", "--json",
    ]);
    let second = json["id"].as_str().expect("an object with id");
    assert!(is_uuid(second) && second != id);
    assert_eq!(json["target_id"], target.as_str());

    let list = f.json(&["inspection", "list", "--json"]);
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![second, id], "both listed, newest first");
    assert_eq!(f.show(second)["members"], serde_json::json!(["李秀英", "赵国强"]));
}

#[rstest]
#[case::facility("elderly_care_institution")]
#[case::village_station("village_mutual_aid")]
#[case::county("county_government")]
#[case::department("department")]
fn show_json_lists_every_applicable_item_unanswered(#[case] kind: &str) {
    let f = Fixture::demo();
    let target = match kind {
        "county_government" => {
            let facility = f.facility("elderly_care_institution");
            facility["county_id"].as_str().unwrap().to_string()
        }
        "department" => f.json(&["department", "list", "--json"])[0]["id"].as_str().unwrap().to_string(),
        k => f.facility(k)["id"].as_str().unwrap().to_string(),
    };
    let id = f.start(&target);
    let shown = f.show(&id);
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["target_id"], target.as_str());
    assert_eq!(shown["kind"], "unannounced");
    assert_eq!(shown["status"], "draft");
    let catalog = f.json(&["catalog", "list", "--json"]);
    let want: Vec<&str> = catalog
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["applies_to"].as_array().unwrap().iter().any(|a| a == kind))
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    let items = shown["items"].as_array().expect("items");
    assert_eq!(items.iter().map(|i| i["code"].as_str().unwrap()).collect::<Vec<_>>(), want);
    assert!(want.len() < catalog.as_array().unwrap().len());
    for it in items {
        for key in ["code", "verdict", "finding", "severity", "scope", "evidence"] {
            assert!(it.get(key).is_some(), "{key} in {it}");
        }
        assert_eq!(it["verdict"], Value::Null, "unanswered is null");
        assert_eq!(it["evidence"], serde_json::json!([]));
    }
}

#[rstest]
#[case("执法检查", "law_enforcement")]
#[case("专项督查", "special")]
#[case("暗访", "unannounced")]
#[case("回头看", "look_back")]
#[case("自查核查", "self_check_review")]
#[case("law_enforcement", "law_enforcement")]
#[case("special", "special")]
#[case("unannounced", "unannounced")]
#[case("look_back", "look_back")]
#[case("self_check_review", "self_check_review")]
fn kind_accepts_chinese_names_and_slugs(#[case] given: &str, #[case] slug: &str) {
    let f = Fixture::demo();
    let target = f.facility("home_care_point")["id"].as_str().unwrap().to_string();
    let id = f.run(&["inspection", "start", "--target", &target, "--kind", given, "--date", "2024-05-20", "--group", "第一组"]);
    assert_eq!(f.show(id.trim())["kind"], slug);
}

#[rstest]
#[case("符合", Verdict::Compliant)]
#[case("基本符合", Verdict::Partial)]
#[case("不符合", Verdict::Noncompliant)]
#[case("不适用", Verdict::NotApplicable)]
#[case("compliant", Verdict::Compliant)]
#[case("partial", Verdict::Partial)]
#[case("noncompliant", Verdict::Noncompliant)]
#[case("na", Verdict::NotApplicable)]
fn verdict_accepts_chinese_and_english(#[case] given: &str, #[case] want: Verdict) {
    let f = Fixture::demo();
    let (id, codes) = f.small();
    let out = f.run(&["inspection", "record", &id, &codes[2], given]);
    assert!(out.starts_with(&format!("已保存：{} ", codes[2])), "{out}");
    assert!(out.lines().next().unwrap().ends_with(&format!("—— {}", want.label(qingdan_core::Lang::Zh))), "{out}");
    let shown = f.show(&id);
    let item = shown["items"].as_array().unwrap().iter().find(|i| i["code"] == codes[2].as_str()).unwrap();
    assert_eq!(item["verdict"], serde_json::to_value(want).unwrap());
    assert_eq!(shown["items"].as_array().unwrap().iter().filter(|i| i["verdict"] != Value::Null).count(), 1);
}

#[test]
fn a_noncompliance_with_finding_severity_scope_and_evidence() {
    let f = Fixture::demo();
    let (id, codes) = f.small();
    let photo = jpeg(1800, 1200);
    let photo_path = f.write("灭火器.jpg", &photo);
    let pdf_path = f.write("检查记录.pdf", PDF);
    f.cmd()
        .args(["inspection", "record", &id, &codes[5].to_lowercase(), "不符合", "--finding", "灭火器过期", "--severity", "较重", "--scope", "个别"])
        .arg("--evidence")
        .arg(&photo_path)
        .arg("--evidence")
        .arg(&pdf_path)
        .assert()
        .success()
        .stdout(predicate::str::contains("签字前尚需补充").not());
    let shown = f.show(&id);
    let item = shown["items"].as_array().unwrap().iter().find(|i| i["code"] == codes[5].as_str()).unwrap();
    assert_eq!(item["verdict"], "noncompliant");
    assert_eq!(item["finding"], "灭火器过期");
    assert_eq!(item["severity"], "serious");
    assert_eq!(item["scope"], "individual");
    assert_eq!(item["evidence"], serde_json::json!([sha256(&photo), sha256(PDF)]), "sha256 of the attached files, in order");
    let original = f.path("evidence").join(&sha256(&photo)[..2]).join(sha256(&photo));
    assert_eq!(std::fs::read(original).unwrap(), photo, "stored beside the database, by content");

    let other = f.write("again.jpg", &photo);
    f.cmd().args(["inspection", "record", &id, &codes[4], "基本符合", "--finding", "同上"]).arg("--evidence").arg(&other).assert().success();
    let shown = f.show(&id);
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 2, "the same photo twice is one attachment");
    assert_eq!(f.evidence_files().len(), 4, "photo, its two copies, and the PDF");
}

#[test]
fn record_says_what_is_still_needed_before_signing() {
    let f = Fixture::demo();
    let (id, codes) = f.small();
    f.cmd()
        .args(["inspection", "record", &id, &codes[0], "不符合"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("签字前尚需补充：未填写问题描述；不符合项未选择严重程度；不符合项未选择问题范围\n"));
    f.cmd()
        .args(["inspection", "record", &id, &codes[1], "不适用"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with("签字前尚需补充：不适用未说明理由\n"));
    f.cmd()
        .args(["inspection", "record", &id, &codes[1], "不适用", "--na-reason", "该点不提供助餐"])
        .assert()
        .success()
        .stdout(predicate::str::contains("签字前").not());
}

#[test]
fn sign_locks_and_a_correction_needs_amend_and_reason() {
    let f = Fixture::demo();
    let (id, codes) = f.small();
    for c in &codes[1..] {
        f.run(&["inspection", "record", &id, c, "符合"]);
    }
    let before = dump(&f.db());
    f.cmd()
        .args(["inspection", "sign", &id, "--inspector", "王志强", "--representative", "刘院长"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("发现 1 处问题，未写入任何数据：\n  “{} ", codes[0])).and(predicate::str::contains("”：尚未作出结论")));
    assert_eq!(dump(&f.db()), before, "a refused sign-off writes nothing");

    f.run(&["inspection", "record", &id, &codes[0], "符合"]);
    f.cmd()
        .args(["inspection", "sign", &id, "--inspector", "王志强", "李秀英", "--representative", "刘院长"])
        .assert()
        .success()
        .stdout(format!("检查 {id} 已签字确认（检查人员：王志强、李秀英；机构代表：刘院长），此后修改须说明理由。\n"));
    let shown = f.show(&id);
    assert_eq!(shown["status"], "signed");
    assert_eq!(shown["signoff"]["inspectors"], serde_json::json!(["王志强", "李秀英"]));

    let signed = dump(&f.db());
    let locked = "发现 1 处问题，未写入任何数据：\n  “amend_reason”：该检查已签字确认，不能直接修改；如需更正，请填写更正理由（命令行使用 --amend --reason）\n";
    f.cmd().args(["inspection", "record", &id, &codes[0], "不符合", "--finding", "x", "--severity", "一般", "--scope", "个别"]).assert().code(2).stderr(locked);
    f.cmd().args(["inspection", "record", &id, &codes[0], "不符合", "--amend"]).assert().code(2).stderr(predicate::str::contains("--reason"));
    f.cmd().args(["inspection", "record", &id, &codes[0], "不符合", "--reason", "复核"]).assert().code(2).stderr(predicate::str::contains("--amend"));
    f.cmd().args(["inspection", "record", &id, &codes[0], "不符合", "--amend", "--reason", " "]).assert().code(2).stderr(locked);
    f.cmd()
        .args(["inspection", "sign", &id, "--inspector", "王志强", "--representative", "刘院长"])
        .assert()
        .code(2)
        .stderr("发现 1 处问题，未写入任何数据：\n  “status”：该检查已签字确认\n");
    assert_eq!(dump(&f.db()), signed, "every refusal left the signed inspection as it was");

    f.run(&[
        "inspection", "record", &id, &codes[0], "不符合", "--finding", "夜间值班人员脱岗", "--severity", "较重", "--scope", "个别", "--amend",
        "--reason", "复核监控录像后更正",
    ]);
    let shown = f.show(&id);
    assert_eq!(shown["status"], "signed");
    let amendments = shown["amendments"].as_array().unwrap();
    assert_eq!(amendments.len(), 1);
    assert_eq!(amendments[0]["reason"], "复核监控录像后更正");
    assert_eq!(amendments[0]["before"]["verdict"], "compliant");
    assert_eq!(amendments[0]["after"]["verdict"], "noncompliant");
    assert_eq!(amendments[0]["actor"], "张建国");
    let item = &shown["items"][0];
    assert_eq!((item["verdict"].as_str(), item["finding"].as_str()), (Some("noncompliant"), Some("夜间值班人员脱岗")));
}

#[test]
fn list_filters_by_target() {
    let f = Fixture::demo();
    let homes = f.json(&["facility", "list", "--kind", "home_care_point", "--json"]);
    let (a, b) = (homes[0]["id"].as_str().unwrap(), homes[1]["id"].as_str().unwrap());
    let first = f.start(a);
    let second = f.start(a);
    let other = f.start(b);
    let only_a = f.json(&["inspection", "list", "--target", a, "--json"]);
    let mut ids: Vec<&str> = only_a.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut want = vec![first.as_str(), second.as_str()];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(f.json(&["inspection", "list", "--json"]).as_array().unwrap().len(), 3);
    assert!(only_a.as_array().unwrap().iter().all(|i| i["id"] != other.as_str()));
    f.cmd().args(["inspection", "list", "--target", b]).assert().success().stdout(predicate::str::ends_with("共 1 次检查\n"));
    f.cmd().args(["inspection", "list", "--target", "nobody"]).assert().success().stdout("共 0 次检查\n");
}

/// Arguments with placeholders: {ID} an inspection, {CODE} an item on it,
/// {TARGET} a facility, {DIR} the fixture's folder.
#[rstest]
#[case::bad_verdict("record {ID} {CODE} maybe", "“maybe”不是有效的结论，应为：符合、基本符合、不符合、不适用（或 compliant、partial、noncompliant、na）")]
#[case::bad_severity("record {ID} {CODE} 不符合 --severity 严重到家", "“严重到家”不是有效的严重程度")]
#[case::bad_scope("record {ID} {CODE} 不符合 --scope 全部", "“全部”不是有效的问题范围")]
#[case::bad_kind("start --target {TARGET} --kind 巡查 --date 2024-05-20 --group 第一组", "“巡查”不是有效的检查类型")]
#[case::month_13("start --target {TARGET} --kind 暗访 --date 2024-13-01 --group 第一组", "“date”：“2024-13-01”无法识别，应为：YYYY-MM-DD 格式的日期")]
#[case::yesterday("start --target {TARGET} --kind 暗访 --date yesterday --group 第一组", "“date”：“yesterday”无法识别")]
#[case::no_group("start --target {TARGET} --kind 暗访 --date 2024-05-20", "--group")]
#[case::unknown_target("start --target nobody --kind 暗访 --date 2024-05-20 --group 第一组", "找不到检查对象：nobody")]
#[case::unknown_inspection("record nope {CODE} 符合", "找不到检查：nope")]
#[case::show_unknown("show nope --json", "找不到检查：nope")]
#[case::sign_unknown("sign nope --inspector 王志强 --representative 刘院长", "找不到检查：nope")]
#[case::sign_without_inspector("sign {ID} --representative 刘院长", "--inspector")]
#[case::code_not_in_catalog("record {ID} S99 符合", "“item_code”：条目“S99”不在本次检查所用的内容清单版本中")]
#[case::finding_too_long("record {ID} {CODE} 基本符合 --finding {LONG}", "“finding”：内容过长，最多 2000 个字符")]
#[case::finding_with_escape("record {ID} {CODE} 基本符合 --finding {ESC}", "“finding”：含有不可见的控制字符")]
#[case::reason_too_long("record {ID} {CODE} 基本符合 --finding x --amend --reason {LONG}", "“amend_reason”：内容过长，最多 500 个字符")]
#[case::oversized("record {ID} {CODE} 符合 --evidence {DIR}/巨大.jpg", "文件 巨大.jpg，“--evidence”：“30.0 MB”超出范围（≤ 30 MB）")]
#[case::missing_file("record {ID} {CODE} 符合 --evidence {DIR}/不存在.jpg", "文件 不存在.jpg，“--evidence”：无法读取文件")]
#[case::docx("record {ID} {CODE} 符合 --evidence {DIR}/整改报告.docx", "文件 整改报告.docx，“--evidence”：不支持的文件类型，只能附加 JPG、PNG 照片或 PDF 文件")]
#[case::text("record {ID} {CODE} 符合 --evidence {DIR}/记录.txt", "文件 记录.txt，“--evidence”：不支持的文件类型")]
#[case::random_bytes_named_jpg("record {ID} {CODE} 符合 --evidence {DIR}/随机.jpg", "文件 随机.jpg，“--evidence”：不支持的文件类型")]
#[case::cut_jpeg("record {ID} {CODE} 符合 --evidence {DIR}/半张.jpg", "文件 半张.jpg，“--evidence”：无法读取文件（JPG 文件不完整")]
#[case::png_named_jpg("record {ID} {CODE} 符合 --evidence {DIR}/伪装.jpg", "文件 伪装.jpg，“--evidence”：文件扩展名“.jpg”与内容（image/png）不符")]
fn bad_input_exits_2_naming_the_field_and_changes_nothing(#[case] args: &str, #[case] want: &str) {
    let f = Fixture::demo();
    let (id, codes) = f.small();
    f.run(&["inspection", "record", &id, &codes[0], "符合"]);
    let target = f.facility("community_center")["id"].as_str().unwrap().to_string();
    std::fs::File::create(f.path("巨大.jpg")).unwrap().set_len(qingdan_core::evidence::MAX_BYTES + 1).unwrap();
    f.write("整改报告.docx", b"PK\x03\x04\x14\x00\x06\x00word/document.xml");
    f.write("记录.txt", "检查记录".as_bytes());
    f.write("随机.jpg", &(0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<_>>());
    let whole = jpeg(256, 256);
    f.write("半张.jpg", &whole[..whole.len() / 2]);
    let mut png = Vec::new();
    image::RgbImage::new(4, 4).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    f.write("伪装.jpg", &png);

    let dir = f.dir.path().to_str().unwrap().to_string();
    let long = "长".repeat(2001);
    let argv: Vec<String> = args
        .split(' ')
        .map(|a| {
            a.replace("{ID}", &id)
                .replace("{CODE}", &codes[1])
                .replace("{TARGET}", &target)
                .replace("{DIR}", &dir)
                .replace("{LONG}", &long)
                .replace("{ESC}", "灭火器\u{1b}[31m过期")
        })
        .collect();
    let rows = dump(&f.db());
    let files = f.evidence_files();
    let out = f.cmd().arg("inspection").args(&argv).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains(want), "stderr should contain «{want}»:\n{stderr}");
    assert!(out.get_output().stdout.is_empty(), "nothing on stdout");
    assert_eq!(dump(&f.db()), rows, "the database is unchanged");
    assert_eq!(f.evidence_files(), files, "no evidence file was stored");
}

#[test]
fn english_messages_with_lang_en() {
    let f = Fixture::demo();
    let (id, codes) = f.small();
    f.cmd()
        .args(["--lang", "en", "inspection", "record", &id, "S99", "compliant"])
        .assert()
        .code(2)
        .stderr("1 problem(s) found; nothing was written:\n  field 'item_code': item 'S99' is not in the catalog version this inspection uses\n");
    f.cmd()
        .args(["--lang", "en", "inspection", "record", &id, &codes[0], "noncompliant"])
        .assert()
        .success()
        .stdout(predicate::str::contains("before signing, still needed: the finding is not described; a non-compliance needs a severity; a non-compliance needs a scope"));
}

/// A refused record must not leave the photo it carried in the evidence folder.
#[rstest]
#[case::unknown_code(&["S99"], false)]
#[case::signed_without_amend(&[], true)]
fn a_refused_record_leaves_no_evidence_file(#[case] code: &[&str], #[case] sign_first: bool) {
    let f = Fixture::demo();
    let (id, codes) = f.small();
    if sign_first {
        for c in &codes {
            f.run(&["inspection", "record", &id, c, "符合"]);
        }
        f.run(&["inspection", "sign", &id, "--inspector", "张建国", "--representative", "王院长"]);
    }
    let photo = f.write("现场.jpg", &jpeg(64, 48));
    let target = code.first().copied().unwrap_or(codes[0].as_str());
    let before = dump(&f.db());
    f.cmd()
        .args(["inspection", "record", &id, target, "不符合", "--finding", "灭火器过期", "--evidence", photo.to_str().unwrap()])
        .assert()
        .code(2);
    assert_eq!(before, dump(&f.db()));
    assert!(f.evidence_files().is_empty(), "no orphan file: {:?}", f.evidence_files());
}
