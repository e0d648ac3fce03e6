//! 学习清单: the laws, regulations, standards and policies behind the
//! catalog, which the supervision team studies before it inspects.
//!
//! The list is read from the `basis` (依据) of every item of the active
//! catalog version, as the catalog writes it, e.g.
//! `《中华人民共和国消防法》第十六条、第十七条；《河南省消防条例》第十三条`.
//! Documents are separated by `；` (or `;`, a line break, or `、` between two
//! titles); a title in 《》 is the document, a document number written right
//! after it — （国发〔2021〕35号）, （GB 38600-2019） — is dropped, and what
//! follows is split on `、` into articles (第十六条, 第6章, 基本要求 …),
//! keeping a 待核 note attached to its article. A local document written
//! without 《》 (当地养老服务设施星级评定办法（以本地文件为准）) is listed
//! under its name without the note.
//!
//! Each document lists its articles (chapters first, then articles, in
//! numeric order), the items it grounds and who of the team has marked it
//! studied (a per-person mark with a date; [`mark_studied`],
//! [`unmark_studied`]). Only a document on the list can be marked.
//!
//! Left out: the documents' texts themselves, and documents not cited by any
//! item; marks on documents that left the list (after a catalog change) stay
//! in the database but are not shown until the document comes back.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{check_name, date_or_today, date_text, limits, refuse};
use crate::changelog;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::problem::today;
use crate::text::clean;

/// One document on the learning list.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LearningDoc {
    /// The title as cited, with its 《》 (or a local document's name).
    pub document: String,
    /// The articles/chapters the catalog cites, in order; empty when it cites the whole document.
    pub articles: Vec<String>,
    /// Codes of the items it grounds, in catalog order.
    pub item_codes: Vec<String>,
    /// Who has marked it studied, by name.
    pub studied_by: Vec<String>,
    /// Whether the person asked about has marked it studied.
    pub studied_by_person: bool,
    /// When that person studied it (YYYY-MM-DD).
    pub studied_on: Option<String>,
}

/// One document cited in a basis text, with the articles cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BasisRef {
    pub document: String,
    pub articles: Vec<String>,
}

/// Splits a catalog item's basis into the documents it cites.
pub fn parse_basis(basis: &str) -> Vec<BasisRef> {
    let mut out: Vec<BasisRef> = Vec::new();
    for segment in basis.split(['；', ';', '\n', '\r']).map(str::trim).filter(|s| !s.is_empty()) {
        if segment.contains('《') {
            let mut rest = segment;
            while let Some(open) = rest.find('《') {
                let after = &rest[open..];
                let Some(close) = after.find('》') else { break };
                let document = clean(&after[..close + '》'.len_utf8()]);
                let tail_start = open + close + '》'.len_utf8();
                let tail_end = rest[tail_start..].find('《').map(|p| tail_start + p).unwrap_or(rest.len());
                let articles = articles_of(&rest[tail_start..tail_end]);
                if document.chars().count() > 2 {
                    push_ref(&mut out, document, articles);
                }
                rest = &rest[tail_end..];
            }
        } else {
            // A local document without 《》: its name, then perhaps an article.
            let (name, tail) = match article_start(segment) {
                Some(p) if p > 0 => (&segment[..p], &segment[p..]),
                _ => (segment, ""),
            };
            let name = clean(&strip_parentheticals(name));
            if !name.is_empty() {
                push_ref(&mut out, name, articles_of(tail));
            }
        }
    }
    out
}

fn push_ref(out: &mut Vec<BasisRef>, document: String, articles: Vec<String>) {
    match out.iter_mut().find(|r| r.document == document) {
        Some(r) => {
            for a in articles {
                if !r.articles.contains(&a) {
                    r.articles.push(a);
                }
            }
        }
        None => out.push(BasisRef { document, articles }),
    }
}

fn is_open(c: char) -> bool {
    matches!(c, '（' | '(')
}

fn is_close(c: char) -> bool {
    matches!(c, '）' | ')')
}

