//! Catalog versions, departments and the registry in a database.

use qingdan_core::catalog::{self, import::ImportOptions, ItemKind, ItemQuery, TargetKind};
use qingdan_core::registry::{self, FacilityInput, FacilityQuery};
use qingdan_core::{demo, seed, Db, Env, FixedClock};

fn db() -> (Db, std::sync::Arc<FixedClock>) {
    let (env, clock) = Env::fixed(FixedClock::default_test_time());
    (Db::open_in_memory_with(env).unwrap(), clock)
}

#[test]
fn reference_loads_once_and_becomes_active() {
    let (mut db, _) = db();
    let first = seed::load_reference(&mut db).unwrap();
    assert!(first.catalog.created);
    assert_eq!(first.departments.created, 24);
    let again = seed::load_reference(&mut db).unwrap();
    assert!(!again.catalog.created, "the same content is not stored twice");
    assert_eq!(again.departments.unchanged, 24);
    let versions = catalog::versions(&db).unwrap();
    assert_eq!(versions.len(), 1);
    assert!(versions[0].active && versions[0].is_reference);
    assert_eq!((versions[0].standards, versions[0].indicators), (66, 51));
}

#[test]
fn an_import_becomes_active_and_use_switches_back() {
    let (mut db, clock) = db();
    seed::load_reference(&mut db).unwrap();
    clock.advance(chrono::Duration::minutes(5));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("official.csv");
    std::fs::write(&path, "编号,类型,内容\nS01,衡量标准,应当建立制度。\nI01,工作指标,落实补贴。\n").unwrap();
    let parsed = catalog::import::read_file(&path, &ImportOptions { name: Some("正式版".into()), kind: None }).unwrap();
    let out = db.with_tx(|tx| catalog::store_catalog(tx, &parsed.catalog, false)).unwrap();
    assert!(out.created);
    let active = catalog::active_version(&db).unwrap().unwrap();
    assert_eq!(active.name, "正式版");
    assert_eq!(catalog::list_items(&db, &ItemQuery::default()).unwrap().len(), 2);

    let reference = catalog::versions(&db).unwrap().into_iter().find(|v| v.is_reference).unwrap();
    catalog::use_version(&mut db, &reference.id[..13]).unwrap();
    assert_eq!(catalog::active_version(&db).unwrap().unwrap().id, reference.id, "a unique id prefix is enough");
    assert_eq!(catalog::list_items(&db, &ItemQuery::default()).unwrap().len(), 117);
    // Loading the reference again must not take the choice away.
    seed::load_reference(&mut db).unwrap();
    assert_eq!(catalog::active_version(&db).unwrap().unwrap().id, reference.id);

    let err = catalog::use_version(&mut db, "ffffffff").unwrap_err();
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn catalog_search_and_filters() {
    let (mut db, _) = db();
    seed::load_reference(&mut db).unwrap();
    let q = |kind, search: &str| ItemQuery { kind, search: Some(search.into()), ..Default::default() };
    let hits = catalog::list_items(&db, &q(None, "留样")).unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|i| format!("{}{}{:?}", i.title, i.requirement, i.quick_phrases).contains("留样")));
    assert_eq!(catalog::list_items(&db, &q(Some(ItemKind::Indicator), "S01")).unwrap().len(), 0);
    assert_eq!(catalog::list_items(&db, &q(None, "S01")).unwrap()[0].code, "S01");
    assert!(catalog::list_items(&db, &q(None, "100%_")).unwrap().is_empty(), "LIKE wildcards are literal");
    assert_eq!(catalog::get_item(&db, None, "s07").unwrap().code, "S07");
    assert_eq!(catalog::get_item(&db, None, "S99").unwrap_err().exit_code(), 2);
    let groups = catalog::groups(&db, None).unwrap();
    assert_eq!(groups.iter().map(|g| g.item_count).sum::<u32>(), 117);
}

fn input(name: &str, county: &str, beds: Option<u32>) -> FacilityInput {
    FacilityInput {
        name: name.into(),
        kind: TargetKind::DestituteSupportHome,
        operator_type: None,
        county: county.into(),
        township: Some("城关镇".into()),
        address: String::new(),
        operator: String::new(),
        beds,
        residents: None,
        star_level: None,
        contact_person: String::new(),
        contact_phone: String::new(),
    }
}

