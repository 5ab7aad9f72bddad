//! Checks of one item's form schema (part of the edition checks).

use std::collections::HashSet;

use super::form::{FieldType, FormSchema};
use super::problem::ProblemKind;
use super::validate::Collector;

fn key_ok(key: &str) -> bool {
    let mut b = key.bytes();
    key.len() <= 64
        && b.next().is_some_and(|f| f.is_ascii_lowercase())
        && b.all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == b'_')
}

pub(super) fn check_form(form: &FormSchema, c: &mut Collector<'_>) {
    use ProblemKind as K;
    let mut keys = HashSet::new();
    let mut shared = HashSet::new();
    for (j, f) in form.fields.iter().enumerate() {
        let path = format!("[{j}]");
        let label = f.label.as_str();
        if !key_ok(&f.key) {
            c.push(
                &path,
                K::BadFormKey,
                format!("表单字段键“{}”应为小写字母开头的字母、数字或下划线", f.key),
            );
        }
        if !keys.insert(f.key.as_str()) {
            c.push(
                &path,
                K::DuplicateFormKey,
                format!("表单字段键“{}”重复", f.key),
            );
        }
        if label.trim().is_empty() {
            c.push(
                &path,
                K::MissingText,
                format!("表单字段“{}”缺少标签", f.key),
            );
        }
        if f.field_type == FieldType::Select {
            if f.options.is_empty() {
                c.push(
                    &path,
                    K::SelectWithoutOptions,
                    format!("下拉字段“{label}”没有选项"),
                );
            }
            let distinct: HashSet<_> = f.options.iter().collect();
            if distinct.len() != f.options.len() || f.options.iter().any(|o| o.trim().is_empty()) {
                c.push(
                    &path,
                    K::DuplicateOption,
                    format!("下拉字段“{label}”的选项为空或重复"),
                );
            }
        } else if !f.options.is_empty() {
            c.push(
                &path,
                K::OptionsOnNonSelect,
                format!("字段“{label}”不是下拉字段，却列有选项"),
            );
        }
        if f.max_len == Some(0) {
            c.push(
                &path,
                K::BadMaxLen,
                format!("字段“{label}”的最大长度不能为 0"),
            );
        }
        if let Some(s) = f.shared {
            if !s.fits(f.field_type) {
                c.push(
                    &path,
                    K::SharedTypeMismatch,
                    format!("字段“{label}”的类型与共享的申请人字段不匹配"),
                );
            }
            if !shared.insert(s) {
                c.push(
                    &path,
                    K::DuplicateShared,
                    format!("字段“{label}”与另一字段映射到同一个申请人字段"),
                );
            }
        }
    }
}
