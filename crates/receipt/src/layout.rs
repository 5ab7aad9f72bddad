//! Flowing the resolved blocks down A4 pages: label/value tables, ruled tables whose rows move
//! to a new page (header repeated) when they do not fit, paragraphs, signature boxes and the
//! seal area. Text always wraps inside its cell; nothing is drawn past the bottom limit.

use crate::draw::{area, Canvas, Ink, Style, CONTENT_W, MARGIN_X, PAGE_W};
use crate::resolve::{Block, FieldCell, SignatureCell};
use crate::template::Align;

const BODY: Style = Style::new(11.0);
const BODY_LH: f32 = 17.0;
const CELL: Style = Style::new(10.5);
const CELL_LH: f32 = 14.5;
const PAD: f32 = 4.5;
const LABEL_W: f32 = 84.0;
const LABEL_INK: Ink = Ink::Grey(0.92);
const HEAD_INK: Ink = Ink::Grey(0.86);
const RULE: f32 = 0.6;

/// The page cursor.
pub struct Flow<'c, 'f> {
    pub canvas: &'c mut Canvas<'f>,
    pub page: usize,
    pub y: f32,
    /// Lowest y the body may reach (the footer lives below).
    pub bottom: f32,
    /// Draws the header of a continuation page and returns where the body starts.
    pub continuation: &'c dyn Fn(&mut Canvas<'f>, usize) -> f32,
}

