//! A template filled with one voucher's printed fields: the final strings of every block, ready
//! for the glyph check and layout.

use std::collections::BTreeMap;

use crate::error::ReceiptError;
use crate::fields::PrintedFields;
use crate::template::{placeholders, Align, Section, Template};

#[derive(Debug, Clone)]
pub struct FieldCell {
    pub label: String,
    pub value: String,
    pub wide: bool,
}

#[derive(Debug, Clone)]
pub struct SignatureCell {
    pub label: String,
    pub value: String,
    pub date_line: bool,
}

#[derive(Debug, Clone)]
pub enum Block {
    Fields {
        columns: usize,
        cells: Vec<FieldCell>,
    },
    Heading(String),
    Paragraph {
        text: String,
        indent: bool,
    },
    Table {
        headers: Vec<String>,
        widths: Vec<f32>,
        aligns: Vec<Align>,
        rows: Vec<Vec<String>>,
    },
    Signatures(Vec<SignatureCell>),
    Seal {
        label: String,
        lines: Vec<String>,
    },
    Spacer(f32),
}

#[derive(Debug, Clone)]
pub struct Resolved {
    pub title: String,
    pub subtitle: Option<String>,
    pub number_line: String,
    pub blocks: Vec<Block>,
}

/// Fill `{name}`s; the flag tells whether any of them came out empty.
fn fill(
    text: &str,
    fields: &PrintedFields,
    row: Option<&BTreeMap<String, String>>,
    kind: &str,
) -> Result<(String, bool), ReceiptError> {
    let err = |reason: String| ReceiptError::Template {
        kind: kind.to_owned(),
        reason,
    };
    let names = placeholders(text).map_err(err)?;
    if names.is_empty() {
        return Ok((text.replace("{{", "{").replace("}}", "}"), false));
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut empty = false;
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push(tail.as_bytes()[0] as char);
            rest = &tail[2..];
            continue;
        }
        let end = tail
            .find('}')
            .ok_or_else(|| err(format!("缺少 }} ：{text}")))?;
        let name = &tail[1..end];
        let value = fields
            .lookup(name, row)
            .ok_or_else(|| err(format!("未知字段 {{{name}}}")))?;
        empty |= value.is_empty();
        out.push_str(value);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok((out, empty))
}

pub fn resolve(t: &Template, f: &PrintedFields) -> Result<Resolved, ReceiptError> {
    let kind = t.kind.key();
    let one = |s: &str| fill(s, f, None, kind).map(|(s, _)| s);
    let mut blocks = Vec::new();
    for s in &t.sections {
        match s {
            Section::Fields { columns, rows } => {
                let mut cells = Vec::new();
                for r in rows {
                    let (value, empty) = fill(&r.value, f, None, kind)?;
                    if r.optional && (empty || value.trim().is_empty()) {
                        continue;
                    }
                    cells.push(FieldCell {
                        label: one(&r.label)?,
                        value,
                        wide: r.wide,
                    });
                }
                blocks.push(Block::Fields {
                    columns: (*columns).clamp(1, 2),
                    cells,
                });
            }
            Section::Heading { text } => blocks.push(Block::Heading(one(text)?)),
            Section::Paragraph {
                text,
                optional,
                indent,
            } => {
                let (text, empty) = fill(text, f, None, kind)?;
                if !(*optional && empty) {
                    blocks.push(Block::Paragraph {
                        text,
                        indent: *indent,
                    });
                }
            }
            Section::Table {
                source,
                columns,
                empty,
            } => {
                let list = f.lists.get(source).map(Vec::as_slice).unwrap_or(&[]);
                if list.is_empty() {
                    if let Some(e) = empty {
                        blocks.push(Block::Paragraph {
                            text: one(e)?,
                            indent: true,
                        });
                        continue;
                    }
                }
                let mut rows = Vec::with_capacity(list.len());
                for item in list {
                    let mut cells = Vec::with_capacity(columns.len());
                    for c in columns {
                        cells.push(fill(&c.value, f, Some(item), kind)?.0);
                    }
                    rows.push(cells);
                }
                blocks.push(Block::Table {
                    headers: columns
                        .iter()
                        .map(|c| one(&c.title))
                        .collect::<Result<_, _>>()?,
                    widths: columns.iter().map(|c| c.width.max(0.1)).collect(),
                    aligns: columns.iter().map(|c| c.align).collect(),
                    rows,
                });
            }
            Section::Signatures { boxes } => {
                let mut cells = Vec::new();
                for b in boxes {
                    cells.push(SignatureCell {
                        label: one(&b.label)?,
                        value: one(&b.value)?,
                        date_line: b.date_line,
                    });
                }
                blocks.push(Block::Signatures(cells));
            }
            Section::Seal { label, lines } => blocks.push(Block::Seal {
                label: one(label)?,
                lines: lines.iter().map(|l| one(l)).collect::<Result<_, _>>()?,
            }),
            Section::Spacer { height } => blocks.push(Block::Spacer(height.clamp(0.0, 200.0))),
        }
    }
    Ok(Resolved {
        title: one(&t.title)?,
        subtitle: t.subtitle.as_deref().map(one).transpose()?,
        number_line: one(&t.number_line)?,
        blocks,
    })
}

impl Resolved {
    /// Every string that will be printed (for the glyph check).
    pub fn texts(&self) -> Vec<&str> {
        let mut out = vec![self.title.as_str(), self.number_line.as_str()];
        out.extend(self.subtitle.as_deref());
        for b in &self.blocks {
            match b {
                Block::Fields { cells, .. } => {
                    for c in cells {
                        out.push(&c.label);
                        out.push(&c.value);
                    }
                }
                Block::Heading(t) | Block::Paragraph { text: t, .. } => out.push(t),
                Block::Table { headers, rows, .. } => {
                    out.extend(headers.iter().map(String::as_str));
                    for r in rows {
                        out.extend(r.iter().map(String::as_str));
                    }
                }
                Block::Signatures(cells) => {
                    for c in cells {
                        out.push(&c.label);
                        out.push(&c.value);
                    }
                }
                Block::Seal { label, lines } => {
                    out.push(label);
                    out.extend(lines.iter().map(String::as_str));
                }
                Block::Spacer(_) => {}
            }
        }
        out
    }

    /// Apply `f` to every printed string.
    pub fn map_texts(&mut self, f: impl Fn(&str) -> String) {
        let g = |s: &mut String| *s = f(s);
        g(&mut self.title);
        g(&mut self.number_line);
        if let Some(s) = &mut self.subtitle {
            g(s);
        }
        for b in &mut self.blocks {
            match b {
                Block::Fields { cells, .. } => {
                    for c in cells {
                        g(&mut c.label);
                        g(&mut c.value);
                    }
                }
                Block::Heading(t) | Block::Paragraph { text: t, .. } => g(t),
                Block::Table { headers, rows, .. } => {
                    headers.iter_mut().for_each(g);
                    rows.iter_mut().flatten().for_each(g);
                }
                Block::Signatures(cells) => {
                    for c in cells {
                        g(&mut c.label);
                        g(&mut c.value);
                    }
                }
                Block::Seal { label, lines } => {
                    g(label);
                    lines.iter_mut().for_each(g);
                }
                Block::Spacer(_) => {}
            }
        }
    }
}
