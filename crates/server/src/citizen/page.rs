//! The HTML of the citizen page: plain zh-CN HTML and a GET form, no script.

use super::CitizenStatus;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn shell(body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><title>办件进度查询</title>\
<style>body{{font-family:sans-serif;max-width:30em;margin:2em auto;padding:0 1em}}\
dt{{color:#666}}dd{{margin:0 0 .8em 0;font-size:1.2em}}input{{font-size:1.2em}}</style>\
</head><body><h1>办件进度查询</h1>{body}</body></html>\n"
    )
}

fn form(number: &str, signature: Option<&str>) -> String {
    let hidden = signature
        .map(|s| format!("<input type=\"hidden\" name=\"s\" value=\"{}\">", esc(s)))
        .unwrap_or_default();
    format!(
        "<form method=\"get\" action=\"/q/{n}\">{hidden}\
<p>受理编号：{n}</p><label>请输入申请人身份证件号码的后 4 位：\
<input name=\"id_tail\" maxlength=\"4\" size=\"6\" autocomplete=\"off\" required></label> \
<button type=\"submit\">查询</button></form>",
        n = esc(number)
    )
}

/// The form asking for the ID tail.
pub fn form_page(number: &str, signature: Option<&str>) -> String {
    shell(&form(number, signature))
}

/// The one answer for an unknown number and a wrong ID tail.
pub fn not_found_page(number: &str, signature: Option<&str>) -> String {
    shell(&format!(
        "<p><strong>未查询到办件，或证件号码后 4 位不符。</strong>请核对后重试。</p>{}",
        form(number, signature)
    ))
}

pub fn rate_limited_page(retry_after_secs: u64) -> String {
    shell(&format!(
        "<p><strong>查询过于频繁，请 {retry_after_secs} 秒后再试。</strong></p>"
    ))
}

pub fn status_page(s: &CitizenStatus) -> String {
    let due = match s.due_on {
        Some(d) if s.due_provisional => format!("{} （暂定）", d.format("%Y年%m月%d日")),
        Some(d) => d.format("%Y年%m月%d日").to_string(),
        None => "尚未确定".into(),
    };
    let sig = match s.signature_valid {
        Some(true) => "<dd class=\"ok\">有效（凭证由受理窗口签发，内容未被篡改）</dd>",
        Some(false) => "<dd class=\"bad\">无效（凭证可能被伪造或篡改，请向办事大厅核实）</dd>",
        None => "<dd>未提供（请扫描凭证上的二维码）</dd>",
    };
    shell(&format!(
        "<dl><dt>受理编号</dt><dd>{}</dd><dt>办理状态</dt><dd>{}</dd>\
<dt>承诺办结日期</dt><dd>{}</dd><dt>凭证签名</dt>{sig}</dl>",
        esc(&s.number),
        esc(s.status.label()),
        esc(&due)
    ))
}
