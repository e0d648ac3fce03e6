//! A document as a flow of boxes (lines, table rows, pictures) on pages with
//! margins: built top to bottom, paginated by [`super::layout::paginate`],
//! then drawn with [`super::pdf::Draw`] operations, page numbers last.

use super::fonts::{self, Face};
use super::layout::{self, FlowBox, Placed};
use super::pdf::{self, Draw, Ink, Picture, MM};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Center,
    /// Right-aligned; the indent is the space kept on the right.
    Right,
}

/// Page numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Footer {
    /// “第 N 页 共 M 页”, centred in the bottom margin.
    PageOfTotal(Style),
    /// GB/T 9704-2012 §7.5: “— N —” 7 mm below the text area, odd pages on
    /// the right and even pages on the left, one character in from the edge.
    Gb9704(Style),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    /// Line height in points.
    pub leading: f32,
    /// Points added after every character.
    pub tracking: f32,
}

impl Style {
    pub const fn new(face: Face, size: f32, leading: f32) -> Style {
        Style { face, size, leading, tracking: 0.0 }
    }

    pub const fn tracked(self, tracking: f32) -> Style {
        Style { tracking, ..self }
    }

    pub fn width(&self, text: &str) -> f32 {
        pdf::tracked_width(self.face, self.size, self.tracking, text)
    }

    fn advance(&self) -> impl Fn(char) -> f32 + '_ {
        move |c| pdf::advance(self.face, c) + self.tracking / self.size
    }
}

#[derive(Debug, Clone)]
enum Content {
    Space,
    /// `justify`: spread to the full width (every line of a left-aligned paragraph but its last).
    Line { text: String, style: Style, indent: f32, align: Align, justify: bool },
    Row { table: usize, cells: Vec<Vec<String>>, header: bool },
    /// `indent`: from the left margin; `None` centres it.
    Picture { image: usize, w: f32, h: f32, indent: Option<f32> },
    /// Vector drawing operations (a chart), in points from the top-left corner of its box.
    Drawing { ops: Vec<Draw> },
}

#[derive(Debug, Clone)]
struct Table {
    widths: Vec<f32>,
    header: Vec<Vec<String>>,
    header_h: f32,
    style: Style,
    head_style: Style,
    /// Cell text alignment per column.
    center: Vec<bool>,
}

const PAD: f32 = 3.0;

/// Page geometry in millimetres.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl Page {
    pub const A4_REPORT: Page = Page { width: 210.0, height: 297.0, top: 25.0, bottom: 25.0, left: 25.0, right: 22.0 };
    /// GB/T 9704-2012 §5.2: A4, top 37 mm, left 28 mm, text area 156 × 225 mm.
    pub const GB9704: Page = Page { width: 210.0, height: 297.0, top: 37.0, bottom: 35.0, left: 28.0, right: 26.0 };
    pub fn text_width(&self) -> f32 {
        (self.width - self.left - self.right) * MM
    }
    pub fn text_height(&self) -> f32 {
        (self.height - self.top - self.bottom) * MM
    }
}

pub struct Flow {
    pub page: Page,
    boxes: Vec<FlowBox>,
    content: Vec<Content>,
    tables: Vec<Table>,
    pub pictures: Vec<Picture>,
    pub footer: Option<Footer>,
    pending_break: bool,
}

impl Flow {
    pub fn new(page: Page) -> Flow {
        Flow { page, boxes: Vec::new(), content: Vec::new(), tables: Vec::new(), pictures: Vec::new(), footer: None, pending_break: false }
    }

    fn push(&mut self, height: f32, keep_with_next: bool, table: Option<usize>, c: Content) {
        let break_before = std::mem::take(&mut self.pending_break);
        self.boxes.push(FlowBox { height, keep_with_next, table, break_before });
        self.content.push(c);
    }

    /// Marks the last box as kept with the next one.
    pub fn keep_last_with_next(&mut self) {
        if let Some(b) = self.boxes.last_mut() {
            b.keep_with_next = true;
        }
    }

    /// What follows starts on a new page.
    pub fn page_break(&mut self) {
        self.pending_break = true;
    }

    pub fn space(&mut self, pt: f32) {
        self.push(pt, false, None, Content::Space);
    }

    /// Vertical space that is dropped rather than carried to the top of a new page is not needed here:
    /// space kept with the next box goes with it.
    pub fn space_before(&mut self, pt: f32) {
        self.push(pt, true, None, Content::Space);
    }

