//! Layout for printed reports, independent of PDF: measuring text, breaking
//! lines the way Chinese typesetting requires, and paginating a flow of
//! boxes (paragraph lines, table rows, headings, pictures, signature blocks).
//!
//! Rules, each covered by a test below:
//! - no line starts with closing punctuation (，。、；：？！）」』》〉】 …) and
//!   none ends with opening punctuation (（「『《〈【 …): the neighbouring
//!   character moves with it;
//! - a Latin word or number is never split, unless it alone is wider than a line;
//! - a table row never splits across pages, and the header row repeats on
//!   every page the table continues on;
//! - a box marked keep-with-next (a heading, the lines of a signature block)
//!   goes to the next page rather than end a page without what follows it;
//! - page numbers “第 N 页 共 M 页” are written in a second pass, once M is known;
//! - a title breaks only at the places its caller allows (between words),
//!   into the fewest lines, the most even of them ([`title_lines`]).

/// Width of a character in em, from the font's advance widths.
pub type Advance<'a> = &'a dyn Fn(char) -> f32;

/// May not begin a line.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '、' | '；' | '：' | '？' | '！' | '）' | '」' | '』' | '》' | '〉' | '】' | '〕' | '〗' | '〙' | '］' | '｝'
            | '”' | '’' | '…' | '‥' | '·' | '・' | '〃' | '々' | '～' | '％' | '‰' | '℃' | '．' | '｡' | '､'
            | ',' | '.' | ';' | ':' | '?' | '!' | ')' | ']' | '}' | '%'
            | 'ー' | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ'
    )
}

/// May not end a line.
pub fn is_opening(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '《' | '〈' | '【' | '〔' | '〖' | '〘' | '［' | '｛' | '“' | '‘' | '(' | '[' | '{' | '＜')
}

/// A character that belongs to a Latin word or number (never split inside).
fn is_word_char(c: char) -> bool {
    (c.is_ascii_graphic() && !matches!(c, '(' | '[' | '{')) || matches!(c, 'À'..='ɏ' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９')
}

/// Width of a text in points.
pub fn measure(text: &str, size: f32, advance: Advance<'_>) -> f32 {
    text.chars().map(advance).sum::<f32>() * size
}

/// Breaks `text` into lines no wider than `width` points at `size` points.
/// `\n` is a hard break (an empty paragraph line is kept as an empty line).
pub fn break_lines(text: &str, width: f32, size: f32, advance: Advance<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r');
        if para.trim().is_empty() {
            out.push(String::new());
            continue;
        }
        break_paragraph(para, width, size, advance, &mut out);
    }
    out
}

/// The pieces a line may break between: one CJK character, one Latin word or
/// one run of spaces; closing punctuation joins the piece before it and
/// opening punctuation joins the piece after it.
fn units(text: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, raw: &mut Vec<String>| {
        if !word.is_empty() {
            raw.push(std::mem::take(word));
        }
    };
    for c in text.chars() {
        if c == '\t' {
            flush(&mut word, &mut raw);
            raw.push(" ".into());
        } else if c == ' ' || c == '\u{3000}' {
            flush(&mut word, &mut raw);
            if raw.last().is_some_and(|u| u.chars().all(|x| x == ' ' || x == '\u{3000}')) {
                raw.last_mut().unwrap().push(c);
            } else {
                raw.push(c.to_string());
            }
        } else if crate::report::fonts::is_layout_control(c) {
            continue;
        } else if is_word_char(c) && !is_closing(c) {
            word.push(c);
        } else if is_closing(c) && !word.is_empty() {
            // 12.5% or “Mr.”: the punctuation stays in the word.
            word.push(c);
        } else {
            flush(&mut word, &mut raw);
            raw.push(c.to_string());
        }
    }
    flush(&mut word, &mut raw);
    let mut merged: Vec<String> = Vec::new();
    for u in raw {
        let first = u.chars().next().unwrap_or(' ');
        let glue = match merged.last() {
            Some(prev) => {
                let prev_last = prev.chars().last().unwrap_or(' ');
                let prev_space = prev.chars().all(|x| x == ' ');
                (is_closing(first) && !prev_space) || (is_opening(prev_last) && first != ' ')
            }
            None => false,
        };
        if glue {
            merged.last_mut().unwrap().push_str(&u);
        } else {
            merged.push(u);
        }
    }
    merged
}

