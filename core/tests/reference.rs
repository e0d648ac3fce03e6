//! The reference catalog and responsibility list that ship with the app.

use std::collections::{BTreeSet, HashMap};

use qingdan_core::catalog::{reference::reference_catalog, ItemKind, Severity, TargetKind};
use qingdan_core::department::reference::reference_departments;

#[test]
fn reference_catalog_has_66_standards_and_51_indicators_in_order() {
    let c = reference_catalog().expect("the shipped catalog parses and validates");
    assert_eq!(c.count(ItemKind::Standard), 66);
    assert_eq!(c.count(ItemKind::Indicator), 51);
    for (kind, letter, n) in [(ItemKind::Standard, 'S', 66), (ItemKind::Indicator, 'I', 51)] {
        let codes: Vec<String> =
            c.groups.iter().filter(|g| g.kind == kind).flat_map(|g| g.items.iter().map(|i| i.code.clone())).collect();
        let want: Vec<String> = (1..=n).map(|i| format!("{letter}{i:02}")).collect();
        assert_eq!(codes, want, "{kind:?} codes run consecutively");
    }
    assert!(c.name.contains("参考版"), "the reference catalog says it is a reference version: {}", c.name);
}

#[test]
fn every_reference_item_is_complete() {
    let c = reference_catalog().unwrap();
    for g in &c.groups {
        for it in &g.items {
            assert!(!it.basis.trim().is_empty(), "{} has a basis", it.code);
            assert!(!it.requirement.trim().is_empty(), "{} has a requirement", it.code);
            assert!(!it.methods.is_empty() && !it.applies_to.is_empty(), "{} has methods and targets", it.code);
            assert!(!it.departments.is_empty(), "{} names a responsible department", it.code);
            if it.major_hazard {
                assert_eq!(it.severity, Severity::Major, "{} is a major hazard and defaults to 重大隐患", it.code);
            }
            if g.kind == ItemKind::Indicator {
                assert!(
                    it.applies_to.iter().all(|t| !t.is_facility()),
                    "indicator {} applies to governments or departments",
                    it.code
                );
            }
        }
    }
}

/// The inspectors' typical findings (mission source) must be checkable.
#[test]
fn reference_catalog_covers_what_inspectors_found() {
    let c = reference_catalog().unwrap();
    let text: String = c
        .groups
        .iter()
        .flat_map(|g| g.items.iter())
        .map(|i| format!("{} {} {} {}", i.title, i.requirement, i.basis, i.quick_phrases.join(" ")))
        .collect();
    for needle in [
        "灭火器", "消防", "疏散", "口罩", "生熟", "留样", "125", "48小时", "GB 38600", "噎食", "误食", "压疮", "烫伤",
        "坠床", "跌倒", "走失", "自伤", "文体活动", "入住评估", "服务协议", "24小时", "应急预案", "演练",
    ] {
        assert!(text.contains(needle), "the reference catalog mentions {needle}");
    }
    let facility_items = c.groups.iter().flat_map(|g| g.items.iter()).filter(|i| i.applies_to.iter().any(|t| t.is_facility()));
    let covered: BTreeSet<TargetKind> = facility_items.flat_map(|i| i.applies_to.iter().copied()).collect();
    for k in TargetKind::facility_kinds() {
        assert!(covered.contains(&k), "some standard applies to {k:?}");
    }
}

#[test]
fn reference_departments_have_24_departments_108_duties_linked_to_real_items() {
    let c = reference_catalog().unwrap();
    let deps = reference_departments().unwrap();
    assert_eq!(deps.len(), 24);
    assert_eq!(deps.iter().map(|d| d.duties.len()).sum::<usize>(), 108);
    let codes: BTreeSet<String> = c.groups.iter().flat_map(|g| g.items.iter().map(|i| i.code.clone())).collect();
    let names: BTreeSet<&str> = deps.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), 24, "department names are unique");
    let mut linked: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for d in &deps {
        for duty in &d.duties {
            assert!(!duty.item_codes.is_empty(), "{}: every duty links an item", d.name);
            for code in &duty.item_codes {
                assert!(codes.contains(code), "{} links unknown item {code}", d.name);
                linked.entry(code.as_str()).or_default().insert(d.name.as_str());
            }
        }
    }
    for it in c.groups.iter().flat_map(|g| g.items.iter()) {
        for dep in &it.departments {
            assert!(names.contains(dep.as_str()), "{} names unknown department {dep}", it.code);
        }
    }
}
