//! The reference catalog (参考版) that ships with the app, kept as a
//! human-reviewable TOML file: `core/data/reference-catalog.toml`.
//!
//! It is written from the facts in the project's regulatory fact sheet; article
//! numbers not verified against an official text are marked （待核） in the
//! basis. The official 66 + 51 lists are imported over it from spreadsheets.

use serde::Deserialize;

use super::{CheckMethod, ItemKind, ParsedCatalog, ParsedGroup, ParsedItem, Severity, TargetKind};
use crate::error::{Error, Problem, Reason, Result};

pub const FILE_NAME: &str = "reference-catalog.toml";
const REFERENCE_TOML: &str = include_str!("../../data/reference-catalog.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    catalog: Header,
    group: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    kind: String,
    name: String,
    item: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    code: String,
    title: String,
    requirement: String,
    basis: String,
    methods: Vec<String>,
    applies_to: Vec<String>,
    departments: Vec<String>,
    severity: String,
    major_hazard: bool,
    quick_phrases: Vec<String>,
}

/// The reference catalog, parsed and checked.
pub fn reference_catalog() -> Result<ParsedCatalog> {
    parse_toml(REFERENCE_TOML, FILE_NAME)
}

/// Reads a catalog in the reference TOML layout. Every unknown vocabulary
/// value is reported with the item's code and field.
pub fn parse_toml(text: &str, file_name: &str) -> Result<ParsedCatalog> {
    let file: File = toml::from_str(text).map_err(|e| {
        let mut p = Problem::new(Reason::FileUnreadable(e.message().to_string())).file(file_name);
        if let Some(span) = e.span() {
            p = p.row(text[..span.start.min(text.len())].lines().count().max(1) as u32);
        }
        Error::Input(vec![p])
    })?;
    let mut problems = Vec::new();
    let mut groups = Vec::new();
    for g in file.group {
        let at = |field: &str, code: &str| Problem::new(Reason::Required).file(file_name).field(format!("{code} {field}"));
        let Some(kind) = ItemKind::parse(&g.kind) else {
            problems.push(Problem::new(Reason::Invalid { value: g.kind.clone(), expected: ItemKind::expected_zh() })
                .file(file_name)
                .field(format!("分组“{}”的类型", g.name)));
            continue;
        };
        let mut items = Vec::new();
        for it in g.item {
            let mut vocab = |field: &str, value: &str, expected: String| {
                let mut p = at(field, &it.code);
                p = Problem { reason: Reason::Invalid { value: value.into(), expected }, ..p };
                p.message_zh = p.reason.text(crate::Lang::Zh);
                p.message_en = p.reason.text(crate::Lang::En);
                problems.push(p);
            };
            let methods: Vec<CheckMethod> = it
                .methods
                .iter()
                .filter_map(|m| CheckMethod::parse(m).or_else(|| { vocab("检查方法", m, CheckMethod::expected_zh()); None }))
                .collect();
            let applies_to: Vec<TargetKind> = it
                .applies_to
                .iter()
                .filter_map(|m| TargetKind::parse(m).or_else(|| { vocab("适用对象", m, TargetKind::expected_zh()); None }))
                .collect();
            let severity = Severity::parse(&it.severity).unwrap_or_else(|| {
                vocab("严重程度", &it.severity, Severity::expected_zh());
                Severity::General
            });
            items.push(ParsedItem {
                code: it.code,
                title: it.title,
                requirement: it.requirement,
                basis: it.basis,
                methods,
                applies_to,
                departments: it.departments,
                severity,
                major_hazard: it.major_hazard,
                quick_phrases: it.quick_phrases,
            });
        }
        groups.push(ParsedGroup { kind, name: g.name, items });
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let catalog = ParsedCatalog { name: file.catalog.name, source: file.catalog.source, groups };
    super::import::validate(&catalog, file_name)?;
    Ok(catalog)
}
