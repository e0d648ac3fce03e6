//! Text as it comes from office spreadsheets: full-width digits and brackets,
//! stray spaces, ordinal prefixes such as “一、” or “（三）”.
//!
//! Free text (a requirement, an address) keeps its Chinese punctuation; only
//! the values the program must understand (headers, codes, numbers, enumerated
//! values) are folded to their half-width form before comparing.

use unicode_normalization::UnicodeNormalization;

/// Trims and collapses runs of white space (including full-width spaces and
/// line breaks inside a cell) into one space; keeps Chinese punctuation.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    let mut gap_has_break = false;
    for ch in s.chars() {
        if ch.is_whitespace() || ch == '\u{3000}' || ch == '\u{a0}' {
            gap = !out.is_empty();
            gap_has_break |= ch == '\n' || ch == '\r';
            continue;
        }
        if gap {
            // A line break inside a Chinese cell wraps text; it is not a word gap.
            let prev_wide = out.chars().last().is_some_and(is_wide);
            let prev_punct = out.chars().last().is_some_and(is_fullwidth_punct);
            let drop = (gap_has_break && (prev_wide || is_wide(ch))) || prev_punct || is_fullwidth_punct(ch);
            if !drop {
                out.push(' ');
            }
        }
        gap = false;
        gap_has_break = false;
        out.push(ch);
    }
    out
}

/// Text from a file made elsewhere (a device name, a file name), safe to show
/// in a terminal or a window: control characters and the marks that reorder
/// text (bidirectional overrides) are dropped, so a name cannot move the
/// cursor, change colours or disguise itself.
pub fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() && !matches!(*c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')).collect()
}

