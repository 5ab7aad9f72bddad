//! Shared test helpers: sample vouchers of every kind, one renderer for the whole test binary,
//! and wrappers around the real PDF tools (poppler-utils, zbar-tools). A missing tool fails the
//! test with the package to install; it never skips.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};
use ed25519_dalek::SigningKey;
use onestop_domain::ids::DivisionCode;
use onestop_domain::numbering::{AcceptanceNumber, TerminalCode};
use onestop_receipt::*;

pub fn renderer() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(|| {
        Renderer::load(&FontConfig::system())
            .expect("fonts: apt-get install -y fonts-wqy-microhei fonts-noto-cjk fonts-hanazono")
    })
}

pub fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

pub fn number() -> AcceptanceNumber {
    AcceptanceNumber::new(
        &DivisionCode::parse("990101").expect("division"),
        TerminalCode::new(12).expect("terminal"),
        NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
        7,
    )
    .expect("number")
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
}

pub fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    day(d).and_hms_opt(h, m, 0).expect("time")
}

pub const ID: &str = "110101199003071233";
pub const ID_MASKED: &str = "110***********1233";

pub fn applicant(name: &str) -> Party {
    Party {
        name: name.to_owned(),
        id_number: ID.to_owned(),
        phone: Some("13800138000".to_owned()),
        address: Some("某某县城关镇人民路12号".to_owned()),
    }
}

pub fn materials(n: usize) -> Vec<Material> {
    let base = [
        ("个体工商户开业登记申请书", 1, 0, None),
        ("经营者身份证明", 1, 1, Some("核验原件后退还")),
        ("经营场所使用证明（房屋租赁合同或产权证明）", 0, 2, None),
        ("食品经营许可申请书", 1, 0, None),
        ("从业人员健康证明", 0, 1, Some("须在有效期内")),
    ];
    (0..n)
        .map(|i| {
            let (name, o, c, note) = base[i % base.len()];
            Material {
                name: if i < base.len() {
                    name.to_owned()
                } else {
                    format!("{name}（补充件{}）", i + 1)
                },
                originals: o,
                copies: c,
                electronic: i % 3 == 0,
                note: note.map(str::to_owned),
            }
        })
        .collect()
}

pub fn voucher(body: VoucherBody) -> Voucher {
    Voucher {
        number: number(),
        agency: "某某县政务服务中心".to_owned(),
        issued_at: at(27, 10, 15),
        window: "综合受理3号窗口".to_owned(),
        clerk: "李明".to_owned(),
        contact_phone: "0571-88001234".to_owned(),
        terminal: "T0012".to_owned(),
        status_server: "https://zwfw.example.gov.cn".to_owned(),
        reprint_count: 0,
        body,
    }
}

pub fn acceptance(name: &str, n_materials: usize) -> Voucher {
    voucher(VoucherBody::Acceptance(AcceptanceNotice {
        applicant: applicant(name),
        item: "个体工商户设立登记".to_owned(),
        accepted_on: day(27),
        materials: materials(n_materials),
        legal_limit: "20个工作日".to_owned(),
        promised_limit: "5个工作日".to_owned(),
        // Computed, not typed: a voucher with a wrong promised date is the worst kind of sample.
        promised_date: onestop_domain::calendar::WorkCalendar::default_cn()
            .add_working_days(day(27), 5)
            .date,
        special_procedure: Some("现场核查所需时间不计算在办理时限内".to_owned()),
        complaint_phone: "12345".to_owned(),
        delivery: Some("窗口领取".to_owned()),
    }))
}

pub fn correction() -> Voucher {
    voucher(VoucherBody::Correction(CorrectionNotice {
        applicant: applicant("王芳"),
        item: "食品经营许可（仅销售预包装食品备案除外）".to_owned(),
        received_on: day(27),
        corrections: vec![
            Correction {
                material: "经营场所平面布局图".to_owned(),
                problem: "缺少".to_owned(),
                requirement: "标明操作区、仓储区及设备摆放位置，并由申请人签字".to_owned(),
            },
            Correction {
                material: "法定代表人身份证明复印件".to_owned(),
                problem: "复印件模糊，无法辨认".to_owned(),
                requirement: "提供清晰的正反面复印件一份".to_owned(),
            },
        ],
        legal_basis: "《中华人民共和国行政许可法》第三十二条第一款第（四）项；《食品经营许可和备案管理办法》第十三条".to_owned(),
    }))
}

pub fn refusal() -> Voucher {
    voucher(VoucherBody::Refusal(RefusalNotice {
        applicant: applicant("赵强"),
        item: "药品经营许可证核发".to_owned(),
        received_on: day(27),
        reason: "该事项由市级药品监督管理部门实施，不属于本机关职权范围".to_owned(),
        legal_basis: "《中华人民共和国行政许可法》第三十二条第一款第（二）项".to_owned(),
        competent_agency: Some("某某市市场监督管理局".to_owned()),
        review_body: "某某县人民政府".to_owned(),
        court: "某某县人民法院".to_owned(),
    }))
}

pub fn receipt() -> Voucher {
    voucher(VoucherBody::MaterialReceipt(MaterialReceipt {
        applicant: applicant("张伟"),
        item: "个体工商户设立登记".to_owned(),
        received_at: at(27, 9, 30),
        materials: materials(4),
    }))
}

pub fn proxy() -> Voucher {
    voucher(VoucherBody::ProxyAuthorisation(ProxyAuthorisation {
        principal: applicant("陈秀英"),
        agent: Party {
            name: "刘建国".to_owned(),
            id_number: "110101198001011237".to_owned(),
            phone: Some("13900139000".to_owned()),
            address: None,
        },
        agent_post: Some("某某村便民服务站代办员".to_owned()),
        items: vec![
            "城乡居民基本养老保险待遇申领".to_owned(),
            "残疾人两项补贴申请".to_owned(),
        ],
        powers: vec![
            "代为递交申请材料".to_owned(),
            "代为签收相关文书".to_owned(),
            "代为领取办理结果".to_owned(),
        ],
        valid_from: day(27),
        valid_until: NaiveDate::from_ymd_opt(2027, 5, 27).expect("date"),
    }))
}

pub fn all_kinds() -> Vec<Voucher> {
    vec![
        acceptance("张伟", 5),
        correction(),
        refusal(),
        receipt(),
        proxy(),
    ]
}

/// Run a tool, failing with the Debian package to install when it is missing.
pub fn tool(name: &str, package: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is required for this test ({e}); install it: apt-get install -y {package}")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn tmpdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub fn write_pdf(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let p = dir.join(format!("{name}.pdf"));
    std::fs::write(&p, pdf).expect("write pdf");
    p
}

pub fn pdftotext(pdf: &Path) -> String {
    tool(
        "pdftotext",
        "poppler-utils",
        &["-layout", pdf.to_str().expect("path"), "-"],
    )
}

/// pdftotext without layout, whitespace removed: for matching text that may wrap.
pub fn text_compact(pdf: &Path) -> String {
    tool(
        "pdftotext",
        "poppler-utils",
        &["-raw", pdf.to_str().expect("path"), "-"],
    )
    .chars()
    .filter(|c| !c.is_whitespace())
    .collect()
}

pub fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
