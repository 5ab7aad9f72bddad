//! Drawing primitives on A4 pages: text through the font chain (one PDF text run per face),
//! lines, boxes, and measuring and wrapping of CJK text. Coordinates here are points from the
//! top-left corner; they are flipped to PDF's bottom-left origin when ops are emitted.

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode,
    PdfDocument, PdfFontHandle, PdfPage, Point, Pt, Rect, Rgb, TextItem, TextRenderingMode,
};

use crate::embed::{embed_face, renumber};
use crate::fonts::FontSet;

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 56.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// Closing punctuation that may hang past the right edge instead of starting a line (禁则).
const NO_LINE_START: &str = "，。、；：？！）》」』”’％,.;:?!)]%";
/// Opening punctuation that must not end a line: it moves down with what it opens.
const NO_LINE_END: &str = "（《「『“‘【〔([";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ink {
    Black,
    Grey(f32),
    Red,
}

impl Ink {
    fn color(self) -> Color {
        match self {
            Ink::Black => Color::Greyscale(Greyscale::new(0.0, None)),
            Ink::Grey(g) => Color::Greyscale(Greyscale::new(g, None)),
            Ink::Red => Color::Rgb(Rgb::new(0.75, 0.05, 0.05, None)),
        }
    }
}

/// Text style.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub ink: Ink,
}

impl Style {
    pub const fn new(size: f32) -> Style {
        Style {
            size,
            bold: false,
            ink: Ink::Black,
        }
    }
    pub const fn bold(mut self) -> Style {
        self.bold = true;
        self
    }
    pub const fn ink(mut self, ink: Ink) -> Style {
        self.ink = ink;
        self
    }
}

/// The document being drawn: pages of ops, and per face its font id (given on first use) and
/// the glyphs drawn with it; the fonts go into the PDF in [`Canvas::finish`].
pub struct Canvas<'f> {
    pub fonts: &'f FontSet,
    pub doc: PdfDocument,
    pub pages: Vec<Vec<Op>>,
    font_ids: Vec<Option<FontId>>,
    used: Vec<BTreeSet<u16>>,
}

impl<'f> Canvas<'f> {
    pub fn new(fonts: &'f FontSet, title: &str) -> Canvas<'f> {
        Canvas {
            fonts,
            doc: PdfDocument::new(title),
            pages: vec![Vec::new()],
            font_ids: vec![None; fonts.faces().len()],
            used: vec![BTreeSet::new(); fonts.faces().len()],
        }
    }

    /// The finished document: fonts embedded (see `embed.rs`), pages A4.
    pub fn finish(self) -> Result<PdfDocument, crate::error::ReceiptError> {
        let Canvas {
            fonts,
            mut doc,
            mut pages,
            font_ids,
            used,
        } = self;
        let mut renumbered = BTreeMap::new();
        for (face, id) in font_ids.iter().enumerate() {
            let Some(id) = id else { continue };
            if let Some(map) = embed_face(&mut doc, id, &fonts.faces()[face], &used[face])? {
                renumbered.insert(id.clone(), map);
            }
        }
        renumber(&mut pages, &renumbered);
        let pages = pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
            .collect();
        doc.with_pages(pages);
        Ok(doc)
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn ops(&mut self, page: usize) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[page.min(last)]
    }

    fn font_id(&mut self, face: usize) -> FontId {
        self.font_ids[face].get_or_insert_with(FontId::new).clone()
    }

    /// Width of `s` in points.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.fonts.advance_em(c)).sum::<f32>() * size
    }

    /// Break `s` into lines no wider than `max` (hard breaks at `\n`); see [`break_lines`].
    pub fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        break_lines(s, max, |c| self.fonts.advance_em(c) * size)
    }

    /// Draw `s` with its baseline at `y` (from the top), starting at `x`.
    pub fn text(&mut self, page: usize, x: f32, y: f32, s: &str, style: Style) {
        // Runs of (face, glyphs). Text goes to printpdf as glyph ids with their characters (for
        // `/ToUnicode`): the printed faces carry no character map of their own (`sfnt.rs`).
        let mut runs: Vec<(usize, Vec<Codepoint>, f32)> = Vec::new();
        for c in s.chars() {
            // Glyphs were checked before layout; an unmapped char (e.g. a space some fallback
            // lacks) goes with the primary face as .notdef, like before.
            let (face, gid) = self.fonts.face_for(c).unwrap_or((0, 0));
            let advance = self.fonts.advance_em(c);
            self.used[face].insert(gid);
            let glyph = Codepoint::with_cid(gid, 0.0, c.to_string());
            match runs.last_mut() {
                Some((f, run, w)) if *f == face => {
                    run.push(glyph);
                    *w += advance;
                }
                _ => runs.push((face, vec![glyph], advance)),
            }
        }
        let mut x = x;
        for (face, run, w_em) in runs {
            let id = self.font_id(face);
            let w = w_em * style.size;
            let ops = self.ops(page);
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFillColor {
                col: style.ink.color(),
            });
            if style.bold {
                ops.push(Op::SetTextRenderingMode {
                    mode: TextRenderingMode::FillStroke,
                });
                ops.push(Op::SetOutlineColor {
                    col: style.ink.color(),
                });
                ops.push(Op::SetOutlineThickness {
                    pt: Pt(style.size / 40.0),
                });
            }
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(style.size),
            });
            ops.push(Op::SetTextCursor { pos: point(x, y) });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(run)],
            });
            if style.bold {
                ops.push(Op::SetTextRenderingMode {
                    mode: TextRenderingMode::Fill,
                });
            }
            ops.push(Op::EndTextSection);
            x += w;
        }
    }

    /// Text centred on `cx`.
    pub fn text_centered(&mut self, page: usize, cx: f32, y: f32, s: &str, style: Style) {
        let w = self.width(s, style.size);
        self.text(page, cx - w / 2.0, y, s, style);
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, page: usize, right: f32, y: f32, s: &str, style: Style) {
        let w = self.width(s, style.size);
        self.text(page, right - w, y, s, style);
    }

    /// A straight line.
    pub fn line(&mut self, page: usize, from: (f32, f32), to: (f32, f32), width: f32, ink: Ink) {
        let ops = self.ops(page);
        ops.push(Op::SetOutlineColor { col: ink.color() });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: point(from.0, from.1),
                        bezier: false,
                    },
                    LinePoint {
                        p: point(to.0, to.1),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A filled box.
    pub fn fill(&mut self, page: usize, a: Area, ink: Ink) {
        let Area { x, y, w, h } = a;
        let ops = self.ops(page);
        ops.push(Op::SetFillColor { col: ink.color() });
        ops.push(Op::DrawRectangle {
            rectangle: rect(x, y, w, h, PaintMode::Fill),
        });
    }

    /// An outlined box, optionally dashed.
    pub fn frame(&mut self, page: usize, a: Area, width: f32, dashed: bool) {
        let Area { x, y, w, h } = a;
        let ops = self.ops(page);
        ops.push(Op::SetOutlineColor {
            col: Ink::Black.color(),
        });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        if dashed {
            ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, &[3.0, 2.0]),
            });
        }
        ops.push(Op::DrawRectangle {
            rectangle: rect(x, y, w, h, PaintMode::Stroke),
        });
        if dashed {
            ops.push(Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, &[]),
            });
        }
    }

    /// Raw ops in PDF coordinates (used by the QR code).
    pub fn push_raw(&mut self, page: usize, ops: Vec<Op>) {
        self.ops(page).extend(ops);
    }
}