fn is_space(u: &str) -> bool {
    u.chars().all(|c| c == ' ' || c == '\u{3000}')
}

fn break_paragraph(text: &str, width: f32, size: f32, advance: Advance<'_>, out: &mut Vec<String>) {
    let mut line = String::new();
    let mut line_w = 0.0f32;
    // Leading full-width spaces (a paragraph indent) are kept; breaks drop spaces.
    let mut first = true;
    for u in units(text) {
        let w = measure(&u, size, advance);
        if is_space(&u) {
            if line.is_empty() && !first {
                continue;
            }
            line.push_str(&u);
            line_w += w;
            first = false;
            continue;
        }
        first = false;
        if line_w + w <= width + 0.01 || line.trim().is_empty() && w <= width + 0.01 {
            line.push_str(&u);
            line_w += w;
            continue;
        }
        if !line.trim().is_empty() {
            out.push(line.trim_end().to_string());
            line = String::new();
            line_w = 0.0;
        }
        if w <= width + 0.01 {
            line.push_str(&u);
            line_w = w;
        } else {
            // A single piece wider than the line (a long URL or number): split it
            // by characters, as the only way to print it.
            for c in u.chars() {
                let cw = advance(c) * size;
                if line_w + cw > width + 0.01 && !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(c);
                line_w += cw;
            }
        }
    }
    if !line.trim().is_empty() {
        out.push(line.trim_end().to_string());
    }
}

/// Breaks a title of several lines only where its words allow (GB/T 9704
/// §7.3.1: 标题回行时，要做到词意完整，排列对称，长短适宜): `breaks` lists the
/// character offsets after which a line may end, each with a penalty (0 for
/// the best places, higher for places to use only when needed). The fewest
/// lines that fit `width` are used; among those, the break with the lowest sum
/// of penalties plus the difference, in em, between the longest and the
/// shortest line. `None` when no choice of the allowed breaks fits (the
/// caller then breaks the title as running text).
pub fn title_lines(text: &str, breaks: &[(usize, f32)], width: f32, size: f32, advance: Advance<'_>) -> Option<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut prefix = vec![0.0f32];
    for c in &chars {
        prefix.push(prefix.last().unwrap() + advance(*c) * size);
    }
    let mut points: Vec<(usize, f32)> = breaks.iter().copied().filter(|(p, _)| *p > 0 && *p < chars.len()).collect();
    points.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup_by_key(|p| p.0);
    // Titles have a handful of places to break; more than 16 are never needed.
    points.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    points.truncate(16);
    points.sort_by_key(|p| p.0);
    let mut best: Option<(u32, f32, Vec<usize>)> = None;
    for mask in 0u32..(1 << points.len()) {
        let cuts: Vec<usize> = (0..points.len()).filter(|i| mask & (1 << i) != 0).map(|i| points[i].0).collect();
        let bounds: Vec<usize> = std::iter::once(0).chain(cuts.iter().copied()).chain(std::iter::once(chars.len())).collect();
        let widths: Vec<f32> = bounds.windows(2).map(|w| prefix[w[1]] - prefix[w[0]]).collect();
        if widths.iter().any(|w| *w > width + 0.01) {
            continue;
        }
        if cuts.iter().any(|&c| is_opening(chars[c - 1]) || is_closing(chars[c])) {
            continue;
        }
        let penalty: f32 = (0..points.len()).filter(|i| mask & (1 << i) != 0).map(|i| points[i].1).sum();
        let spread = widths.iter().copied().fold(0.0f32, f32::max) - widths.iter().copied().fold(f32::INFINITY, f32::min);
        let cost = penalty + spread / size;
        let lines = mask.count_ones();
        let better = match &best {
            None => true,
            Some((l, c, _)) => lines < *l || (lines == *l && cost < *c - 1e-4),
        };
        if better {
            best = Some((lines, cost, bounds));
        }
    }
    best.map(|(_, _, bounds)| bounds.windows(2).map(|w| chars[w[0]..w[1]].iter().collect()).collect())
}

/// One box in the flow of a document, as the paginator sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowBox {
    pub height: f32,
    /// Must be on the same page as the box after it.
    pub keep_with_next: bool,
    /// A row of table `t`: when the table continues on a new page, header `t` is drawn first.
    pub table: Option<usize>,
    /// Starts a new page (an attachment after the body of a notice).
    pub break_before: bool,
}