/// The articles cited after a title: leading parentheticals (a document
/// number or a note on the whole citation) dropped, the rest split on `、`
/// and `，` outside parentheses.
fn articles_of(tail: &str) -> Vec<String> {
    let mut t = tail.trim_start_matches(|c: char| c.is_whitespace() || c == '、' || c == '，' || c == ',');
    // Drop leading parentheticals: （GB 38600-2019）, （国发〔2021〕35号）, （条款待核）.
    while t.starts_with(is_open) {
        match matching_close(t) {
            Some(end) => t = t[end..].trim_start(),
            None => break,
        }
    }
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in t.chars() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        }
        if depth == 0 && matches!(c, '、' | '，' | ',') {
            pieces.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    pieces.push(current);
    pieces
        .into_iter()
        .map(|p| clean(&p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The byte index just after the parenthetical that opens `s`.
fn matching_close(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(i + c.len_utf8());
            }
        }
    }
    None
}

fn strip_parentheticals(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 {
            out.push(c);
        }
    }
    out
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || "零〇一二两三四五六七八九十百千".contains(c)
}

/// Where an article citation (第N条/章/节/款/项) starts in a text.
fn article_start(s: &str) -> Option<usize> {
    for (i, _) in s.match_indices('第') {
        let rest = &s[i + '第'.len_utf8()..];
        let digits: String = rest.chars().take_while(|c| is_numeral(*c)).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with(['条', '章', '节', '款', '项']) {
            return Some(i);
        }
    }
    None
}

/// The value of a Chinese or Arabic numeral (三十二 → 32, 一百零五 → 105, 6 → 6).
fn numeral_value(s: &str) -> Option<u32> {
    let folded: String = s.chars().map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) } else { c }).collect();
    if let Ok(n) = folded.parse() {
        return Some(n);
    }
    let (mut total, mut digit) = (0u32, None::<u32>);
    for c in folded.chars() {
        let d = match c {
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        match (d, c) {
            (Some(d), _) => digit = Some(d),
            (None, '十') => total += digit.take().unwrap_or(1) * 10,
            (None, '百') => total += digit.take().unwrap_or(1) * 100,
            (None, '千') => total += digit.take().unwrap_or(1) * 1000,
            _ => return None,
        }
    }
    Some(total + digit.unwrap_or(0))
}

/// Chapters before articles, each in numeric order; anything else after, as written.
fn article_key(a: &str) -> (u8, u32, String) {
    if let Some(rest) = a.strip_prefix('第') {
        let num: String = rest.chars().take_while(|c| is_numeral(*c)).collect();
        let unit = rest[num.len()..].chars().next();
        if let (Some(n), Some(unit)) = (numeral_value(&num), unit) {
            let rank = match unit {
                '章' => 0,
                '节' => 1,
                '条' => 2,
                _ => 3,
            };
            return (rank, n, a.to_string());
        }
    }
    (9, 0, a.to_string())
}

struct Doc {
    document: String,
    articles: Vec<String>,
    item_codes: Vec<String>,
}

/// The documents of a catalog version, in the order the catalog first cites them.
fn catalog_documents(conn: &Connection, version_id: Option<&str>) -> Result<Vec<Doc>> {
    let Some(version_id) = version_id else { return Ok(Vec::new()) };
    let mut st = conn.prepare("SELECT code, basis FROM catalog_item WHERE version_id = ?1 ORDER BY position")?;
    let items = st.query_map([version_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut docs: Vec<Doc> = Vec::new();
    for item in items {
        let (code, basis) = item?;
        for r in parse_basis(&basis) {
            let doc = match docs.iter_mut().position(|d| d.document == r.document) {
                Some(i) => &mut docs[i],
                None => {
                    docs.push(Doc { document: r.document.clone(), articles: Vec::new(), item_codes: Vec::new() });
                    docs.last_mut().expect("just pushed")
                }
            };
            for a in r.articles {
                if !doc.articles.contains(&a) {
                    doc.articles.push(a);
                }
            }
            if !doc.item_codes.contains(&code) {
                doc.item_codes.push(code.clone());
            }
        }
    }
    for d in &mut docs {
        d.articles.sort_by_key(|a| article_key(a));
    }
    Ok(docs)
}

/// The learning list of the active catalog version, with who studied what;
/// `person` marks the documents that person has studied.
pub fn documents(db: &Db, person: Option<&str>) -> Result<Vec<LearningDoc>> {
    let version = crate::catalog::active_version(db)?.map(|v| v.id);
    let docs = catalog_documents(db.conn(), version.as_deref())?;
    let person = person.map(clean).filter(|p| !p.is_empty());
    let mut marks: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    {
        let mut st = db.conn().prepare("SELECT document, person, studied_on FROM study_mark ORDER BY person")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (document, who, on) = row?;
            marks.entry(document).or_default().push((who, on));
        }
    }
    Ok(docs
        .into_iter()
        .map(|d| {
            let m = marks.get(&d.document).map(Vec::as_slice).unwrap_or(&[]);
            let mine = person.as_deref().and_then(|p| m.iter().find(|(who, _)| who == p));
            LearningDoc {
                studied_by: m.iter().map(|(who, _)| who.clone()).collect(),
                studied_by_person: mine.is_some(),
                studied_on: mine.map(|(_, on)| on.clone()),
                document: d.document,
                articles: d.articles,
                item_codes: d.item_codes,
            }
        })
        .collect())
}

/// The document as listed: the name as typed, or with 《》 added.
fn find_document<'a>(docs: &'a [Doc], name: &str) -> Option<&'a Doc> {
    let name = clean(name);
    docs.iter().find(|d| d.document == name).or_else(|| {
        let bracketed = format!("《{}》", name.trim_start_matches('《').trim_end_matches('》'));
        docs.iter().find(|d| d.document == bracketed)
    })
}

