//! The IPC commands over a real database file, without a window: the same
//! functions the Tauri adapters call, the JSON the UI receives, and the bad
//! input a tampered or buggy page could send.

use std::path::Path;

use qingdan_app::commands::{self, app, catalog, departments, registry};
use qingdan_app::{AppState, ErrorCode, IpcError};
use qingdan_core::catalog::{ItemKind, ItemQuery, TargetKind};
use qingdan_core::registry::{FacilityInput, FacilityQuery};
use qingdan_core::{Db, Lang};
use serde_json::{json, Value};

const RUYANG: &str = "汝阳县";
const XIGONG: &str = "西工区";

fn facility(name: &str, county: &str, kind: TargetKind) -> FacilityInput {
    FacilityInput {
        name: name.into(),
        kind,
        operator_type: None,
        county: county.into(),
        township: None,
        address: format!("{county}某路1号"),
        operator: String::new(),
        beds: Some(60),
        residents: Some(40),
        star_level: None,
        contact_person: "张三".into(),
        contact_phone: "0379-00000000".into(),
    }
}

/// The reference catalog and departments, and three facilities in two counties.
fn seeded(dir: &Path, lang: Lang) -> AppState {
    let mut db = Db::open(dir.join("qingdan.db")).expect("a new database opens");
    qingdan_core::seed::load_reference(&mut db).expect("the reference data loads");
    db.with_tx(|tx| {
        qingdan_core::registry::upsert_facilities(
            tx,
            Some("洛阳市"),
            &[
                facility("汝阳县社会福利中心", RUYANG, TargetKind::ElderlyCareInstitution),
                facility("汝阳县城关镇敬老院", RUYANG, TargetKind::DestituteSupportHome),
                facility("西工区社区养老服务中心", XIGONG, TargetKind::CommunityCenter),
            ],
        )
    })
    .expect("facilities are stored");
    AppState::with_db(db, lang)
}

fn json_of(err: &IpcError) -> Value {
    serde_json::to_value(err).expect("an IpcError serialises")
}

/// Everything the read commands return, to show a refused request changed nothing.
fn snapshot(state: &AppState) -> Value {
    json!({
        "versions": catalog::versions(state).unwrap(),
        "items": catalog::items(state, &ItemQuery::default()).unwrap(),
        "departments": departments::list(state).unwrap(),
        "jurisdictions": registry::jurisdictions(state).unwrap(),
        "facilities": registry::facilities(state, &FacilityQuery::default()).unwrap(),
    })
}

#[test]
fn app_info_names_the_database_and_the_active_reference_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::Zh);
    let info = app::info(&state).unwrap();
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(Path::new(&info.db_path), dir.path().join("qingdan.db"));
    assert_eq!(info.device_id.len(), 36, "the device id is a UUID: {}", info.device_id);
    assert!(info.schema_version >= 1);
    let active = info.active_catalog.expect("the reference catalog is active in a seeded database");
    assert!(active.is_reference);
    assert_eq!((active.standards, active.indicators), (66, 51));
}

#[test]
fn catalog_lists_66_standards_and_51_indicators_and_finds_by_search() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::Zh);
    let versions = catalog::versions(&state).unwrap();
    assert_eq!(versions.len(), 1);
    let groups = catalog::groups(&state, None).unwrap();
    assert!(!groups.is_empty());
    assert_eq!(catalog::groups(&state, Some(&versions[0].id)).unwrap(), groups);

    let of_kind = |kind| catalog::items(&state, &ItemQuery { kind: Some(kind), ..Default::default() }).unwrap();
    assert_eq!(of_kind(ItemKind::Standard).len(), 66);
    assert_eq!(of_kind(ItemKind::Indicator).len(), 51);

    let found = catalog::items(&state, &ItemQuery { search: Some("留样".into()), ..Default::default() }).unwrap();
    assert!(
        found.iter().any(|i| i.requirement.contains("125")),
        "searching 留样 should find the food-sample item with its 125 g rule; found {:?}",
        found.iter().map(|i| &i.code).collect::<Vec<_>>()
    );

    let group = &groups[0];
    let in_group =
        catalog::items(&state, &ItemQuery { group_id: Some(group.id.clone()), ..Default::default() }).unwrap();
    assert_eq!(in_group.len() as u32, group.item_count);
}

#[test]
fn departments_are_the_24_of_the_reference_with_108_duties() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::Zh);
    let list = departments::list(&state).unwrap();
    assert_eq!(list.len(), 24);
    assert_eq!(list.iter().map(|d| d.duties.len()).sum::<usize>(), 108);
}