impl FlowBox {
    pub const fn new(height: f32) -> FlowBox {
        FlowBox { height, keep_with_next: false, table: None, break_before: false }
    }
}

/// Where a box (or a repeated table header) lands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placed {
    /// Box `index` at `y` points below the top of the page's text area.
    Box { index: usize, y: f32 },
    /// Header of table `table`, repeated at the top of a page.
    Header { table: usize, y: f32 },
}

/// Paginates a flow into pages of `page_height` points. `header_heights[t]`
/// is the height of table `t`'s header row; the first header is an ordinary
/// box in the flow (with keep-with-next), repeats are inserted here.
pub fn paginate(boxes: &[FlowBox], header_heights: &[f32], page_height: f32) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = 0.0f32;
    let mut i = 0;
    while i < boxes.len() {
        let b = boxes[i];
        // The chain of boxes kept together with this one.
        let mut chain_h = b.height;
        let mut j = i;
        while boxes[j].keep_with_next && j + 1 < boxes.len() {
            j += 1;
            chain_h += boxes[j].height;
        }
        let header_h = |t: Option<usize>| t.and_then(|t| header_heights.get(t).copied()).unwrap_or(0.0);
        let fits = y + chain_h <= page_height + 0.01;
        let at_top = pages.last().unwrap().is_empty();
        let fits_alone_on_fresh_page = chain_h + header_h(b.table) <= page_height + 0.01;
        let need_new = if at_top {
            false
        } else if b.break_before {
            true
        } else if fits {
            false
        } else if fits_alone_on_fresh_page {
            true
        } else {
            // A chain longer than a page cannot be kept together: keep only
            // the box itself whole.
            y + b.height > page_height + 0.01
        };
        if need_new {
            pages.push(Vec::new());
            y = 0.0;
        }
        let page = pages.last_mut().unwrap();
        if page.is_empty() {
            if let (Some(t), true) = (b.table, i > 0 && boxes[i - 1].table == b.table) {
                page.push(Placed::Header { table: t, y });
                y += header_h(Some(t));
            }
        }
        page.push(Placed::Box { index: i, y });
        y += b.height;
        i += 1;
    }
    pages
}

/// The footer of page `n` (1-based) of `m`.
pub fn page_label(n: usize, m: usize) -> String {
    format!("第 {n} 页 共 {m} 页")
}

/// Second pass: the footer of every page, once the page count is known.
pub fn page_labels<T>(pages: &[T]) -> Vec<String> {
    (1..=pages.len()).map(|n| page_label(n, pages.len())).collect()
}