fn not_listed(document: &str) -> Error {
    refuse(
        "document",
        format!("“{document}”不在学习清单中：学习清单列出当前内容清单各条目依据的法规政策"),
        format!("'{document}' is not on the learning list, which holds the documents the active catalog's items cite"),
    )
}

/// Marks a document studied by a person of the team (on a date, today by
/// default); marking it again moves the date.
pub fn mark_studied(db: &mut Db, person: &str, document: &str, on: Option<&str>, actor: &str) -> Result<LearningDoc> {
    let person = check_name("person", person, limits::NAME, true)?;
    let document_in = check_name("document", document, limits::TOPIC, true)?;
    let document = db.with_tx(|tx| {
        let on = date_or_today("on", on, today(tx.now()))?;
        let version = crate::catalog::active_version_tx(tx)?;
        let docs = catalog_documents(tx, version.as_deref())?;
        let doc = find_document(&docs, &document_in).ok_or_else(|| not_listed(&document_in))?;
        let old: Option<String> = tx
            .query_row("SELECT studied_on FROM study_mark WHERE person = ?1 AND document = ?2", params![person, doc.document], |r| r.get(0))
            .optional()?;
        let on = date_text(on);
        let changed = changelog::record(tx, actor, "study_mark", &format!("{person}/{}", doc.document), "studied_on", old.as_deref(), Some(&on))?;
        if changed {
            tx.execute(
                "INSERT INTO study_mark (person, document, studied_on, created_at, device_id) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (person, document) DO UPDATE SET studied_on = excluded.studied_on, device_id = excluded.device_id",
                params![person, doc.document, on, tx.now_text(), tx.device_id()],
            )?;
        }
        Ok(doc.document.clone())
    })?;
    documents(db, Some(&person))?
        .into_iter()
        .find(|d| d.document == document)
        .ok_or_else(|| Error::Internal(format!("document {document} vanished")))
}

/// Removes a person's mark.
pub fn unmark_studied(db: &mut Db, person: &str, document: &str, actor: &str) -> Result<()> {
    let person = check_name("person", person, limits::NAME, true)?;
    let document_in = check_name("document", document, limits::TOPIC, true)?;
    db.with_tx(|tx| {
        let version = crate::catalog::active_version_tx(tx)?;
        let docs = catalog_documents(tx, version.as_deref())?;
        // A mark on a document that left the list can still be removed by its exact name.
        let document = find_document(&docs, &document_in).map(|d| d.document.clone()).unwrap_or(document_in);
        let old: Option<String> = tx
            .query_row("SELECT studied_on FROM study_mark WHERE person = ?1 AND document = ?2", params![person, document], |r| r.get(0))
            .optional()?;
        let Some(old) = old else {
            return Err(Error::NotFound { what: "学习记录", key: format!("{person}：{document}") });
        };
        tx.execute("DELETE FROM study_mark WHERE person = ?1 AND document = ?2", params![person, document])?;
        changelog::record(tx, actor, "study_mark", &format!("{person}/{document}"), "studied_on", Some(&old), None)?;
        Ok(())
    })
}