/// Break `s` into lines no wider than `max`, measuring each character with `width` (hard
/// breaks at `\n`). CJK breaks between any two characters; closing punctuation hangs rather
/// than starting a line, opening punctuation goes down to the next line rather than ending one,
/// and a short number or Latin word is not split ("第11项" never becomes "第1" / "1项").
pub fn break_lines(s: &str, max: f32, width: impl Fn(char) -> f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut w = 0.0;
        for c in para.chars() {
            let cw = width(c);
            if w + cw > max && !line.is_empty() && !NO_LINE_START.contains(c) {
                let keep = kept_before_break(&line, c);
                let carried = if keep > 0 {
                    line.split_off(keep)
                } else {
                    String::new()
                };
                out.push(std::mem::replace(&mut line, carried));
                w = line.chars().map(&width).sum();
            }
            line.push(c);
            w += cw;
        }
        out.push(line);
    }
    out
}

/// How much of `line` stays when a break comes before `next` (bytes; the rest moves down with
/// `next`). 0 means nothing can move: the line is all tail, and breaks where it is.
fn kept_before_break(line: &str, next: char) -> usize {
    /// Longer runs (a URL, a long number) break anywhere rather than leave a gap.
    const UNBROKEN: usize = 8;
    let mut keep = line.len();
    if next.is_ascii_alphanumeric() {
        let head = line.trim_end_matches(|c: char| c.is_ascii_alphanumeric());
        if line.len() - head.len() <= UNBROKEN {
            keep = head.len();
        }
    }
    line[..keep]
        .trim_end_matches(|o| NO_LINE_END.contains(o))
        .len()
}

/// A box whose top-left corner is `x`, `y` (from the top of the page).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// Shorthand for an [`Area`].
pub fn area(x: f32, y: f32, w: f32, h: f32) -> Area {
    Area { x, y, w, h }
}

/// A point given from the top-left, in PDF coordinates.
pub fn point(x: f32, y: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(PAGE_H - y),
    }
}

/// A rectangle whose top-left corner is `x`, `y` (from the top), in PDF coordinates.
pub fn rect(x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Rect {
    Rect {
        x: Pt(x),
        y: Pt(PAGE_H - y - h),
        width: Pt(w),
        height: Pt(h),
        mode: Some(mode),
        winding_order: None,
    }
}

#[cfg(test)]
mod tests {
    use super::break_lines;

    /// Every character one unit wide.
    fn lines(s: &str, max: f32) -> Vec<String> {
        break_lines(s, max, |_| 1.0)
    }

    #[test]
    fn cjk_breaks_anywhere_and_honours_hard_breaks() {
        assert_eq!(lines("一二三四五\n六", 2.0), ["一二", "三四", "五", "六"]);
    }

    #[test]
    fn closing_punctuation_hangs_instead_of_starting_a_line() {
        assert_eq!(lines("一二，三", 2.0), ["一二，", "三"]);
    }

    #[test]
    fn opening_punctuation_moves_down_with_what_it_opens() {
        assert_eq!(
            lines("证明）（补充件8）", 4.0),
            ["证明）", "（补充件", "8）"]
        );
        // A line that is nothing but opening punctuation still breaks.
        assert_eq!(lines("（（（（", 2.0), ["（（", "（（"]);
    }

    #[test]
    fn short_numbers_stay_whole_and_long_ones_break() {
        assert_eq!(lines("（第11项）", 3.0), ["（第", "11项）"]);
        assert_eq!(lines("日期2026年", 5.0), ["日期", "2026年"]);
        assert_eq!(lines("1234567890", 4.0), ["1234", "5678", "90"]);
    }
}