/// The comparable form: NFKC (full-width → half-width), no white space at all,
/// lower-case ASCII. For headers, codes and enumerated values only.
pub fn fold(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Full-width punctuation never takes a space beside it.
fn is_fullwidth_punct(ch: char) -> bool {
    matches!(ch as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// CJK ideographs and the full-width punctuation written between them: no
/// word space belongs next to these.
fn is_wide(ch: char) -> bool {
    is_cjk(ch) || matches!(ch as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

pub fn is_cjk(ch: char) -> bool {
    matches!(ch as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Removes an ordinal prefix such as “一、”, “（三）”, “3.”, “第二章 ” and a
/// count suffix such as “（8项）” from a group heading.
pub fn strip_ordinals(s: &str) -> String {
    let s = clean(s);
    let mut rest: &str = &s;
    // “第二章”, “第2部分”
    if let Some(after) = rest.strip_prefix('第') {
        if let Some(pos) = after.find(['章', '节', '部', '类', '篇']) {
            let (num, tail) = after.split_at(pos);
            if !num.is_empty() && num.chars().all(is_numeral) {
                rest = tail.trim_start_matches(['章', '节', '部', '分', '类', '篇']);
            }
        }
    }
    // “（一）”, “(3)”
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(after) = rest.strip_prefix(open) {
            if let Some(pos) = after.find(close) {
                if after[..pos].chars().all(is_numeral) && pos > 0 {
                    rest = &after[pos + close.len_utf8()..];
                }
            }
        }
    }
    // “一、”, “3.”, “3、”, “3．”
    let num_len: usize = rest.chars().take_while(|c| is_numeral(*c)).map(char::len_utf8).sum();
    if num_len > 0 {
        let after = &rest[num_len..];
        if let Some(t) = after.strip_prefix(['、', '.', '．', ' ', '，']) {
            rest = t;
        }
    }
    let mut out = rest.trim().to_string();
    // “（8项）”, “(共 8 条)”
    for (open, close) in [('（', '）'), ('(', ')')] {
        if out.ends_with(close) {
            if let Some(pos) = out.rfind(open) {
                let inner: String = fold(&out[pos + open.len_utf8()..out.len() - close.len_utf8()]);
                let inner = inner.trim_start_matches('共');
                let is_count = inner.trim_end_matches(['项', '条', '个']).chars().all(|c| c.is_ascii_digit() || is_numeral(c))
                    && inner.len() > inner.trim_end_matches(['项', '条', '个']).len();
                if is_count {
                    out.truncate(pos);
                }
            }
        }
    }
    out.trim().to_string()
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit()
        || ('０'..='９').contains(&c)
        || "零〇一二三四五六七八九十百".contains(c)
}

/// Parses a whole number from a cell such as “120”, “１２０”, “120张”, “120.0”.
/// Returns `None` for anything else; the caller reports it.
pub fn parse_count(s: &str) -> Option<u32> {
    let f = fold(s);
    let f = f.trim_end_matches(['张', '人', '个', '名', '床', '位']);
    let f = f.replace(',', "");
    if let Ok(n) = f.parse::<u32>() {
        return Some(n);
    }
    match f.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 => Some(x as u32),
        _ => None,
    }
}

/// The English name of a field for English error messages.
pub fn field_en(zh: &str) -> &str {
    match zh {
        "编号" => "code",
        "类型" => "kind",
        "分组" => "group",
        "标题" => "title",
        "内容" => "requirement",
        "依据" => "basis",
        "检查方法" => "check method",
        "适用对象" => "applies to",
        "责任单位" => "responsible department",
        "严重程度" => "severity",
        "重大事故隐患" => "major accident hazard",
        "常见问题" => "typical findings",
        "机构名称" => "facility name",
        "所属县区" => "county/district",
        "乡镇（街道）" => "township/street",
        "机构类型" => "facility type",
        "运营方式" => "operator type",
        "地址" => "address",
        "运营单位" => "operator",
        "床位数" => "beds",
        "入住人数" => "residents",
        "星级" => "star level",
        "联系人" => "contact person",
        "联系电话" => "contact phone",
        "部门" => "department",
        "职责" => "duty",
        "关联条目" => "linked items",
        other => other,
    }
}

/// English for the “expected …” part of an invalid-value message.
pub fn expected_en(zh: &str) -> String {
    zh.replace("衡量标准", "standard (衡量标准)")
        .replace("工作指标", "indicator (工作指标)")
        .replace("或", " or ")
        .replace("、", ", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_drops_terminal_escapes_and_reordering_marks() {
        assert_eq!(printable("王的笔记本\u{1b}[2J\u{1b}]0;x\u{7}"), "王的笔记本[2J]0;x");
        assert_eq!(printable("a\u{202e}gpj.exe"), "agpj.exe");
        assert_eq!(printable("第一组\r\n笔记本"), "第一组笔记本");
    }
    use rstest::rstest;

    #[rstest]
    #[case("一、规划和建设", "规划和建设")]
    #[case("（三）机构养老服务（12项）", "机构养老服务")]
    #[case("第二章 规划和建设", "规划和建设")]
    #[case("3. 资金保障(共 8 条)", "资金保障")]
    #[case("医养康养结合", "医养康养结合")]
    #[case("二十、人才", "人才")]
    fn ordinals_and_counts_are_stripped(#[case] input: &str, #[case] want: &str) {
        assert_eq!(strip_ordinals(input), want);
    }

    #[rstest]
    #[case("120", Some(120))]
    #[case("１２０", Some(120))]
    #[case("120张", Some(120))]
    #[case("120.0", Some(120))]
    #[case(" 1,200 ", Some(1200))]
    #[case("一百", None)]
    #[case("-3", None)]
    #[case("12.5", None)]
    fn counts_parse_from_office_cells(#[case] input: &str, #[case] want: Option<u32>) {
        assert_eq!(parse_count(input), want);
    }

    #[test]
    fn clean_keeps_punctuation_and_joins_cjk_lines() {
        assert_eq!(clean("  应当建立\n入住评估制度，  定期评估 "), "应当建立入住评估制度，定期评估");
        assert_eq!(clean("GB 38600\n2019"), "GB 38600 2019");
        assert_eq!(clean("依据 GB 38600"), "依据 GB 38600");
    }

    #[test]
    fn fold_makes_fullwidth_comparable() {
        assert_eq!(fold("床位（张）"), "床位(张)");
        assert_eq!(fold("Ｓ０１"), "s01");
    }
}

/// What a person typed, trimmed, within `max` characters and without control
/// characters (line breaks and tabs allowed); `required` refuses an empty one.
pub(crate) fn check_text(field: &str, value: &str, max: usize, required: bool) -> crate::Result<String> {
    use crate::error::{Error, Reason};
    let v = value.trim().to_string();
    if required && v.is_empty() {
        return Err(Error::invalid(field, Reason::Required));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(field, Reason::TooLong { max }));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::refuse(field, "含有不可见的控制字符", "contains control characters"));
    }
    Ok(v)
}