#[test]
fn facilities_filter_by_county_name_or_id_and_open_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::Zh);
    let all = registry::facilities(&state, &FacilityQuery::default()).unwrap();
    assert_eq!(all.len(), 3);

    let by_name =
        registry::facilities(&state, &FacilityQuery { county: Some(RUYANG.into()), ..Default::default() }).unwrap();
    assert_eq!(by_name.len(), 2);
    assert!(by_name.iter().all(|f| f.county == RUYANG));

    let county_id = by_name[0].county_id.clone();
    let by_id = registry::facilities(&state, &FacilityQuery { county: Some(county_id), ..Default::default() }).unwrap();
    assert_eq!(by_id, by_name);

    let jurisdictions = registry::jurisdictions(&state).unwrap();
    assert!(jurisdictions.iter().any(|j| j.name == XIGONG && j.facility_count == 1));

    let one = registry::facility(&state, &all[0].id).unwrap();
    assert_eq!(one, all[0]);
}

#[test]
fn a_missing_facility_is_not_found_with_the_documented_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::Zh);
    let err = registry::facility(&state, "0190f0f0-0000-7000-8000-000000000000").unwrap_err();
    let v = json_of(&err);
    assert_eq!(v["code"], "not_found");
    assert!(v["message"].as_str().unwrap().contains("机构"), "the message names what is missing: {v}");
    assert_eq!(v["problems"], json!([]));
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["code", "message", "problems"], "the UI reads exactly these keys");
}

#[test]
fn an_oversized_search_is_invalid_input_naming_the_field_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::Zh);
    let before = snapshot(&state);

    let long = "养".repeat(201);
    let err = catalog::items(&state, &ItemQuery { search: Some(long.clone()), ..Default::default() }).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let v = json_of(&err);
    assert_eq!(v["code"], "invalid_input");
    assert_eq!(v["problems"][0]["field"], "search", "the field is the key the UI sent");
    assert_eq!(v["problems"][0]["message_zh"], "内容过长，最多 200 个字符");
    assert_eq!(v["problems"][0]["message_en"], "too long; at most 200 characters");
    assert!(v["problems"][0]["row"].is_null() && v["problems"][0]["file"].is_null());

    let err = registry::facilities(&state, &FacilityQuery { search: Some(long), ..Default::default() }).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    assert!(catalog::items(&state, &ItemQuery { search: Some("养".repeat(200)), ..Default::default() }).is_ok());
    assert_eq!(snapshot(&state), before);
}

#[test]
fn control_characters_and_oversized_ids_are_refused_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::Zh);
    let before = snapshot(&state);
    let refused = [
        catalog::items(&state, &ItemQuery { search: Some("留样\u{0}".into()), ..Default::default() }).map(|_| ()),
        catalog::items(&state, &ItemQuery { search: Some("留\n样".into()), ..Default::default() }).map(|_| ()),
        catalog::items(&state, &ItemQuery { group_id: Some("g".repeat(65)), ..Default::default() }).map(|_| ()),
        catalog::items(&state, &ItemQuery { version_id: Some("v\u{1b}[2J".into()), ..Default::default() }).map(|_| ()),
        catalog::groups(&state, Some(&"v".repeat(65))).map(|_| ()),
        registry::facilities(&state, &FacilityQuery { county: Some("汝阳县\r".into()), ..Default::default() })
            .map(|_| ()),
        registry::facilities(&state, &FacilityQuery { county: Some("县".repeat(65)), ..Default::default() })
            .map(|_| ()),
        registry::facility(&state, &"f".repeat(65)).map(|_| ()),
        registry::facility(&state, "abc\u{7f}").map(|_| ()),
        registry::facility(&state, "").map(|_| ()),
    ];
    for (i, r) in refused.into_iter().enumerate() {
        let err = r.expect_err(&format!("case {i} must be refused"));
        assert_eq!(err.code, ErrorCode::InvalidInput, "case {i}: {err:?}");
        assert!(!err.problems.is_empty(), "case {i} names the place of the bad input");
    }
    assert_eq!(snapshot(&state), before);
}

#[test]
fn every_problem_of_one_request_is_reported_together() {
    let dir = tempfile::tempdir().unwrap();
    let state = seeded(dir.path(), Lang::En);
    let query = ItemQuery {
        version_id: Some("x".repeat(65)),
        group_id: Some("g\t".into()),
        search: Some("s".repeat(201)),
        kind: None,
    };
    let err = catalog::items(&state, &query).unwrap_err();
    let fields: Vec<_> = err.problems.iter().filter_map(|p| p.field.as_deref()).collect();
    assert_eq!(fields, ["version_id", "group_id", "search"]);
    assert!(err.message.starts_with("3 problem(s) found"), "English message: {}", err.message);
}

