//! The renderer: fonts and templates loaded once, then one call per voucher — resolve the
//! template, check every glyph, lay out, add header, QR code and footer, sign, save.

use ed25519_dalek::SigningKey;
use onestop_domain::numbering::AcceptanceNumber;
use printpdf::PdfSaveOptions;
use tracing::debug;

use crate::draw::{area, Canvas, Ink, Style, MARGIN_X, PAGE_H, PAGE_W};
use crate::error::ReceiptError;
use crate::fields::PrintedFields;
use crate::fonts::{FontConfig, FontSet};
use crate::glyphs::{footnote, missing_glyphs, substitute};
use crate::layout::Flow;
use crate::model::{Voucher, VoucherKind};
use crate::qr::qr_ops;
use crate::resolve::{resolve, Block};
use crate::signature::{content_hash, short_hash, sign};
use crate::template::Templates;

const QR_SIZE: f32 = 74.0;
const HEADER_TOP: f32 = 32.0;
const FOOTER_RULE: f32 = PAGE_H - 44.0;

/// How to treat characters no font has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Print a missing character as 〓 with a footnote of its code point, instead of failing
    /// with `receipt.missing_glyph`. Only after the clerk has confirmed it.
    pub substitute_missing: bool,
}

/// A rendered voucher and what desk needs to record and print it.
#[derive(Debug, Clone)]
pub struct RenderedVoucher {
    pub kind: VoucherKind,
    pub number: AcceptanceNumber,
    /// The PDF file.
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// sha256 of the canonical printed fields (what the signature covers with the number).
    pub content_hash: [u8; 32],
    /// Compact Ed25519 signature (base64url, 86 characters).
    pub signature: String,
    /// What the QR code holds: `{server}/q/{number}?s={signature}`.
    pub qr_payload: String,
    /// 0 for the original, n for the n-th 补打 (desk logs it as a case event).
    pub reprint_count: u32,
    /// Characters printed as 〓 (empty unless `substitute_missing` was used and needed).
    pub substituted: Vec<char>,
}

/// Fonts and templates, loaded once and reused for every voucher.
#[derive(Debug, Clone)]
pub struct Renderer {
    fonts: FontSet,
    templates: Templates,
}

impl Renderer {
    pub fn new(fonts: FontSet, templates: Templates) -> Renderer {
        Renderer { fonts, templates }
    }

    /// System fonts (plus `config`'s configured font and resource folders) and the built-in
    /// templates.
    pub fn load(config: &FontConfig) -> Result<Renderer, ReceiptError> {
        Ok(Renderer::new(FontSet::load(config)?, Templates::builtin()?))
    }