    /// A paragraph, broken into lines; `first_indent` in points (two
    /// characters for Chinese body text). `keep` keeps every line with the next box.
    pub fn paragraph(&mut self, text: &str, style: Style, indent: f32, align: Align, keep: bool) {
        let width = self.page.text_width() - if align == Align::Left { indent } else { 0.0 };
        let adv = style.advance();
        let lines = layout::break_lines(text, width, style.size, &adv);
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let justify = align == Align::Left && i + 1 < n;
            self.push(style.leading, keep, None, Content::Line { text: line, style, indent, align, justify });
        }
    }

    /// A heading: kept with the box after it.
    pub fn heading(&mut self, text: &str, style: Style, align: Align) {
        self.paragraph(text, style, 0.0, align, true);
    }

    /// A centred heading of several lines made as even as possible (a title
    /// never ends with one orphaned character on its last line).
    pub fn balanced_heading(&mut self, text: &str, style: Style) {
        let adv = style.advance();
        let full = self.page.text_width();
        let count = layout::break_lines(text, full, style.size, &adv).len();
        let mut width = full;
        while width > style.size * 4.0 {
            let narrower = width - style.size / 2.0;
            if layout::break_lines(text, narrower, style.size, &adv).len() != count {
                break;
            }
            width = narrower;
        }
        for line in layout::break_lines(text, width, style.size, &adv) {
            self.push(style.leading, true, None, Content::Line { text: line, style, indent: 0.0, align: Align::Center, justify: false });
        }
    }

    /// A centred title broken only at `breaks` (character offsets with
    /// penalties, see [`layout::title_lines`]), as evenly as they allow; kept
    /// with what follows. Falls back to [`Flow::balanced_heading`] when no
    /// allowed break fits the line.
    pub fn title(&mut self, text: &str, breaks: &[(usize, f32)], style: Style) {
        let adv = style.advance();
        match layout::title_lines(text, breaks, self.page.text_width(), style.size, &adv) {
            Some(lines) => {
                for line in lines {
                    self.push(style.leading, true, None, Content::Line { text: line, style, indent: 0.0, align: Align::Center, justify: false });
                }
            }
            None => self.balanced_heading(text, style),
        }
    }

    fn cell_lines(&self, text: &str, width: f32, style: Style) -> Vec<String> {
        let adv = style.advance();
        let mut l = layout::break_lines(text, width - 2.0 * PAD, style.size, &adv);
        if l.is_empty() {
            l.push(String::new());
        }
        l
    }

    fn row_height(lines: &[Vec<String>], style: Style) -> f32 {
        lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * style.leading + 2.0 * PAD
    }

    /// A table: `columns` are (title, share of the text width, centred).
    /// A row too tall for a whole page is cut to fit, ending with `overflow_note`.
    pub fn table(&mut self, columns: &[(&str, f32, bool)], rows: &[Vec<String>], style: Style, head_style: Style, overflow_note: &str) {
        let total: f32 = columns.iter().map(|c| c.1).sum();
        let widths: Vec<f32> = columns.iter().map(|c| c.1 / total * self.page.text_width()).collect();
        let header: Vec<Vec<String>> =
            columns.iter().zip(&widths).map(|(c, w)| self.cell_lines(c.0, *w, head_style)).collect();
        let header_h = Flow::row_height(&header, head_style);
        let t = self.tables.len();
        self.tables.push(Table {
            widths: widths.clone(),
            header: header.clone(),
            header_h,
            style,
            head_style,
            center: columns.iter().map(|c| c.2).collect(),
        });
        self.push(header_h, true, None, Content::Row { table: t, cells: header, header: true });
        let max_lines = ((self.page.text_height() - header_h - 2.0 * PAD) / style.leading).floor() as usize;
        for row in rows {
            let mut cells: Vec<Vec<String>> = row.iter().zip(&widths).map(|(s, w)| self.cell_lines(s, *w, style)).collect();
            for (cell, w) in cells.iter_mut().zip(&widths) {
                if cell.len() > max_lines {
                    cell.truncate(max_lines.saturating_sub(2));
                    let note = self.cell_lines(overflow_note, *w, style);
                    cell.extend(note);
                }
            }
            let h = Flow::row_height(&cells, style);
            self.push(h, false, Some(t), Content::Row { table: t, cells, header: false });
        }
    }

    /// A picture `w` × `h` points, centred; kept with the caption that follows.
    pub fn picture(&mut self, p: Picture, w: f32, h: f32, indent: Option<f32>) {
        self.pictures.push(p);
        let image = self.pictures.len() - 1;
        self.push(h + 4.0, true, None, Content::Picture { image, w, h, indent });
    }

    /// A vector drawing `h` points tall (a chart): `ops` in points from the
    /// top-left corner of its box at the left margin; kept whole on one page.
    pub fn drawing(&mut self, ops: Vec<Draw>, h: f32, keep_with_next: bool) {
        self.push(h, keep_with_next, None, Content::Drawing { ops });
    }

    /// Lays out the flow into pages of drawing operations.
    pub fn render(&self) -> Vec<Vec<Draw>> {
        let headers: Vec<f32> = self.tables.iter().map(|t| t.header_h).collect();
        let pages = layout::paginate(&self.boxes, &headers, self.page.text_height());
        let total = pages.len();
        let x0 = self.page.left * MM;
        let y0 = self.page.top * MM;
        let tw = self.page.text_width();
        let mut out = Vec::with_capacity(pages.len());
        for (n, page) in pages.iter().enumerate() {
            let mut ops = Vec::new();
            for p in page {
                match *p {
                    Placed::Header { table, y } => {
                        let t = &self.tables[table];
                        self.draw_row(&mut ops, t, &t.header, true, x0, y0 + y);
                    }
                    Placed::Box { index, y } => {
                        let y = y0 + y;
                        match &self.content[index] {
                            Content::Space => {}
                            Content::Line { text, style, indent, align, justify } => {
                                let w = style.width(text);
                                // Justified as Chinese text is: the space left at the end of a
                                // line (less than two characters, or the line is left ragged)
                                // is spread evenly between its characters.
                                let n = text.chars().filter(|c| !fonts::is_layout_control(*c)).count();
                                let extra = tw - indent - w;
                                let tracking = if *justify && n > 1 && extra > 0.0 && extra < 2.0 * style.size {
                                    style.tracking + extra / (n - 1) as f32
                                } else {
                                    style.tracking
                                };
                                let x = match align {
                                    Align::Left => x0 + indent,
                                    Align::Center => x0 + (tw - w) / 2.0,
                                    Align::Right => x0 + tw - w - indent,
                                };
                                let baseline = y + (style.leading - style.size) / 2.0 + style.size * 0.88;
                                ops.push(Draw::Text {
                                    x,
                                    y: baseline,
                                    face: style.face,
                                    size: style.size,
                                    tracking,
                                    text: text.clone(),
                                });
                            }
                            Content::Row { table, cells, header } => {
                                self.draw_row(&mut ops, &self.tables[*table], cells, *header, x0, y);
                            }
                            Content::Picture { image, w, h, indent } => {
                                let x = match indent {
                                    Some(i) => x0 + i,
                                    None => x0 + (tw - w) / 2.0,
                                };
                                ops.push(Draw::Image { image: *image, x, y: y + 2.0, w: *w, h: *h });
                            }
                            Content::Drawing { ops: drawn } => {
                                ops.extend(drawn.iter().map(|d| d.offset(x0, y)));
                            }
                        }
                    }
                }
            }
            match self.footer {
                Some(Footer::PageOfTotal(fs)) => {
                    let label = layout::page_label(n + 1, total);
                    let w = fs.width(&label);
                    let y = (self.page.height - self.page.bottom) * MM + 10.0 * MM;
                    ops.push(Draw::Text { x: x0 + (tw - w) / 2.0, y, face: fs.face, size: fs.size, tracking: 0.0, text: label });
                }
                Some(Footer::Gb9704(fs)) => {
                    let label = format!("— {} —", n + 1);
                    let w = fs.width(&label);
                    let em = fs.size;
                    let x = if (n + 1) % 2 == 1 { x0 + tw - em - w } else { x0 + em };
                    let y = (self.page.height - self.page.bottom) * MM + 7.0 * MM + fs.size * 0.88;
                    ops.push(Draw::Text { x, y, face: fs.face, size: fs.size, tracking: 0.0, text: label });
                }
                None => {}
            }
            out.push(ops);
        }
        out
    }

    fn draw_row(&self, ops: &mut Vec<Draw>, t: &Table, cells: &[Vec<String>], header: bool, x0: f32, y: f32) {
        let style = if header { t.head_style } else { t.style };
        let h = Flow::row_height(cells, style);
        let tw: f32 = t.widths.iter().sum();
        if header {
            ops.push(Draw::Fill { x: x0, y, w: tw, h, ink: Ink::Gray(0.9) });
        }
        let line = |x1: f32, y1: f32, x2: f32, y2: f32| Draw::Line { x1, y1, x2, y2, width: 0.5, gray: 0.0 };
        ops.push(line(x0, y, x0 + tw, y));
        ops.push(line(x0, y + h, x0 + tw, y + h));
        let mut x = x0;
        ops.push(line(x, y, x, y + h));
        for (col, (cell, w)) in cells.iter().zip(&t.widths).enumerate() {
            for (i, text) in cell.iter().enumerate() {
                let tw_ = style.width(text);
                let tx = if header || t.center[col] { x + (w - tw_) / 2.0 } else { x + PAD };
                let baseline = y + PAD + i as f32 * style.leading + (style.leading - style.size) / 2.0 + style.size * 0.88;
                ops.push(Draw::Text { x: tx, y: baseline, face: style.face, size: style.size, tracking: style.tracking, text: text.clone() });
            }
            x += w;
            ops.push(line(x, y, x, y + h));
        }
    }
}
