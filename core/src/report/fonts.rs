//! The bundled fonts: Noto Sans SC (Regular, Bold) and Noto Serif SC
//! (Regular), SIL Open Font License 1.1 (`core/assets/fonts/OFL-*.txt`).
//!
//! They are compiled into the program (`include_bytes!`, 35 MB in all) so that
//! the `qingdan` binary and the desktop app print the same pages with no font
//! folder to find or lose. Only the metrics (cmap and advance widths) are read
//! when a report is made; the PDF embeds a subset holding just the glyphs used.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;

use crate::error::{Error, Problem, Reason, Result};

static SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Regular.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Bold.ttf");
static SERIF: &[u8] = include_bytes!("../../assets/fonts/NotoSerifSC-Regular.ttf");

/// A bundled face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Sans,
    SansBold,
    Serif,
}

impl Face {
    pub const ALL: [Face; 3] = [Face::Sans, Face::SansBold, Face::Serif];

    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Sans => SANS,
            Face::SansBold => SANS_BOLD,
            Face::Serif => SERIF,
        }
    }

    pub fn postscript_name(self) -> &'static str {
        match self {
            Face::Sans => "NotoSansSC-Regular",
            Face::SansBold => "NotoSansSC-Bold",
            Face::Serif => "NotoSerifSC-Regular",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The face's metrics, read once per process.
    pub fn metrics(self) -> &'static Metrics {
        static CELLS: [OnceLock<Metrics>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        CELLS[self.index()].get_or_init(|| Metrics::read(self.bytes()).expect("the bundled fonts are valid TrueType"))
    }

    /// Faces tried, in order, for a character this face lacks.
    pub fn fallbacks(self) -> &'static [Face] {
        match self {
            Face::Sans => &[Face::SansBold, Face::Serif],
            Face::SansBold => &[Face::Sans, Face::Serif],
            Face::Serif => &[Face::Sans, Face::SansBold],
        }
    }

    /// The face that draws `c`: this one if it has the glyph, else the first
    /// fallback that does; `None` when no bundled font has it.
    pub fn resolve(self, c: char) -> Option<Face> {
        std::iter::once(self).chain(self.fallbacks().iter().copied()).find(|f| f.metrics().glyph(c).is_some())
    }
}

/// What layout needs of a font: character → glyph, and advance widths.
#[derive(Debug)]
pub struct Metrics {
    pub units_per_em: u16,
    pub ascent: i16,
    pub descent: i16,
    pub bbox: [i16; 4],
    pub weight: u16,
    cmap: HashMap<u32, u16>,
    advances: Vec<u16>,
}

impl Metrics {
    fn read(bytes: &[u8]) -> std::result::Result<Metrics, String> {
        let font = ReadScope::new(bytes).read::<FontData<'_>>().map_err(|e| e.to_string())?;
        let provider = font.table_provider(0).map_err(|e| e.to_string())?;
        let table = |t| provider.read_table_data(t).map_err(|e| e.to_string());
        let head_data = table(tag::HEAD)?;
        let head = ReadScope::new(&head_data).read::<HeadTable>().map_err(|e| e.to_string())?;
        let maxp_data = table(tag::MAXP)?;
        let maxp = ReadScope::new(&maxp_data).read::<MaxpTable>().map_err(|e| e.to_string())?;
        let hhea_data = table(tag::HHEA)?;
        let hhea = ReadScope::new(&hhea_data).read::<HheaTable>().map_err(|e| e.to_string())?;
        let cmap_data = table(tag::CMAP)?;
        let cmap = ReadScope::new(&cmap_data).read::<Cmap<'_>>().map_err(|e| e.to_string())?;
        let (_, sub) = allsorts::font::read_cmap_subtable(&cmap).map_err(|e| e.to_string())?.ok_or("no Unicode cmap")?;
        let mut map = HashMap::with_capacity(65_536);
        sub.mappings_fn(|cp, gid| {
            map.insert(cp, gid);
        })
        .map_err(|e| e.to_string())?;
        let hmtx_data = table(tag::HMTX)?;
        let hmtx = ReadScope::new(&hmtx_data)
            .read_dep::<HmtxTable<'_>>((usize::from(maxp.num_glyphs), usize::from(hhea.num_h_metrics)))
            .map_err(|e| e.to_string())?;
        let advances = (0..maxp.num_glyphs).map(|g| hmtx.horizontal_advance(g).unwrap_or(0)).collect();
        let weight = provider
            .read_table_data(tag::OS_2)
            .ok()
            .and_then(|d| ReadScope::new(&d).read_dep::<allsorts::tables::os2::Os2>(d.len()).ok().map(|o| o.us_weight_class))
            .unwrap_or(400);
        Ok(Metrics {
            units_per_em: head.units_per_em,
            ascent: hhea.ascender,
            descent: hhea.descender,
            bbox: [head.x_min, head.y_min, head.x_max, head.y_max],
            weight,
            cmap: map,
            advances,
        })
    }

