//! Shrinks a TrueType subset before it is embedded in a PDF.
//!
//! The glyph outlines are most of a report's bytes (Noto Sans SC: about 240
//! bytes per CJK glyph, 800 glyphs in a 117-item inspection report). Two
//! things are done here, both invisible in print and in text extraction:
//!
//! - tables a PDF reader never uses for a CIDFontType2 font (PDF 32000-1,
//!   9.9: characters reach glyphs through the PDF's own CID → GID map, so the
//!   font's `cmap` is not needed; `OS/2`, `post`, `GSUB`, `GPOS` … neither) are
//!   left out; `name` (the copyright notice) is kept;
//! - the outlines are redrawn on a grid of [`EMBED_UPEM`] units per em instead
//!   of 1,000: the coordinate steps between points then mostly fit in one byte
//!   instead of two. One unit is 1/256 em: 0.035 pt at 9 pt, 0.086 pt at 22
//!   pt (二号, the largest size we print), under a dot of a 1,200 dpi printer.
//!   Advance widths in the PDF (`/W`) still come from the original metrics, so
//!   where each character sits does not change at all.
//!
//! A font this code does not fully understand (composite glyphs, hinting
//! instructions, a table it would have to rescale) is left as it is: the
//! function returns `None` and the caller embeds the subset unchanged.
//! Deliberately not done: converting outlines to CFF, or dropping the bold
//! face for a synthetic bold.

use std::collections::BTreeMap;

/// Units per em of the embedded outlines.
pub const EMBED_UPEM: u16 = 256;