#[test]
fn facilities_upsert_by_county_and_name() {
    let (mut db, clock) = db();
    let r = db.with_tx(|tx| registry::upsert_facilities(tx, Some("洛阳市"), &[input("甲敬老院", "汝阳县", Some(30))])).unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (1, 0, 0));
    assert_eq!(r.new_counties, vec!["汝阳县".to_string()]);
    assert_eq!(r.new_townships, vec!["汝阳县/城关镇".to_string()]);
    let before = registry::facility_list(&db, &FacilityQuery::default()).unwrap().remove(0);
    clock.advance(chrono::Duration::hours(1));
    let same = db.with_tx(|tx| registry::upsert_facilities(tx, None, &[input("甲敬老院", "汝阳县", Some(30))])).unwrap();
    assert_eq!((same.created, same.updated, same.unchanged), (0, 0, 1));
    assert!(same.new_counties.is_empty());
    let changed = db.with_tx(|tx| registry::upsert_facilities(tx, None, &[input("甲敬老院", "汝阳县", Some(40))])).unwrap();
    assert_eq!(changed.updated, 1);
    let after = registry::get_facility(&db, &before.id).unwrap();
    assert_eq!(after.beds, Some(40));
    assert_eq!(after.created_at, before.created_at);
    assert_ne!(after.updated_at, before.updated_at, "an update moves updated_at");
}

#[test]
fn demo_registry_filters_by_county_kind_and_search() {
    let (mut db, _) = db();
    let report = demo::populate(&mut db).unwrap();
    let all = registry::facility_list(&db, &FacilityQuery::default()).unwrap();
    assert_eq!(all.len() as u32, report.facilities.created);
    assert_eq!(registry::counties(&db).unwrap().len(), 15);
    let ruyang = registry::facility_list(&db, &FacilityQuery { county: Some("汝阳县".into()), ..Default::default() }).unwrap();
    assert!(!ruyang.is_empty() && ruyang.len() < all.len());
    assert!(ruyang.iter().all(|f| f.county == "汝阳县"));
    let homes = registry::facility_list(
        &db,
        &FacilityQuery { county: Some(ruyang[0].county_id.clone()), kind: Some(TargetKind::DestituteSupportHome), search: None },
    )
    .unwrap();
    assert!(homes.iter().all(|f| f.kind == TargetKind::DestituteSupportHome && f.county == "汝阳县"));
    let found = registry::facility_list(&db, &FacilityQuery { search: Some("敬老院".into()), ..Default::default() }).unwrap();
    assert!(found.iter().all(|f| f.name.contains("敬老院") || f.address.contains("敬老院") || f.operator.contains("敬老院")));
    let refresh = demo::populate(&mut db).unwrap();
    assert_eq!(refresh.facilities.created, 0, "refreshing the demo adds nothing");
    assert_eq!(refresh.facilities.unchanged, report.facilities.created);
}

mod partial_imports {
    use super::*;
    use proptest::prelude::*;
    use qingdan_core::registry::import::read_file;

    fn table_dump(db: &Db) -> Vec<String> {
        let mut st = db.conn().prepare("SELECT name, county_id, coalesce(beds, -1), updated_at FROM facility ORDER BY id").unwrap();
        let rows = st.query_map([], |r| Ok(format!("{}|{}|{}|{}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?)));
        rows.unwrap().map(|r| r.unwrap()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// A ledger with any mix of good and bad rows either imports whole or
        /// leaves the registry exactly as it was.
        #[test]
        fn a_bad_row_never_leaves_a_partial_import(rows in prop::collection::vec(
            (prop_oneof![Just("汝阳县".to_string()), Just("嵩县".to_string()), Just(String::new())],
             prop_oneof!["[甲乙丙丁]{1,2}院".prop_map(String::from), Just(String::new())],
             prop_oneof![Just("敬老院".to_string()), Just("养老机构".to_string()), Just("托儿所".to_string())],
             prop_oneof!["[0-9]{1,3}".prop_map(String::from), Just("十张".to_string()), Just(String::new())]),
            1..12,
        )) {
            let (env, _) = Env::fixed(FixedClock::default_test_time());
            let mut db = Db::open_in_memory_with(env).unwrap();
            demo::populate(&mut db).unwrap();
            let before = table_dump(&db);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("ledger.csv");
            let mut text = String::from("所属县区,机构名称,机构类型,床位数\n");
            for (c, n, k, b) in &rows {
                text.push_str(&format!("{c},{n},{k},{b}\n"));
            }
            std::fs::write(&path, text).unwrap();
            let counties: Vec<String> = registry::counties(&db).unwrap().into_iter().map(|c| c.name).collect();
            match read_file(&path, &counties) {
                Ok(ledger) => {
                    let r = db.with_tx(|tx| registry::upsert_facilities(tx, None, &ledger.facilities)).unwrap();
                    prop_assert_eq!((r.created + r.updated + r.unchanged) as usize, ledger.facilities.len());
                    prop_assert_eq!(ledger.facilities.len(), rows.len(), "every row was good");
                }
                Err(e) => {
                    prop_assert!(!e.problems().is_empty());
                    prop_assert_eq!(before, table_dump(&db), "refused: nothing written");
                }
            }
        }
    }
}