    pub fn glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(&(c as u32)).copied().filter(|g| *g != 0)
    }

    /// Advance of `c` in em (0 when the font lacks it).
    pub fn advance_em(&self, c: char) -> f32 {
        self.glyph(c)
            .and_then(|g| self.advances.get(g as usize))
            .map(|a| *a as f32 / self.units_per_em as f32)
            .unwrap_or(0.0)
    }

    pub fn advance_of_glyph(&self, gid: u16) -> u16 {
        self.advances.get(gid as usize).copied().unwrap_or(0)
    }
}

/// Characters layout handles itself and never draws.
pub fn is_layout_control(c: char) -> bool {
    c == '\n' || c == '\r' || c == '\t' || c.is_control() || c == '\u{200b}' || c == '\u{feff}'
}

/// Checks every character of every text against the fonts before anything is
/// drawn. A character that `face` lacks is drawn from a fallback face; one
/// that no bundled font has is refused, naming the record and field it came
/// from (`(where, text)` pairs), never printed as an empty box.
pub fn check_texts<'a>(face_texts: impl IntoIterator<Item = (Face, &'a str, &'a str)>) -> Result<()> {
    let mut missing: BTreeMap<String, Vec<char>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (face, place, text) in face_texts {
        for c in text.chars() {
            if is_layout_control(c) || c == ' ' || face.resolve(c).is_some() {
                continue;
            }
            let list = missing.entry(place.to_string()).or_insert_with(|| {
                order.push(place.to_string());
                Vec::new()
            });
            if !list.contains(&c) {
                list.push(c);
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let problems = order
        .iter()
        .map(|place| {
            let chars = &missing[place];
            let shown: Vec<String> = chars.iter().map(|c| format!("“{c}”（U+{:04X}）", *c as u32)).collect();
            Problem::new(Reason::Other {
                zh: format!("字体中没有字符 {}，无法打印。请改用通行写法，或在备注中说明。", shown.join("、")),
                en: format!("the fonts have no glyph for {}; it cannot be printed", shown.join(", ")),
            })
            .field(place.clone())
        })
        .collect();
    Err(Error::Input(problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_cover_common_chinese_and_latin() {
        for face in Face::ALL {
            let m = face.metrics();
            for c in "养老服务监督清单第页共，。（）ABCxyz0123456789".chars() {
                assert!(m.glyph(c).is_some(), "{face:?} lacks {c}");
            }
            // A CJK ideograph is one em wide; a Latin letter is narrower.
            assert!((m.advance_em('养') - 1.0).abs() < 0.01, "{face:?}");
            assert!(m.advance_em('i') < 0.5, "{face:?}");
        }
    }

    #[test]
    fn a_character_no_font_has_is_refused_with_its_place() {
        // U+30000 (a CJK Extension G ideograph) is in none of the bundled fonts.
        let rare = '\u{30000}';
        assert!(Face::Sans.resolve(rare).is_none());
        let text = format!("张{rare}明");
        let err = check_texts([(Face::Sans, "检查组成员", text.as_str())]).unwrap_err();
        let msg = err.message(crate::Lang::Zh);
        assert!(msg.contains("检查组成员"), "{msg}");
        assert!(msg.contains("U+30000"), "{msg}");
        assert_eq!(err.exit_code(), 2);
        check_texts([(Face::Sans, "x", "张三明 A-1（一）")]).unwrap();
    }
}
