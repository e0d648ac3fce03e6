//! Writes laid-out pages to PDF with printpdf's low-level drawing API.
//!
//! Fonts are subset here (allsorts, the library printpdf itself uses): each
//! face used is cut down to the glyphs on the pages, renumbered, and handed
//! to printpdf as a small TrueType font, so a report embeds tens of
//! kilobytes of font rather than 10 MB. Resource names and the document ID
//! are derived from the content, so the same data and clock give the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, RawImage, RawImageData, RawImageFormat, Rect, TextItem, XObject, XObjectId, XObjectTransform,
};
use sha2::{Digest, Sha256};

use super::fonts::{is_layout_control, Face};
use crate::error::{Error, Result};

pub const MM: f32 = 72.0 / 25.4;

/// Something drawn on a page; coordinates in points from the top-left corner,
/// text `y` at the baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    /// `tracking`: points added after every character (negative to condense;
    /// GB/T 9704 sets 28 characters of 16 pt in a 156 mm line).
    Text { x: f32, y: f32, face: Face, size: f32, tracking: f32, text: String },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, gray: f32 },
    /// A filled rectangle, `y` at its top.
    Fill { x: f32, y: f32, w: f32, h: f32, ink: Ink },
    /// Image `image` (an index into the images), `y` at its top.
    Image { image: usize, x: f32, y: f32, w: f32, h: f32 },
}

impl Draw {
    /// The same operation moved by `dx`, `dy` points.
    pub fn offset(&self, dx: f32, dy: f32) -> Draw {
        match self.clone() {
            Draw::Text { x, y, face, size, tracking, text } => Draw::Text { x: x + dx, y: y + dy, face, size, tracking, text },
            Draw::Line { x1, y1, x2, y2, width, gray } => Draw::Line { x1: x1 + dx, y1: y1 + dy, x2: x2 + dx, y2: y2 + dy, width, gray },
            Draw::Fill { x, y, w, h, ink } => Draw::Fill { x: x + dx, y: y + dy, w, h, ink },
            Draw::Image { image, x, y, w, h } => Draw::Image { image, x: x + dx, y: y + dy, w, h },
        }
    }
}

/// The colour of a filled area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ink {
    /// 0 black … 1 white.
    Gray(f32),
    /// sRGB, 0–255 per channel.
    Rgb([u8; 3]),
}

impl Ink {
    /// Lightness as a greyscale printer or photocopier renders it (Rec. 601
    /// luma, 0 black … 1 white).
    pub fn luminance(self) -> f32 {
        match self {
            Ink::Gray(g) => g,
            Ink::Rgb([r, g, b]) => (0.299 * r as f32 + 0.587 * g as f32 + 0.114 * b as f32) / 255.0,
        }
    }

    fn color(self) -> Color {
        match self {
            Ink::Gray(g) => gray(g),
            Ink::Rgb([r, g, b]) => {
                Color::Rgb(printpdf::Rgb { r: r as f32 / 255.0, g: g as f32 / 255.0, b: b as f32 / 255.0, icc_profile: None })
            }
        }
    }
}

/// An RGB picture to place (already scaled for print).
#[derive(Debug, Clone)]
pub struct Picture {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone)]
pub struct DocInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub created: DateTime<Utc>,
}

/// Width of `text` drawn in `face` (with per-character fallback) at `size`.
pub fn text_width(face: Face, size: f32, text: &str) -> f32 {
    tracked_width(face, size, 0.0, text)
}

/// [`text_width`] with `tracking` points after every character.
pub fn tracked_width(face: Face, size: f32, tracking: f32, text: &str) -> f32 {
    text.chars().filter(|c| !is_layout_control(*c)).map(|c| advance(face, c) * size + tracking).sum::<f32>()
}

/// Advance in em of `c` in `face`, or in the fallback face that draws it.
pub fn advance(face: Face, c: char) -> f32 {
    face.resolve(c).map(|f| f.metrics().advance_em(c)).unwrap_or(0.0)
}

