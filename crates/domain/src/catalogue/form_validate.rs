//! Validation of filled-in form data against an item's schema. Every error is returned at once, so
//! the clerk can fix the whole form in one pass (the spirit of art. 32 (4): tell everything once).

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::form::{FieldType, FormField, FormSchema};
use crate::error::Coded;
use crate::ids::{Phone, ResidentId, Uscc};

/// One problem with one field. `key` is empty for a problem with the whole form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub key: String,
    pub code: &'static str,
    /// Chinese text for the clerk, naming the field by its label.
    pub message: String,
}

impl Coded for FieldError {
    fn code(&self) -> &'static str {
        self.code
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// Validate `data` (a JSON object keyed by field key) against `schema`, without the future-date
/// check of citizen IDs (no "today" is known here). Prefer [`validate_form_at`] at the window.
pub fn validate_form(schema: &FormSchema, data: &Value) -> Vec<FieldError> {
    validate(schema, data, None)
}

/// Validate `data` against `schema`; citizen IDs born after `today` are refused.
pub fn validate_form_at(schema: &FormSchema, data: &Value, today: NaiveDate) -> Vec<FieldError> {
    validate(schema, data, Some(today))
}

fn err(key: &str, code: &'static str, message: String) -> FieldError {
    FieldError {
        key: key.to_owned(),
        code,
        message,
    }
}

fn validate(schema: &FormSchema, data: &Value, today: Option<NaiveDate>) -> Vec<FieldError> {
    let Some(obj) = data.as_object() else {
        return vec![err("", "form.not_object", "表单数据必须是一个对象".into())];
    };
    let mut errors = Vec::new();
    for field in &schema.fields {
        if let Some(e) = check_field(field, obj, today) {
            errors.push(e);
        }
    }
    for key in obj.keys() {
        if schema.field(key).is_none() {
            errors.push(err(
                key,
                "form.unknown_field",
                format!("表单中没有字段“{key}”"),
            ));
        }
    }
    errors
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn check_field(
    f: &FormField,
    obj: &Map<String, Value>,
    today: Option<NaiveDate>,
) -> Option<FieldError> {
    let label = f.label.as_str();
    let key = f.key.as_str();
    let value = obj.get(key).unwrap_or(&Value::Null);
    if is_blank(value) {
        return f
            .required
            .then(|| err(key, "form.required", format!("请填写“{label}”")));
    }
    let numeric = matches!(f.field_type, FieldType::Number | FieldType::Money);
    let text = match value {
        Value::String(s) => s.trim(),
        Value::Number(_) if numeric => return check_number(f, &value.to_string()),
        _ => {
            return Some(err(
                key,
                "form.bad_type",
                format!("“{label}”的值类型不正确"),
            ))
        }
    };
    if let Some(max) = f.max_len {
        let n = text.chars().count();
        if n > max as usize {
            return Some(err(
                key,
                "form.too_long",
                format!("“{label}”最多 {max} 个字，现有 {n} 个字"),
            ));
        }
    }
    let id_err = |e: &dyn Coded, msg: String| Some(err(key, e.code(), format!("“{label}”：{msg}")));
    match f.field_type {
        FieldType::Text | FieldType::Address => {
            if text.chars().any(char::is_control) {
                return Some(err(
                    key,
                    "form.bad_text",
                    format!("“{label}”不能包含换行或控制字符"),
                ));
            }
        }
        FieldType::Textarea => {
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Some(err(
                    key,
                    "form.bad_text",
                    format!("“{label}”不能包含控制字符"),
                ));
            }
        }
        FieldType::Number | FieldType::Money => return check_number(f, text),
        FieldType::Date => {
            if text.len() != 10 || NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() {
                return Some(err(
                    key,
                    "form.bad_date",
                    format!("“{label}”应为 YYYY-MM-DD 格式的真实日期"),
                ));
            }
        }
        FieldType::Select => {
            if !f.options.iter().any(|o| o == text) {
                return Some(err(
                    key,
                    "form.bad_option",
                    format!("“{label}”只能从给定选项中选择"),
                ));
            }
        }
        FieldType::ResidentId => {
            let r = match today {
                Some(t) => ResidentId::parse(text, t),
                None => ResidentId::parse_structure(text),
            };
            if let Err(e) = r {
                return id_err(&e, e.to_string());
            }
        }
        FieldType::Uscc => {
            if let Err(e) = Uscc::parse(text) {
                return id_err(&e, e.to_string());
            }
        }
        FieldType::Phone => {
            if let Err(e) = Phone::parse(text) {
                return id_err(&e, e.to_string());
            }
        }
    }
    None
}

/// A plain decimal: optional minus, digits, optional point and digits; no exponent, no spaces.
/// Money is additionally non-negative with at most two decimals (yuan and fen).
fn check_number(f: &FormField, s: &str) -> Option<FieldError> {
    let label = f.label.as_str();
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let well_formed = !int.is_empty()
        && digits(int)
        && digits(frac)
        && (!body.contains('.') || !frac.is_empty())
        && int.len() <= 15;
    if f.field_type == FieldType::Money {
        if !well_formed || neg || frac.len() > 2 {
            return Some(err(
                &f.key,
                "form.bad_money",
                format!("“{label}”应为不小于 0、最多两位小数的金额"),
            ));
        }
    } else if !well_formed {
        return Some(err(&f.key, "form.bad_number", format!("“{label}”应为数字")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::SharedField;
    use serde_json::json;

    fn field(key: &str, t: FieldType, required: bool) -> FormField {
        FormField {
            key: key.into(),
            label: key.into(),
            field_type: t,
            required,
            max_len: None,
            options: if t == FieldType::Select {
                vec!["甲".into(), "乙".into()]
            } else {
                vec![]
            },
            shared: None,
        }
    }

    fn schema() -> FormSchema {
        let mut name = field("name", FieldType::Text, true);
        name.max_len = Some(4);
        name.shared = Some(SharedField::Name);
        FormSchema {
            fields: vec![
                name,
                field("note", FieldType::Textarea, false),
                field("count", FieldType::Number, false),
                field("fee", FieldType::Money, false),
                field("born", FieldType::Date, false),
                field("kind", FieldType::Select, true),
                field("id", FieldType::ResidentId, false),
                field("org", FieldType::Uscc, false),
                field("tel", FieldType::Phone, false),
                field("addr", FieldType::Address, false),
            ],
        }
    }

    #[test]
    fn a_good_form_passes() {
        let data = json!({"name": "张三", "note": "两行\n说明", "count": 12, "fee": "12.50",
            "born": "2026-02-28", "kind": "乙", "id": "110101199003071233",
            "org": "91350100M000100Y43", "tel": "13800138000", "addr": "示范县一号"});
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(validate_form_at(&schema(), &data, today), vec![]);
    }

    #[test]
    fn every_error_at_once() {
        let data = json!({"name": "张三丰大侠", "note": "a\u{0007}", "count": "1e5", "fee": -1,
            "born": "2026-02-30", "kind": "丙", "id": "110101199003071234",
            "org": "91350100I000100Y43", "tel": "1380013800", "addr": ["x"], "extra": 1});
        let codes: Vec<(String, &str)> = validate_form(&schema(), &data)
            .into_iter()
            .map(|e| (e.key, e.code))
            .collect();
        let expected = [
            ("name", "form.too_long"),
            ("note", "form.bad_text"),
            ("count", "form.bad_number"),
            ("fee", "form.bad_money"),
            ("born", "form.bad_date"),
            ("kind", "form.bad_option"),
            ("id", "id.bad_check"),
            ("org", "uscc.bad_char"),
            ("tel", "phone.bad_length"),
            ("addr", "form.bad_type"),
            ("extra", "form.unknown_field"),
        ];
        let expected: Vec<(String, &str)> =
            expected.iter().map(|(k, c)| (k.to_string(), *c)).collect();
        assert_eq!(codes, expected);
    }

    #[test]
    fn required_and_not_object() {
        let errs = validate_form(&schema(), &json!({"name": "  ", "kind": null}));
        assert_eq!(
            errs.iter().map(|e| e.code).collect::<Vec<_>>(),
            ["form.required"; 2]
        );
        assert_eq!(errs[0].message, "请填写“name”");
        assert_eq!(
            validate_form(&schema(), &json!([]))[0].code,
            "form.not_object"
        );
    }

    #[test]
    fn future_birth_only_with_today() {
        let data = json!({"name": "李四", "kind": "甲", "id": "440305202611290314"});
        assert!(validate_form(&schema(), &data).is_empty());
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            validate_form_at(&schema(), &data, today)[0].code,
            "id.future_date"
        );
    }
}