/// Tables kept (all others are dropped). `hhea`, `head`, `hmtx`, `glyf`,
/// `loca` and `maxp` are required by PDF 32000-1 (9.9) for TrueType in a
/// CIDFont; `cvt `, `fpgm` and `prep` would be too, but a font that uses them
/// is not rescaled.
const KEEP: [&[u8; 4]; 7] = [b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name", b"glyf"];

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    d.get(o..o + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn i16_at(d: &[u8], o: usize) -> Option<i16> {
    u16_at(d, o).map(|v| v as i16)
}

fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    d.get(o..o + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn tables(font: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    let n = u16_at(font, 4)? as usize;
    let mut out = BTreeMap::new();
    for i in 0..n {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        out.insert(tag, font.get(off..off.checked_add(len)?)?);
    }
    Some(out)
}

/// A simple glyph's outline: contour end points, on-curve flags and absolute coordinates.
#[derive(Debug, Clone, PartialEq)]
struct Outline {
    ends: Vec<u16>,
    on: Vec<bool>,
    xs: Vec<i32>,
    ys: Vec<i32>,
}

const ON_CURVE: u8 = 0x01;
const X_SHORT: u8 = 0x02;
const Y_SHORT: u8 = 0x04;
const REPEAT: u8 = 0x08;
const X_SAME_OR_POSITIVE: u8 = 0x10;
const Y_SAME_OR_POSITIVE: u8 = 0x20;

/// Decodes a simple glyph without instructions; `None` for anything else.
fn decode(g: &[u8]) -> Option<Outline> {
    let contours = i16_at(g, 0)?;
    if contours <= 0 {
        return None;
    }
    let nc = contours as usize;
    let ends: Vec<u16> = (0..nc).map(|i| u16_at(g, 10 + 2 * i)).collect::<Option<_>>()?;
    let instructions = u16_at(g, 10 + 2 * nc)? as usize;
    if instructions != 0 {
        return None;
    }
    let points = *ends.last()? as usize + 1;
    let mut p = 12 + 2 * nc;
    let mut flags = Vec::with_capacity(points);
    while flags.len() < points {
        let f = *g.get(p)?;
        p += 1;
        flags.push(f);
        if f & REPEAT != 0 {
            let r = *g.get(p)?;
            p += 1;
            for _ in 0..r {
                flags.push(f);
            }
        }
    }
    flags.truncate(points);
    let mut coords = |short: u8, same: u8| -> Option<Vec<i32>> {
        let mut v = 0i32;
        let mut out = Vec::with_capacity(points);
        for f in &flags {
            if f & short != 0 {
                let d = i32::from(*g.get(p)?);
                p += 1;
                v += if f & same != 0 { d } else { -d };
            } else if f & same == 0 {
                v += i32::from(i16_at(g, p)?);
                p += 2;
            }
            out.push(v);
        }
        Some(out)
    };
    let xs = coords(X_SHORT, X_SAME_OR_POSITIVE)?;
    let ys = coords(Y_SHORT, Y_SAME_OR_POSITIVE)?;
    Some(Outline { ends, on: flags.iter().map(|f| f & ON_CURVE != 0).collect(), xs, ys })
}

/// Encodes an outline in the most compact form the format allows.
fn encode(o: &Outline) -> Vec<u8> {
    let mut flags = Vec::with_capacity(o.on.len());
    let (mut xb, mut yb) = (Vec::new(), Vec::new());
    let (mut px, mut py) = (0i32, 0i32);
    for ((on, x), y) in o.on.iter().zip(&o.xs).zip(&o.ys) {
        let mut f = if *on { ON_CURVE } else { 0 };
        for (d, short, same, buf) in [(x - px, X_SHORT, X_SAME_OR_POSITIVE, &mut xb), (y - py, Y_SHORT, Y_SAME_OR_POSITIVE, &mut yb)] {
            if d == 0 {
                f |= same;
            } else if (-255..=255).contains(&d) {
                f |= short;
                if d > 0 {
                    f |= same;
                }
                buf.push(d.unsigned_abs() as u8);
            } else {
                buf.extend_from_slice(&(d as i16).to_be_bytes());
            }
        }
        (px, py) = (*x, *y);
        flags.push(f);
    }
    let bound = |v: &[i32], max: bool| -> i16 { (if max { v.iter().max() } else { v.iter().min() }).copied().unwrap_or(0) as i16 };
    let mut out = Vec::new();
    out.extend_from_slice(&(o.ends.len() as i16).to_be_bytes());
    for v in [bound(&o.xs, false), bound(&o.ys, false), bound(&o.xs, true), bound(&o.ys, true)] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    for e in &o.ends {
        out.extend_from_slice(&e.to_be_bytes());
    }
    out.extend_from_slice(&0u16.to_be_bytes());
    let mut i = 0;
    while i < flags.len() {
        let mut run = 0usize;
        while i + run + 1 < flags.len() && flags[i + run + 1] == flags[i] && run < 255 {
            run += 1;
        }
        if run > 0 {
            out.push(flags[i] | REPEAT);
            out.push(run as u8);
        } else {
            out.push(flags[i]);
        }
        i += run + 1;
    }
    out.extend_from_slice(&xb);
    out.extend_from_slice(&yb);
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |s, c| {
        let mut b = [0u8; 4];
        b[..c.len()].copy_from_slice(c);
        s.wrapping_add(u32::from_be_bytes(b))
    })
}

/// The font with only the tables a PDF reader needs and its outlines on a
/// grid of [`EMBED_UPEM`] units per em; `None` when it cannot be rewritten
/// safely (then embed it unchanged).
pub fn compact(font: &[u8]) -> Option<Vec<u8>> {
    let t = tables(font)?;
    if [b"cvt ", b"fpgm", b"vhea", b"vmtx"].iter().any(|k| t.contains_key(*k)) {
        return None;
    }
    let head = t.get(b"head")?.to_vec();
    let hhea = t.get(b"hhea")?.to_vec();
    let maxp = *t.get(b"maxp")?;
    let (loca, glyf, hmtx) = (*t.get(b"loca")?, *t.get(b"glyf")?, *t.get(b"hmtx")?);
    if head.len() < 54 || hhea.len() < 36 {
        return None;
    }
    let from = u16_at(&head, 18)?;
    let glyphs = u16_at(maxp, 4)? as usize;
    let long_loca = i16_at(&head, 50)? != 0;
    let offset = |i: usize| if long_loca { u32_at(loca, 4 * i).map(|v| v as usize) } else { u16_at(loca, 2 * i).map(|v| 2 * v as usize) };
    let to = EMBED_UPEM;
    if from <= to {
        return None;
    }
    let scale = |v: i32| -> i32 { ((v as i64 * to as i64) as f64 / from as f64).round() as i32 };

    let mut new_glyf = Vec::with_capacity(glyf.len());
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for i in 0..glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let (s, e) = (offset(i)?, offset(i + 1)?);
        if e <= s {
            continue;
        }
        let mut o = decode(glyf.get(s..e)?)?;
        o.xs.iter_mut().for_each(|v| *v = scale(*v));
        o.ys.iter_mut().for_each(|v| *v = scale(*v));
        new_glyf.extend(encode(&o));
        if new_glyf.len() % 2 == 1 {
            new_glyf.push(0);
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let metrics = u16_at(&hhea, 34)? as usize;
    let mut new_hmtx = hmtx.to_vec();
    let entries = metrics * 2 + glyphs.saturating_sub(metrics);
    if new_hmtx.len() < 2 * entries {
        return None;
    }
    for i in 0..entries {
        let v = if i < 2 * metrics && i % 2 == 0 {
            scale(i32::from(u16_at(hmtx, 2 * i)?)) as u16
        } else {
            scale(i32::from(i16_at(hmtx, 2 * i)?)) as i16 as u16
        };
        new_hmtx[2 * i..2 * i + 2].copy_from_slice(&v.to_be_bytes());
    }

    let mut new_head = head;
    new_head[8..12].copy_from_slice(&[0; 4]);
    new_head[18..20].copy_from_slice(&to.to_be_bytes());
    for o in [36, 38, 40, 42] {
        let v = scale(i32::from(i16_at(&new_head, o)?)) as i16;
        new_head[o..o + 2].copy_from_slice(&v.to_be_bytes());
    }
    new_head[50..52].copy_from_slice(&1i16.to_be_bytes());
    let mut new_hhea = hhea;
    // ascender, descender, lineGap, advanceWidthMax, minLSB, minRSB, xMaxExtent.
    for o in [4, 6, 8, 10, 12, 14, 16] {
        let v = if o == 10 { scale(i32::from(u16_at(&new_hhea, o)?)) as u16 } else { scale(i32::from(i16_at(&new_hhea, o)?)) as i16 as u16 };
        new_hhea[o..o + 2].copy_from_slice(&v.to_be_bytes());
    }

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for tag in KEEP {
        let data = match tag {
            b"head" => new_head.clone(),
            b"hhea" => new_hhea.clone(),
            b"hmtx" => new_hmtx.clone(),
            b"loca" => new_loca.clone(),
            b"glyf" => new_glyf.clone(),
            _ => match t.get(tag) {
                Some(d) => d.to_vec(),
                None => continue,
            },
        };
        out_tables.push((*tag, data));
    }
    if let Some(prep) = t.get(b"prep") {
        // A few bytes of global settings (Noto: the dropout control), kept as it is.
        out_tables.push((*b"prep", prep.to_vec()));
    }
    out_tables.sort_by_key(|(tag, _)| *tag);
    Some(assemble(&out_tables))
}

/// Writes an sfnt file of `tables` (sorted by tag) with correct checksums.
fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let pow = 1u16 << (15 - n.leading_zeros() as u16).min(15);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(pow * 16).to_be_bytes());
    out.extend_from_slice(&(pow.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(n * 16 - pow * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend(body);
    let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    if let Some(head) = tables.iter().position(|(t, _)| t == b"head") {
        let start = 12 + 16 * tables.len() + tables[..head].iter().map(|(_, d)| d.len().div_ceil(4) * 4).sum::<usize>();
        out[start + 8..start + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fonts::Face;

    fn subset_of(face: Face, text: &str) -> Vec<u8> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{CmapTarget, SubsetProfile};
        let m = face.metrics();
        let mut ids: Vec<u16> = std::iter::once(0).chain(text.chars().filter_map(|c| m.glyph(c))).collect();
        ids.dedup();
        let font = ReadScope::new(face.bytes()).read::<FontData<'_>>().unwrap();
        let provider = font.table_provider(0).unwrap();
        allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).unwrap()
    }

    #[test]
    fn encoding_a_decoded_glyph_gives_the_same_outline() {
        let font = subset_of(Face::Sans, "养老服务监督清单ABC123");
        let t = tables(&font).unwrap();
        let head = t[b"head"];
        assert_eq!(i16_at(head, 50), Some(1), "allsorts writes long loca");
        let loca = t[b"loca"];
        let glyf = t[b"glyf"];
        let mut seen = 0;
        for i in 0..(loca.len() / 4 - 1) {
            let (s, e) = (u32_at(loca, 4 * i).unwrap() as usize, u32_at(loca, 4 * i + 4).unwrap() as usize);
            if e <= s {
                continue;
            }
            let o = decode(&glyf[s..e]).expect("Noto Sans SC glyphs are simple and unhinted");
            assert_eq!(decode(&encode(&o)).unwrap(), o);
            seen += 1;
        }
        assert!(seen >= 14, "{seen}");
    }

    #[test]
    fn compacting_keeps_every_glyph_and_rescales_within_half_a_unit() {
        for face in Face::ALL {
            let font = subset_of(face, "关于老城社会福利中心存在问题限期整改的通知，（一）2024年");
            let small = compact(&font).expect("the bundled fonts can be compacted");
            assert!(small.len() < font.len() * 95 / 100, "{face:?}: {} → {}", font.len(), small.len());
            let (a, b) = (tables(&font).unwrap(), tables(&small).unwrap());
            assert!(!b.contains_key(b"cmap") && !b.contains_key(b"post"), "{face:?}: tables a PDF does not need are dropped");
            assert_eq!(u16_at(b[b"head"], 18), Some(EMBED_UPEM));
            assert_eq!(checksum(&small), 0xB1B0_AFBA, "{face:?}: whole-font checksum");
            assert_eq!(a[b"maxp"], b[b"maxp"]);
            let from = f64::from(u16_at(a[b"head"], 18).unwrap());
            let n = u16_at(a[b"maxp"], 4).unwrap() as usize;
            for i in 0..n {
                let span = |t: &BTreeMap<[u8; 4], &[u8]>| {
                    let l = t[b"loca"];
                    (u32_at(l, 4 * i).unwrap() as usize, u32_at(l, 4 * i + 4).unwrap() as usize)
                };
                let ((s0, e0), (s1, e1)) = (span(&a), span(&b));
                assert_eq!(e0 > s0, e1 > s1, "{face:?} glyph {i}: empty stays empty");
                if e0 <= s0 {
                    continue;
                }
                let (o0, o1) = (decode(&a[b"glyf"][s0..e0]).unwrap(), decode(&b[b"glyf"][s1..e1]).unwrap());
                assert_eq!(o0.ends, o1.ends);
                assert_eq!(o0.on, o1.on);
                for (v0, v1) in o0.xs.iter().chain(&o0.ys).zip(o1.xs.iter().chain(&o1.ys)) {
                    let exact = f64::from(*v0) * f64::from(EMBED_UPEM) / from;
                    assert!((exact - f64::from(*v1)).abs() <= 0.5, "{face:?} glyph {i}: {v0} → {v1}");
                }
            }
            // A CJK advance of one em stays exactly one em.
            let adv = |t: &BTreeMap<[u8; 4], &[u8]>, upem: f64| f64::from(u16_at(t[b"hmtx"], 4 * (n - 1)).unwrap()) / upem;
            assert!((adv(&a, from) - adv(&b, f64::from(EMBED_UPEM))).abs() < 0.002, "{face:?}");
        }
    }

    #[test]
    fn a_font_it_does_not_understand_is_left_alone() {
        assert_eq!(compact(b"not a font"), None);
        // A glyph with hinting instructions cannot be rescaled: decode refuses it.
        let mut g = encode(&Outline { ends: vec![2], on: vec![true; 3], xs: vec![0, 100, 50], ys: vec![0, 0, 80] });
        assert!(decode(&g).is_some());
        g[12..14].copy_from_slice(&1u16.to_be_bytes());
        assert_eq!(decode(&g), None);
    }
}