/// Splits a text into runs of the face that actually draws each character.
fn runs(face: Face, text: &str) -> Vec<(Face, String)> {
    let mut out: Vec<(Face, String)> = Vec::new();
    for c in text.chars().filter(|c| !is_layout_control(*c)) {
        let Some(f) = face.resolve(c) else { continue };
        match out.last_mut() {
            Some((lf, s)) if *lf == f => s.push(c),
            _ => out.push((f, c.to_string())),
        }
    }
    out
}

fn gray(g: f32) -> Color {
    Color::Greyscale(Greyscale { percent: g, icc_profile: None })
}

/// The graphics state last written to a page's content stream.
#[derive(Default)]
struct State {
    fill: Option<Ink>,
    stroke: Option<f32>,
    line_width: Option<f32>,
    tracking: Option<f32>,
    font: Option<(Face, f32)>,
}

impl State {
    fn fill(&mut self, ops: &mut Vec<Op>, ink: Ink) {
        if self.fill != Some(ink) {
            ops.push(Op::SetFillColor { col: ink.color() });
            self.fill = Some(ink);
        }
    }
}

/// Leaves out of every CIDFont's `/W` the glyphs as wide as its `/DW` (one
/// em: every CJK ideograph), which readers take as the default anyway.
fn default_widths(lo: &mut lopdf::Document) {
    use lopdf::Object;
    for obj in lo.objects.values_mut() {
        let Object::Dictionary(font) = obj else { continue };
        let Ok(Object::Array(descendants)) = font.get_mut(b"DescendantFonts") else { continue };
        for d in descendants.iter_mut() {
            let Object::Dictionary(cid) = d else { continue };
            let dw = cid.get(b"DW").and_then(Object::as_i64).unwrap_or(1000);
            let Ok(Object::Array(w)) = cid.get(b"W") else { continue };
            let mut widths: BTreeMap<i64, i64> = BTreeMap::new();
            let mut i = 0;
            let mut ok = true;
            while i < w.len() {
                match (w.get(i).and_then(|o| o.as_i64().ok()), w.get(i + 1), w.get(i + 2).and_then(|o| o.as_i64().ok())) {
                    (Some(first), Some(Object::Array(list)), _) => {
                        for (k, v) in list.iter().enumerate() {
                            widths.insert(first + k as i64, v.as_i64().unwrap_or(dw));
                        }
                        i += 2;
                    }
                    (Some(first), Some(Object::Integer(last)), Some(v)) => {
                        for c in first..=*last {
                            widths.insert(c, v);
                        }
                        i += 3;
                    }
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            let mut out: Vec<Object> = Vec::new();
            let mut run: Vec<Object> = Vec::new();
            let mut next = None;
            for (c, v) in widths.into_iter().filter(|(_, v)| *v != dw) {
                if next != Some(c) && !run.is_empty() {
                    out.push(Object::Array(std::mem::take(&mut run)));
                }
                if run.is_empty() {
                    out.push(Object::Integer(c));
                }
                run.push(Object::Integer(v));
                next = Some(c + 1);
            }
            if !run.is_empty() {
                out.push(Object::Array(run));
            }
            cid.set("W", Object::Array(out));
        }
    }
}

/// Renders pages of `width` × `height` points to PDF bytes.
pub fn write(width: f32, height: f32, pages: &[Vec<Draw>], pictures: &[Picture], info: &DocInfo) -> Result<Vec<u8>> {
    // 1. Which glyphs of which face are used.
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for page in pages {
        for d in page {
            if let Draw::Text { face, text, .. } = d {
                for (f, s) in runs(*face, text) {
                    used.entry(f).or_default().extend(s.chars());
                }
            }
        }
    }
    let mut doc = PdfDocument::new(&info.title);
    let mut font_ids: BTreeMap<Face, FontId> = BTreeMap::new();
    for (n, (face, chars)) in used.iter().enumerate() {
        let parsed = subset(*face, chars)?;
        let id = FontId(format!("F{n}"));
        doc.resources.fonts.map.insert(id.clone(), PdfFont::new(parsed));
        font_ids.insert(*face, id);
    }
    for (n, p) in pictures.iter().enumerate() {
        let raw = RawImage {
            pixels: RawImageData::U8(p.rgb.clone()),
            width: p.width as usize,
            height: p.height as usize,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        doc.resources.xobjects.map.insert(XObjectId(format!("Im{n}")), XObject::Image(raw));
    }

    // 2. Pages.
    let mut out_pages = Vec::with_capacity(pages.len());
    for page in pages {
        let mut ops = Vec::new();
        // Graphics state is written only when it changes (it persists across
        // text objects): most table cells share font, colour and spacing.
        let mut state = State::default();
        for d in page {
            match d {
                Draw::Text { x, y, face, size, tracking, text } => {
                    let mut cx = *x;
                    for (f, s) in runs(*face, text) {
                        let w = tracked_width(f, *size, *tracking, &s);
                        if !s.trim().is_empty() {
                            ops.push(Op::StartTextSection);
                            if state.tracking != Some(*tracking) {
                                ops.push(Op::SetCharacterSpacing { multiplier: *tracking });
                                state.tracking = Some(*tracking);
                            }
                            state.fill(&mut ops, Ink::Gray(0.0));
                            if state.font != Some((f, *size)) {
                                ops.push(Op::SetFont { font: PdfFontHandle::External(font_ids[&f].clone()), size: Pt(*size) });
                                state.font = Some((f, *size));
                            }
                            ops.push(Op::SetTextCursor { pos: Point { x: Pt(cx), y: Pt(height - y) } });
                            ops.push(Op::ShowText { items: vec![TextItem::Text(s)] });
                            ops.push(Op::EndTextSection);
                        }
                        cx += w;
                    }
                }
                Draw::Line { x1, y1, x2, y2, width: lw, gray: g } => {
                    if state.stroke != Some(*g) {
                        ops.push(Op::SetOutlineColor { col: gray(*g) });
                        state.stroke = Some(*g);
                    }
                    if state.line_width != Some(*lw) {
                        ops.push(Op::SetOutlineThickness { pt: Pt(*lw) });
                        state.line_width = Some(*lw);
                    }
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint { p: Point { x: Pt(*x1), y: Pt(height - y1) }, bezier: false },
                                LinePoint { p: Point { x: Pt(*x2), y: Pt(height - y2) }, bezier: false },
                            ],
                            is_closed: false,
                        },
                    });
                }
                Draw::Fill { x, y, w, h, ink } => {
                    state.fill(&mut ops, *ink);
                    let mut r = Rect::from_xywh(Pt(*x), Pt(height - y - h), Pt(*w), Pt(*h));
                    r.mode = Some(PaintMode::Fill);
                    ops.push(Op::DrawRectangle { rectangle: r });
                }
                Draw::Image { image, x, y, w, h } => {
                    let p = &pictures[*image];
                    ops.push(Op::UseXobject {
                        id: XObjectId(format!("Im{image}")),
                        transform: XObjectTransform {
                            translate_x: Some(Pt(*x)),
                            translate_y: Some(Pt(height - y - h)),
                            rotate: None,
                            scale_x: Some(w / p.width as f32),
                            scale_y: Some(h / p.height as f32),
                            dpi: Some(72.0),
                            no_auto_scale: false,
                        },
                    });
                }
            }
        }
        out_pages.push(PdfPage::new(printpdf::Mm(width / MM), printpdf::Mm(height / MM), ops));
    }
    doc.with_pages(out_pages);

    // 3. Metadata from the injected clock, never from the system time.
    let ts = printpdf::OffsetDateTime::from_unix_timestamp(info.created.timestamp())
        .map_err(|e| Error::Internal(format!("PDF date: {e}")))?;
    let m = &mut doc.metadata.info;
    m.document_title = info.title.clone();
    m.author = info.author.clone();
    m.subject = info.subject.clone();
    m.creator = "Qingdan 养老服务监督清单".into();
    m.producer = "Qingdan (printpdf 0.12)".into();
    m.creation_date = ts;
    m.modification_date = ts;
    m.metadata_date = ts;

    let mut warnings = Vec::new();
    // Photos as JPEG (DCT): a raw 800 × 600 photo would be 1.4 MB.
    let images = printpdf::ImageOptimizationOptions {
        quality: Some(0.82),
        max_image_size: None,
        dither_greyscale: Some(false),
        convert_to_greyscale: Some(false),
        auto_optimize: Some(false),
        format: Some(printpdf::ImageCompression::Jpeg),
    };
    let opts = PdfSaveOptions { optimize: true, subset_fonts: false, secure: true, image_optimization: Some(images) };
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    default_widths(&mut lo);
    lo.compress();
    // A document ID from the content, not from printpdf's process-wide counter.
    let mut h = Sha256::new();
    h.update(info.title.as_bytes());
    h.update(info.created.to_rfc3339().as_bytes());
    for page in pages {
        h.update(format!("{page:?}").as_bytes());
    }
    let id = hex::encode(&h.finalize()[..16]);
    let id_obj = lopdf::Object::String(id.into_bytes(), lopdf::StringFormat::Hexadecimal);
    lo.trailer.set("ID", lopdf::Object::Array(vec![id_obj.clone(), id_obj]));
    let mut bytes = Vec::new();
    // Object streams (PDF 1.5): the page dictionaries, fonts' width arrays
    // and the rest of the small objects are compressed too.
    let save = lopdf::SaveOptions::builder().use_object_streams(true).use_xref_streams(true).build();
    lo.save_with_options(&mut bytes, save).map_err(|e| Error::Internal(format!("writing the PDF: {e}")))?;
    if let Some(w) = warnings.iter().find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error) {
        return Err(Error::Internal(format!("writing the PDF: {}", w.msg)));
    }
    Ok(bytes)
}