    pub fn fonts(&self) -> &FontSet {
        &self.fonts
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The characters of `voucher` that no font can print (empty when all is well). Desk can
    /// call this while the clerk types, before anything is printed.
    pub fn missing_glyphs(&self, voucher: &Voucher) -> Result<Vec<char>, ReceiptError> {
        let fields = PrintedFields::of(voucher);
        let resolved = resolve(self.templates.get(voucher.body.kind())?, &fields)?;
        Ok(missing_glyphs(&self.fonts, resolved.texts()))
    }

    /// Render one voucher, signed with the terminal's key.
    pub fn render(
        &self,
        voucher: &Voucher,
        key: &SigningKey,
        options: RenderOptions,
    ) -> Result<RenderedVoucher, ReceiptError> {
        let kind = voucher.body.kind();
        let fields = PrintedFields::of(voucher);
        let mut resolved = resolve(self.templates.get(kind)?, &fields)?;

        let missing = missing_glyphs(&self.fonts, resolved.texts());
        if !missing.is_empty() {
            if !options.substitute_missing {
                return Err(ReceiptError::MissingGlyph { chars: missing });
            }
            resolved.map_texts(|s| substitute(s, &missing));
        }

        let hash = content_hash(&fields);
        let signature = sign(key, &voucher.number, &hash);
        let qr_payload = format!("{}?s={signature}", voucher.status_url());

        let mut canvas = Canvas::new(&self.fonts, &resolved.title);
        // First page header: reprint mark, title, number line, QR code.
        if voucher.reprint_count > 0 {
            let mark = format!("补打（第{}次）", voucher.reprint_count);
            let style = Style::new(12.0).bold().ink(Ink::Red);
            let w = canvas.width(&mark, style.size) + 16.0;
            canvas.frame(0, area(MARGIN_X, HEADER_TOP + 4.0, w, 24.0), 1.0, false);
            canvas.text(0, MARGIN_X + 8.0, HEADER_TOP + 21.0, &mark, style);
        }
        let mut y = HEADER_TOP + 52.0;
        canvas.text_centered(0, PAGE_W / 2.0, y, &resolved.title, Style::new(24.0).bold());
        if let Some(sub) = &resolved.subtitle {
            y += 24.0;
            canvas.text_centered(0, PAGE_W / 2.0, y, sub, Style::new(14.0));
        }
        y += 26.0;
        canvas.text_centered(0, PAGE_W / 2.0, y, &resolved.number_line, Style::new(11.0));
        let qr_x = PAGE_W - MARGIN_X - QR_SIZE + 6.0;
        canvas.push_raw(0, qr_ops(&qr_payload, qr_x, HEADER_TOP - 8.0, QR_SIZE)?);
        canvas.text_centered(
            0,
            qr_x + QR_SIZE / 2.0,
            HEADER_TOP + QR_SIZE - 2.0,
            "扫码查询办理进度",
            Style::new(7.5).ink(Ink::Grey(0.3)),
        );
        y += 10.0;
        canvas.line(0, (MARGIN_X, y), (PAGE_W - MARGIN_X, y), 1.6, Ink::Red);
        canvas.line(
            0,
            (MARGIN_X, y + 3.0),
            (PAGE_W - MARGIN_X, y + 3.0),
            0.5,
            Ink::Red,
        );

        let title = resolved.title.clone();
        let number_line = resolved.number_line.clone();
        let continuation = move |c: &mut Canvas<'_>, page: usize| -> f32 {
            c.text(
                page,
                MARGIN_X,
                52.0,
                &format!("{title}（续）"),
                Style::new(11.0).bold(),
            );
            c.text_right(
                page,
                PAGE_W - MARGIN_X,
                52.0,
                &number_line,
                Style::new(10.0),
            );
            c.line(
                page,
                (MARGIN_X, 60.0),
                (PAGE_W - MARGIN_X, 60.0),
                0.6,
                Ink::Black,
            );
            72.0
        };
        let note = (!missing.is_empty()).then(|| footnote(&missing));
        let bottom = FOOTER_RULE - 8.0 - if note.is_some() { 26.0 } else { 0.0 };
        let mut flow = Flow {
            canvas: &mut canvas,
            page: 0,
            y: y + 12.0,
            bottom,
            continuation: &continuation,
        };
        let mut blocks = resolved.blocks.iter().peekable();
        while let Some(block) = blocks.next() {
            // A seal right after the signatures shares their band (seal at the right).
            if let (Block::Signatures(cells), Some(Block::Seal { label, lines })) =
                (block, blocks.peek())
            {
                flow.signatures(cells, Some((label, lines)));
                blocks.next();
                continue;
            }
            flow.block(block);
        }

        // Footer on every page.
        let pages = canvas.page_count();
        let reprint = if voucher.reprint_count > 0 {
            format!("补打第{}次 · ", voucher.reprint_count)
        } else {
            String::new()
        };
        let left = format!(
            "{reprint}编号 {} · 终端 {} · 内容摘要 {}",
            voucher.number.grouped(),
            voucher.terminal,
            short_hash(&hash)
        );
        let small = Style::new(8.0).ink(Ink::Grey(0.25));
        for page in 0..pages {
            if let Some(note) = &note {
                let lines = canvas.wrap(note, 8.5, PAGE_W - 2.0 * MARGIN_X);
                let mut ny = FOOTER_RULE - 8.0 - 11.0 * (lines.len() as f32 - 1.0);
                for l in lines {
                    canvas.text(page, MARGIN_X, ny, &l, Style::new(8.5));
                    ny += 11.0;
                }
            }
            canvas.line(
                page,
                (MARGIN_X, FOOTER_RULE),
                (PAGE_W - MARGIN_X, FOOTER_RULE),
                0.5,
                Ink::Grey(0.4),
            );
            canvas.text(page, MARGIN_X, FOOTER_RULE + 13.0, &left, small);
            canvas.text_right(
                page,
                PAGE_W - MARGIN_X,
                FOOTER_RULE + 13.0,
                &format!("第 {} / {} 页", page + 1, pages),
                small,
            );
        }

        let mut warnings = Vec::new();
        let pdf = canvas
            .finish()?
            .save(&PdfSaveOptions::default(), &mut warnings);
        debug!(
            kind = kind.key(),
            number = %voucher.number,
            bytes = pdf.len(),
            pages,
            warnings = warnings.len(),
            "voucher rendered"
        );
        Ok(RenderedVoucher {
            kind,
            number: voucher.number.clone(),
            pdf,
            pages,
            content_hash: hash,
            signature,
            qr_payload,
            reprint_count: voucher.reprint_count,
            substituted: missing,
        })
    }
}