impl Flow<'_, '_> {
    /// Make sure `h` points fit below the cursor, starting a new page if not. Returns whether a
    /// page was started.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y + h <= self.bottom {
            return false;
        }
        self.canvas.new_page();
        self.page = self.canvas.page_count() - 1;
        self.y = (self.continuation)(self.canvas, self.page);
        true
    }

    pub fn block(&mut self, b: &Block) {
        match b {
            Block::Fields { columns, cells } => self.fields(*columns, cells),
            Block::Heading(t) => self.heading(t),
            Block::Paragraph { text, indent } => self.paragraph(text, *indent),
            Block::Table {
                headers,
                widths,
                aligns,
                rows,
            } => self.table(headers, widths, aligns, rows),
            Block::Signatures(cells) => self.signatures(cells, None),
            Block::Seal { label, lines } => self.seal(label, lines),
            Block::Spacer(h) => self.y += h,
        }
    }

    fn heading(&mut self, text: &str) {
        // Keep a heading with at least two lines of what follows.
        self.ensure(28.0 + 2.0 * CELL_LH + 2.0 * PAD);
        self.y += 10.0;
        let style = Style::new(12.0).bold();
        for line in self.canvas.wrap(text, style.size, CONTENT_W) {
            self.canvas
                .text(self.page, MARGIN_X, self.y + 12.0, &line, style);
            self.y += 18.0;
        }
        self.y += 2.0;
    }

    fn paragraph(&mut self, text: &str, indent: bool) {
        let text = if indent {
            format!("\u{3000}\u{3000}{text}")
        } else {
            text.to_owned()
        };
        self.y += 2.0;
        for line in self.canvas.wrap(&text, BODY.size, CONTENT_W) {
            self.ensure(BODY_LH);
            self.canvas
                .text(self.page, MARGIN_X, self.y + BODY.size + 2.0, &line, BODY);
            self.y += BODY_LH;
        }
    }

    fn fields(&mut self, columns: usize, cells: &[FieldCell]) {
        // Pair cells into rows: two per row in a two-column table unless one is wide.
        let mut rows: Vec<Vec<&FieldCell>> = Vec::new();
        let mut i = 0;
        while i < cells.len() {
            let c = &cells[i];
            let pair = columns == 2 && !c.wide && cells.get(i + 1).is_some_and(|n| !n.wide);
            if pair {
                rows.push(vec![c, &cells[i + 1]]);
                i += 2;
            } else {
                rows.push(vec![c]);
                i += 1;
            }
        }
        self.y += 4.0;
        for row in rows {
            let slot = CONTENT_W / row.len() as f32;
            let value_w = slot - LABEL_W;
            let wrapped: Vec<(Vec<String>, Vec<String>)> = row
                .iter()
                .map(|c| {
                    (
                        self.canvas.wrap(&c.label, CELL.size, LABEL_W - 2.0 * PAD),
                        self.canvas.wrap(&c.value, CELL.size, value_w - 2.0 * PAD),
                    )
                })
                .collect();
            let lines = wrapped
                .iter()
                .map(|(l, v)| l.len().max(v.len()))
                .max()
                .unwrap_or(1);
            let h = lines as f32 * CELL_LH + 2.0 * PAD;
            self.ensure(h);
            for (k, (label, value)) in wrapped.iter().enumerate() {
                let x = MARGIN_X + k as f32 * slot;
                self.canvas
                    .fill(self.page, area(x, self.y, LABEL_W, h), LABEL_INK);
                self.cell_lines(x, LABEL_W, label, Align::Left, CELL);
                self.cell_lines(x + LABEL_W, value_w, value, Align::Left, CELL);
                self.canvas
                    .frame(self.page, area(x, self.y, LABEL_W, h), RULE, false);
                self.canvas.frame(
                    self.page,
                    area(x + LABEL_W, self.y, value_w, h),
                    RULE,
                    false,
                );
            }
            self.y += h;
        }
        self.y += 4.0;
    }

    /// Lines of a cell whose top is the cursor.
    fn cell_lines(&mut self, x: f32, w: f32, lines: &[String], align: Align, style: Style) {
        for (n, line) in lines.iter().enumerate() {
            let baseline = self.y + PAD + style.size + n as f32 * CELL_LH;
            match align {
                Align::Left => self.canvas.text(self.page, x + PAD, baseline, line, style),
                Align::Center => {
                    self.canvas
                        .text_centered(self.page, x + w / 2.0, baseline, line, style)
                }
            }
        }
    }

    fn table(
        &mut self,
        headers: &[String],
        widths: &[f32],
        aligns: &[Align],
        rows: &[Vec<String>],
    ) {
        let total: f32 = widths.iter().sum();
        let widths: Vec<f32> = widths.iter().map(|w| w / total * CONTENT_W).collect();
        let wrap_row = |canvas: &Canvas, cells: &[String]| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| canvas.wrap(c, CELL.size, w - 2.0 * PAD))
                .collect()
        };
        let head = wrap_row(self.canvas, headers);
        let head_h = head.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL_LH + 2.0 * PAD;
        let first_h = rows
            .first()
            .map(|r| {
                wrap_row(self.canvas, r)
                    .iter()
                    .map(Vec::len)
                    .max()
                    .unwrap_or(1)
            })
            .unwrap_or(0) as f32
            * CELL_LH
            + 2.0 * PAD;
        self.y += 2.0;
        self.ensure(head_h + first_h);
        self.table_row(
            &widths,
            &vec![Align::Center; widths.len()],
            &head,
            head_h,
            true,
        );
        for r in rows {
            let cells = wrap_row(self.canvas, r);
            let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL_LH + 2.0 * PAD;
            if self.ensure(h) {
                self.table_row(
                    &widths,
                    &vec![Align::Center; widths.len()],
                    &head,
                    head_h,
                    true,
                );
            }
            self.table_row(&widths, aligns, &cells, h, false);
        }
        self.y += 4.0;
    }

    fn table_row(
        &mut self,
        widths: &[f32],
        aligns: &[Align],
        cells: &[Vec<String>],
        h: f32,
        header: bool,
    ) {
        let mut x = MARGIN_X;
        for (k, w) in widths.iter().enumerate() {
            if header {
                self.canvas
                    .fill(self.page, area(x, self.y, *w, h), HEAD_INK);
            }
            let style = if header { CELL.bold() } else { CELL };
            let align = aligns.get(k).copied().unwrap_or_default();
            if let Some(lines) = cells.get(k) {
                self.cell_lines(x, *w, lines, align, style);
            }
            self.canvas
                .frame(self.page, area(x, self.y, *w, h), RULE, false);
            x += w;
        }
        self.y += h;
    }

    /// Signature boxes; when `seal` is given the seal area sits at their right, same band.
    pub fn signatures(&mut self, cells: &[SignatureCell], seal: Option<(&str, &[String])>) {
        let seal_w = if seal.is_some() { SEAL_W + 14.0 } else { 0.0 };
        let seal_lines = seal
            .map(|(_, lines)| self.seal_lines(lines))
            .unwrap_or_default();
        let h = if seal.is_some() {
            seal_height(seal_lines.len()).max(SIGN_H)
        } else {
            SIGN_H
        };
        self.y += 10.0;
        self.ensure(h);
        if !cells.is_empty() {
            let w = (CONTENT_W - seal_w) / cells.len() as f32;
            for (k, c) in cells.iter().enumerate() {
                let x = MARGIN_X + k as f32 * w;
                self.canvas
                    .frame(self.page, area(x, self.y, w, h), RULE, false);
                self.canvas.text(
                    self.page,
                    x + PAD + 2.0,
                    self.y + 16.0,
                    &c.label,
                    CELL.bold(),
                );
                if !c.value.is_empty() {
                    self.canvas
                        .text(self.page, x + 24.0, self.y + h / 2.0 + 4.0, &c.value, BODY);
                }
                if c.date_line {
                    self.canvas.text_right(
                        self.page,
                        x + w - 10.0,
                        self.y + h - 10.0,
                        "年\u{3000}\u{3000}月\u{3000}\u{3000}日",
                        CELL,
                    );
                }
            }
        }
        if let Some((label, _)) = seal {
            self.seal_box(label, &seal_lines, h);
        }
        self.y += h;
    }

    fn seal_lines(&self, lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .flat_map(|l| self.canvas.wrap(l, BODY.size, SEAL_W - 12.0))
            .collect()
    }

    fn seal(&mut self, label: &str, lines: &[String]) {
        let lines = self.seal_lines(lines);
        let h = seal_height(lines.len());
        self.y += 12.0;
        self.ensure(h);
        self.seal_box(label, &lines, h);
        self.y += h;
    }

    /// The dashed seal area at the right, top at the cursor, with the agency and date at its
    /// foot (where the seal is stamped over them).
    fn seal_box(&mut self, label: &str, lines: &[String], h: f32) {
        let x = PAGE_W - MARGIN_X - SEAL_W;
        self.canvas
            .frame(self.page, area(x, self.y, SEAL_W, h), 0.5, true);
        let grey = Style::new(9.0).ink(Ink::Grey(0.45));
        self.canvas
            .text_centered(self.page, x + SEAL_W / 2.0, self.y + 15.0, label, grey);
        let mut y = self.y + h - 12.0 - SEAL_LH * (lines.len().saturating_sub(1)) as f32;
        for line in lines {
            self.canvas
                .text_centered(self.page, x + SEAL_W / 2.0, y, line, BODY);
            y += SEAL_LH;
        }
    }
}

const SEAL_W: f32 = 180.0;
const SEAL_LH: f32 = 18.0;
const SIGN_H: f32 = 60.0;

fn seal_height(lines: usize) -> f32 {
    22.0 + SEAL_LH * lines as f32 + 30.0
}