/// The face cut down to `chars`: glyph 0 (.notdef) first, then the used
/// glyphs in ascending order; allsorts numbers them by position.
fn subset(face: Face, chars: &BTreeSet<char>) -> Result<ParsedFont> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};
    let m = face.metrics();
    let mut gids: BTreeSet<u16> = BTreeSet::new();
    for c in chars {
        if let Some(g) = m.glyph(*c) {
            gids.insert(g);
        }
    }
    let ids: Vec<u16> = std::iter::once(0).chain(gids.iter().copied()).collect();
    let font = ReadScope::new(face.bytes()).read::<FontData<'_>>().map_err(|e| Error::Internal(format!("font: {e}")))?;
    let provider = font.table_provider(0).map_err(|e| Error::Internal(format!("font: {e}")))?;
    let bytes = allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| Error::Internal(format!("subsetting {}: {e}", face.postscript_name())))?;
    let bytes = super::sfnt::compact(&bytes).unwrap_or(bytes);
    let new_of: BTreeMap<u16, u16> = ids.iter().enumerate().map(|(i, g)| (*g, i as u16)).collect();
    let mut cp = BTreeMap::new();
    for c in chars {
        if let Some(g) = m.glyph(*c) {
            cp.insert(*c as u32, new_of[&g]);
        }
    }
    let widths: BTreeMap<u16, u16> = ids.iter().enumerate().map(|(i, g)| (i as u16, m.advance_of_glyph(*g))).collect();
    // A subset font's name carries a six-letter tag (PDF 32000-1, 9.6.4), here
    // derived from the glyphs it holds so that the output stays deterministic.
    let digest = Sha256::digest(ids.iter().flat_map(|g| g.to_be_bytes()).collect::<Vec<u8>>());
    let tag: String = digest.iter().take(6).map(|b| (b'A' + b % 26) as char).collect();
    let mut parsed = ParsedFont::with_glyph_data(
        bytes,
        0,
        Some(format!("{tag}+{}", face.postscript_name())),
        cp,
        widths,
        m.units_per_em,
        printpdf::FontMetrics { ascent: m.ascent, descent: m.descent },
    );
    parsed.pdf_font_metrics.x_min = m.bbox[0];
    parsed.pdf_font_metrics.y_min = m.bbox[1];
    parsed.pdf_font_metrics.x_max = m.bbox[2];
    parsed.pdf_font_metrics.y_max = m.bbox[3];
    parsed.pdf_font_metrics.us_weight_class = m.weight;
    Ok(parsed)
}