#[test]
fn a_damaged_database_keeps_answering_every_command_with_database_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qingdan.db");
    std::fs::write(&path, b"this is not a SQLite database, it is a spreadsheet someone renamed".repeat(100)).unwrap();
    let state = AppState::open(&path, Lang::Zh);
    assert_eq!(state.open_error().map(|e| e.code), Some(ErrorCode::DatabaseDamaged));

    let results = [
        app::info(&state).map(|_| ()),
        catalog::versions(&state).map(|_| ()),
        catalog::groups(&state, None).map(|_| ()),
        catalog::items(&state, &ItemQuery::default()).map(|_| ()),
        departments::list(&state).map(|_| ()),
        registry::jurisdictions(&state).map(|_| ()),
        registry::facilities(&state, &FacilityQuery::default()).map(|_| ()),
        registry::facility(&state, "some-id").map(|_| ()),
    ];
    for r in results {
        let v = json_of(&r.unwrap_err());
        assert_eq!(v["code"], "database_damaged");
        assert!(v["message"].as_str().unwrap().contains("备份"), "the message says to restore a backup: {v}");
    }
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"this is not a SQLite database"), "the damaged file is left as it was");
}

#[test]
fn a_database_from_a_newer_program_is_refused_not_downgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qingdan.db");
    {
        let db = Db::open(&path).unwrap();
        db.conn().execute_batch("PRAGMA user_version = 9999").unwrap();
    }
    let state = AppState::open(&path, Lang::En);
    let err = app::info(&state).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseDamaged);
    assert!(err.message.contains("newer"), "English message: {}", err.message);
}

#[test]
fn an_empty_database_answers_with_empty_lists_or_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(&dir.path().join("sub").join("qingdan.db"), Lang::Zh);
    assert!(state.open_error().is_none());
    assert!(app::info(&state).unwrap().active_catalog.is_none());
    assert!(catalog::versions(&state).unwrap().is_empty());
    assert!(departments::list(&state).unwrap().is_empty());
    assert_eq!(catalog::groups(&state, None).unwrap_err().code, ErrorCode::NotFound);
}

#[test]
fn error_codes_serialise_as_the_closed_snake_case_set_of_the_contract() {
    let all = [
        (ErrorCode::InvalidInput, "invalid_input"),
        (ErrorCode::NotFound, "not_found"),
        (ErrorCode::DatabaseDamaged, "database_damaged"),
        (ErrorCode::Database, "database"),
        (ErrorCode::Io, "io"),
        (ErrorCode::Internal, "internal"),
    ];
    for (code, text) in all {
        assert_eq!(serde_json::to_value(code).unwrap(), json!(text));
    }
    let contract = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ipc.md")).unwrap();
    for (_, text) in all {
        assert!(contract.contains(&format!("`{text}`")), "docs/ipc.md lists the code {text}");
    }
}

/// A command missing from build.rs, the capability or the handler list fails
/// only at run time ("not allowed" / "not found"); this catches it at test time.
#[test]
fn every_command_is_permitted_registered_and_documented() {
    let root = env!("CARGO_MANIFEST_DIR");
    let capability: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{root}/src-tauri/capabilities/main.json")).unwrap())
            .unwrap();
    let granted: Vec<String> =
        capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    // The window listens to the progress of a batch print (`report-progress`):
    // listening is the one thing of core:* it is granted.
    const EVENTS: [&str; 2] = ["core:event:allow-listen", "core:event:allow-unlisten"];
    for e in EVENTS {
        assert!(granted.iter().any(|g| g == e), "the capability grants {e}");
    }
    let granted: Vec<String> = granted.into_iter().filter(|g| !EVENTS.contains(&g.as_str())).collect();
    let wanted: Vec<String> = commands::COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    assert_eq!(granted, wanted, "the capability grants exactly our commands and, of core:*, only listening to events");

    let lib = std::fs::read_to_string(format!("{root}/src-tauri/lib.rs")).unwrap();
    let contract = std::fs::read_to_string(format!("{root}/docs/ipc.md")).unwrap();
    for c in commands::COMMANDS {
        assert!(lib.contains(&format!("::{c},")), "lib.rs registers the handler {c}");
        assert!(contract.contains(&format!("| `{c}` |")), "docs/ipc.md documents {c}");
    }
}