/// 2024-05-20 → 二〇二四年五月二十日 (the date style of official documents).
pub fn chinese_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let year: String = date.year().to_string().chars().map(|c| D[c.to_digit(10).unwrap() as usize]).collect();
    let small = |n: u32| -> String {
        match n {
            0..=9 => D[n as usize].to_string(),
            10 => "十".into(),
            11..=19 => format!("十{}", D[(n - 10) as usize]),
            _ => format!("{}十{}", D[(n / 10) as usize], if n.is_multiple_of(10) { String::new() } else { D[(n % 10) as usize].to_string() }),
        }
    };
    format!("{year}年{}月{}日", small(date.month()), small(date.day()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A monospaced stand-in: CJK and full-width 1 em, everything else 0.5 em.
    fn mono(c: char) -> f32 {
        if c.is_ascii() { 0.5 } else { 1.0 }
    }

    fn lines(text: &str, chars_per_line: f32) -> Vec<String> {
        break_lines(text, chars_per_line * 10.0, 10.0, &mono)
    }

    #[test]
    fn cjk_text_fills_lines_to_the_width() {
        let l = lines("一二三四五六七八九十甲乙", 5.0);
        assert_eq!(l, vec!["一二三四五", "六七八九十", "甲乙"]);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        // Greedy filling would put “，” at the start of line 2.
        let l = lines("一二三四五，六七八", 5.0);
        assert_eq!(l, vec!["一二三四", "五，六七八"]);
        for p in ['。', '、', '；', '：', '？', '！', '）', '」', '』', '》', '〉', '】'] {
            let text = format!("一二三四五{p}六七");
            let l = lines(&text, 5.0);
            assert!(l.iter().all(|line| !line.starts_with(p)), "{p}: {l:?}");
            assert_eq!(l.concat(), text);
        }
    }

    #[test]
    fn consecutive_closing_marks_stay_with_the_character_before() {
        let l = lines("一二三四五。」六七", 5.0);
        assert_eq!(l, vec!["一二三四", "五。」六七"]);
    }

    #[test]
    fn no_line_ends_with_opening_punctuation() {
        let l = lines("一二三四（五六）七", 5.0);
        assert_eq!(l, vec!["一二三四", "（五六）七"]);
        for p in ['（', '「', '『', '《', '〈', '【'] {
            let text = format!("一二三四{p}五六");
            let l = lines(&text, 5.0);
            assert!(l.iter().all(|line| !line.ends_with(p)), "{p}: {l:?}");
        }
    }

    #[test]
    fn latin_words_and_numbers_are_not_split() {
        // "GB/T" and "9704-2012" must move whole to the next line.
        let l = lines("依据GB/T 9704-2012执行", 6.0);
        assert_eq!(l, vec!["依据GB/T", "9704-2012执", "行"]);
        let l = lines("关于 elderly care 服务", 6.0);
        assert!(l.iter().any(|x| x.contains("elderly")), "{l:?}");
        assert!(l.iter().all(|x| !x.ends_with("eld") && !x.starts_with("erly")), "{l:?}");
    }

    #[test]
    fn a_word_longer_than_the_line_is_split_rather_than_lost() {
        let l = lines("https://example.org/abcdefghij", 5.0);
        assert!(l.len() > 1);
        assert_eq!(l.concat(), "https://example.org/abcdefghij");
        assert!(l.iter().all(|x| measure(x, 10.0, &mono) <= 50.01), "{l:?}");
    }

    #[test]
    fn hard_breaks_and_widths() {
        assert_eq!(lines("甲\n\n乙", 5.0), vec!["甲", "", "乙"]);
        assert_eq!(measure("养老ab", 10.0, &mono), 30.0);
    }

    #[test]
    fn a_title_breaks_between_words_and_evenly() {
        // 20 characters a line, as the 22 pt title of a notice in a 156 mm line.
        let title = |parts: &[(&str, f32)]| {
            let mut text = String::new();
            let mut breaks = Vec::new();
            for (p, penalty) in parts {
                text.push_str(p);
                breaks.push((text.chars().count(), *penalty));
            }
            title_lines(&text, &breaks, 200.0, 10.0, &mono)
        };
        // The shape of the issue: greedy or width-narrowing breaking gave “…中心存 / 在问题…”.
        let l = title(&[("关于", 3.0), ("老城区西关街道社区养老服务中心", 0.0), ("存在问题", 0.5), ("限期整改的", 1.0), ("通知", 0.0)]).unwrap();
        assert_eq!(l, vec!["关于老城区西关街道社区养老服务中心", "存在问题限期整改的通知"]);
        // Short enough for one line: one line.
        assert_eq!(title(&[("关于", 3.0), ("某院", 0.0), ("存在问题", 0.5), ("限期整改的", 1.0), ("通知", 0.0)]).unwrap().len(), 1);
        // Of two two-line choices the more even one wins, even at a small penalty.
        let l = title(&[("关于", 3.0), ("老城社会福利中心", 0.0), ("存在问题", 0.5), ("限期整改的", 1.0), ("通知", 0.0), ("（第二次）", 0.0)]).unwrap();
        assert_eq!(l, vec!["关于老城社会福利中心存在问题", "限期整改的通知（第二次）"]);
        // No allowed break fits: the caller falls back.
        assert_eq!(title(&[("养".repeat(25).as_str(), 0.0)]), None);
    }

    #[test]
    fn a_title_never_breaks_before_closing_punctuation() {
        let text = "关于某某某某某某某某某某某某某某某某某（试行）的通知";
        let n = text.chars().count();
        // A break offered before “）” or after “（” is not taken.
        let breaks: Vec<(usize, f32)> = (1..n).map(|p| (p, 0.0)).collect();
        let l = title_lines(text, &breaks, 200.0, 10.0, &mono).unwrap();
        assert_eq!(l.concat(), text);
        assert!(l.iter().all(|x| !x.starts_with(is_closing) && !x.ends_with(is_opening)), "{l:?}");
        assert!(l.iter().all(|x| measure(x, 10.0, &mono) <= 200.0), "{l:?}");
    }

    fn row(h: f32) -> FlowBox {
        FlowBox { table: Some(0), ..FlowBox::new(h) }
    }

    #[test]
    fn table_rows_never_split_and_the_header_repeats() {
        // Header 10 (first one in the flow, kept with the first row), rows of 30 on pages of 100.
        let mut boxes = vec![FlowBox { keep_with_next: true, ..FlowBox::new(10.0) }];
        boxes.extend([row(30.0), row(30.0), row(30.0), row(30.0), row(30.0)]);
        let pages = paginate(&boxes, &[10.0], 100.0);
        assert_eq!(pages.len(), 2);
        // Page 1: header + 3 rows (10 + 90 = 100).
        assert_eq!(pages[0].len(), 4);
        // Page 2 starts with the repeated header, then rows 4 and 5.
        assert_eq!(pages[1][0], Placed::Header { table: 0, y: 0.0 });
        assert_eq!(pages[1][1], Placed::Box { index: 4, y: 10.0 });
        assert_eq!(pages[1][2], Placed::Box { index: 5, y: 40.0 });
        // Every row lies wholly on its page.
        for page in &pages {
            for p in page {
                if let Placed::Box { index, y } = p {
                    assert!(y + boxes[*index].height <= 100.0 + 0.01);
                }
            }
        }
    }

    #[test]
    fn a_row_that_would_overflow_moves_whole_to_the_next_page() {
        let boxes = [row(60.0), row(50.0)];
        let pages = paginate(&boxes, &[0.0], 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1], vec![Placed::Header { table: 0, y: 0.0 }, Placed::Box { index: 1, y: 0.0 }]);
    }

    #[test]
    fn a_heading_is_kept_with_what_follows() {
        let para = FlowBox::new(20.0);
        let heading = FlowBox { keep_with_next: true, ..FlowBox::new(15.0) };
        // 4 × 20 = 80; the heading would fit at 80..95 but its paragraph would not.
        let boxes = [para, para, para, para, heading, para];
        let pages = paginate(&boxes, &[], 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1][0], Placed::Box { index: 4, y: 0.0 });
        // Without keep-with-next the heading stays on page 1.
        let loose = FlowBox { keep_with_next: false, ..heading };
        let pages = paginate(&[para, para, para, para, loose, para], &[], 100.0);
        assert_eq!(pages[0].len(), 5);
    }

    #[test]
    fn a_signature_block_stays_together() {
        let para = FlowBox::new(30.0);
        let sig = |last: bool| FlowBox { keep_with_next: !last, ..FlowBox::new(12.0) };
        // 60 used; the 3 signature lines (36) do not fit in the remaining 40? They do (96).
        let pages = paginate(&[para, para, sig(false), sig(false), sig(true)], &[], 100.0);
        assert_eq!(pages.len(), 1);
        // With 70 used they do not (106): all three move.
        let big = FlowBox { height: 70.0, ..para };
        let pages = paginate(&[big, sig(false), sig(false), sig(true)], &[], 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].len(), 3);
    }

    #[test]
    fn a_chain_longer_than_a_page_still_paginates() {
        let b = FlowBox { keep_with_next: true, ..FlowBox::new(40.0) };
        let pages = paginate(&[b, b, b, b], &[], 100.0);
        assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), 4);
        assert!(pages.len() >= 2);
    }

    #[test]
    fn a_page_break_starts_a_new_page_unless_the_page_is_empty() {
        let b = FlowBox::new(10.0);
        let brk = FlowBox { break_before: true, ..b };
        let pages = paginate(&[b, brk, b], &[], 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1][0], Placed::Box { index: 1, y: 0.0 });
        // At the top of a page it adds no empty page.
        assert_eq!(paginate(&[brk, b], &[], 100.0).len(), 1);
    }

    #[test]
    fn page_numbers_come_from_the_final_count() {
        let pages = paginate(&[row(60.0), row(60.0), row(60.0)], &[0.0], 100.0);
        assert_eq!(page_labels(&pages), vec!["第 1 页 共 3 页", "第 2 页 共 3 页", "第 3 页 共 3 页"]);
    }

    #[test]
    fn dates_in_chinese_numerals() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(chinese_date(d(2024, 5, 20)), "二〇二四年五月二十日");
        assert_eq!(chinese_date(d(2024, 10, 1)), "二〇二四年十月一日");
        assert_eq!(chinese_date(d(2025, 12, 31)), "二〇二五年十二月三十一日");
        assert_eq!(chinese_date(d(2030, 11, 15)), "二〇三〇年十一月十五日");
    }
}
