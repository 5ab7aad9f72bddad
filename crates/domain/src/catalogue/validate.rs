//! Checks of a whole catalogue edition. Every problem is collected, so the admin sees them all.

use std::collections::HashSet;

use super::item::{CaseType, Item, StepKind};
use super::problem::{CatalogueProblem, ProblemKind};
use super::schema_check::check_form;
use super::Catalogue;
use crate::ids::{is_service_hotline, DivisionCode, Phone, Uscc};

pub(super) struct Collector<'a> {
    item: Option<&'a str>,
    prefix: String,
    problems: Vec<CatalogueProblem>,
}

impl Collector<'_> {
    pub(super) fn push(&mut self, path: &str, kind: ProblemKind, message: String) {
        let path = if self.prefix.is_empty() {
            path.to_owned()
        } else if path.is_empty() {
            self.prefix.clone()
        } else if path.starts_with('[') {
            format!("{}{path}", self.prefix)
        } else {
            format!("{}.{path}", self.prefix)
        };
        self.problems.push(CatalogueProblem {
            item: self.item.map(str::to_owned),
            path,
            kind,
            message,
        });
    }
}

/// An opaque code still has to be usable as a key: non-empty, printable ASCII, no spaces.
fn code_ok(code: &str) -> bool {
    !code.is_empty() && code.len() <= 100 && code.bytes().all(|b| b.is_ascii_graphic())
}

pub(super) fn validate_catalogue(cat: &Catalogue) -> Vec<CatalogueProblem> {
    let mut c = Collector {
        item: None,
        prefix: String::new(),
        problems: Vec::new(),
    };
    if cat.edition.trim().is_empty() {
        c.push(
            "edition",
            ProblemKind::MissingEdition,
            "缺少目录版本号".into(),
        );
    }
    if DivisionCode::parse(&cat.county_code).map_or(true, |d| d.as_str().len() != 6) {
        c.push(
            "county_code",
            ProblemKind::BadCountyCode,
            format!("县级行政区划代码“{}”不是 6 位数字", cat.county_code),
        );
    }
    if cat.items.is_empty() {
        c.push("items", ProblemKind::NoItems, "目录中没有任何事项".into());
    }
    let mut seen = HashSet::new();
    for (i, item) in cat.items.iter().enumerate() {
        c.item = Some(item.impl_code.as_str());
        c.prefix = format!("items[{i}]");
        if !seen.insert(item.impl_code.as_str()) {
            c.push(
                "impl_code",
                ProblemKind::DuplicateImplCode,
                format!("实施编码 {} 重复", item.impl_code),
            );
        }
        check_item(cat, item, &mut c);
        c.prefix = format!("items[{i}].form");
        check_form(&item.form, &mut c);
    }
    c.problems
}

fn check_item(cat: &Catalogue, item: &Item, c: &mut Collector<'_>) {
    use ProblemKind as K;
    let name = item.name.as_str();
    for (path, code) in [
        ("basic_code", &item.basic_code),
        ("impl_code", &item.impl_code),
    ] {
        if !code_ok(code) {
            c.push(
                path,
                K::BadCode,
                format!("事项“{name}”的编码“{code}”为空或含空白、非 ASCII 字符"),
            );
        }
    }
    for (path, text) in [
        ("name", &item.name),
        ("department", &item.department),
        ("conditions", &item.conditions),
    ] {
        if text.trim().is_empty() {
            c.push(path, K::MissingText, format!("事项“{name}”缺少{path}"));
        }
    }
    if let Some(u) = &item.department_uscc {
        if Uscc::parse(u).is_err() {
            c.push(
                "department_uscc",
                K::BadUscc,
                format!("事项“{name}”的实施主体统一社会信用代码“{u}”无效"),
            );
        }
    }
    if item.accept_levels.is_empty() {
        c.push(
            "accept_levels",
            K::NoAcceptLevel,
            format!("事项“{name}”没有可受理的窗口层级"),
        );
    }
    let levels: HashSet<_> = item.accept_levels.iter().collect();
    if levels.len() != item.accept_levels.len() {
        c.push(
            "accept_levels",
            K::DuplicateAcceptLevel,
            format!("事项“{name}”的受理层级重复"),
        );
    }
    // 承诺时限 may be shorter than the statutory limit, never longer.
    if item.promised_limit_working_days > item.legal_limit_working_days {
        c.push(
            "promised_limit_working_days",
            K::PromisedExceedsLegal,
            format!(
                "事项“{name}”的承诺时限 {} 个工作日超过法定时限 {} 个工作日",
                item.promised_limit_working_days, item.legal_limit_working_days
            ),
        );
    }
    match (item.case_type, item.promised_limit_working_days) {
        (CaseType::Instant, n) if n > 0 => c.push(
            "promised_limit_working_days",
            K::BadPromisedLimit,
            format!("即办件“{name}”的承诺时限应为 0"),
        ),
        (CaseType::Promised, 0) => c.push(
            "promised_limit_working_days",
            K::BadPromisedLimit,
            format!("承诺件“{name}”的承诺时限不能为 0"),
        ),
        _ => {}
    }
    if item.waiver_allowed && item.case_type == CaseType::Instant {
        c.push(
            "waiver_allowed",
            K::WaiverOnInstant,
            format!("即办件“{name}”当场办结，不能设置容缺受理"),
        );
    }
    if item.fee.charged
        && item
            .fee
            .basis
            .as_deref()
            .is_none_or(|b| b.trim().is_empty())
    {
        c.push(
            "fee.basis",
            K::FeeWithoutBasis,
            format!("收费事项“{name}”缺少收费依据"),
        );
    }
    if item.basis.iter().all(|b| b.trim().is_empty()) {
        c.push(
            "basis",
            K::MissingBasis,
            format!("事项“{name}”缺少设定依据"),
        );
    }
    let mut ids = HashSet::new();
    for (j, m) in item.materials.iter().enumerate() {
        if !ids.insert(m.id.as_str()) || m.id.trim().is_empty() {
            c.push(
                &format!("materials[{j}].id"),
                K::DuplicateMaterialId,
                format!("事项“{name}”的材料编号“{}”为空或重复", m.id),
            );
        }
        if m.name.trim().is_empty() {
            c.push(
                &format!("materials[{j}].name"),
                K::MissingText,
                format!("事项“{name}”的第 {} 项材料缺少名称", j + 1),
            );
        }
        if m.originals == 0 && m.copies == 0 && !m.electronic_allowed {
            c.push(
                &format!("materials[{j}]"),
                K::MaterialWithoutForm,
                format!("材料“{}”既无原件、复印件份数，也不接受电子件", m.name),
            );
        }
    }
    check_flow(item, c);
    check_parts(cat, item, c);
    if Phone::parse(&item.consult_phone).is_err() {
        c.push(
            "consult_phone",
            K::BadPhone,
            format!("事项“{name}”的咨询电话“{}”无效", item.consult_phone),
        );
    }
    if Phone::parse(&item.supervise_phone).is_err() && !is_service_hotline(&item.supervise_phone) {
        c.push(
            "supervise_phone",
            K::BadPhone,
            format!("事项“{name}”的监督电话“{}”无效", item.supervise_phone),
        );
    }
    if !(1..=100).contains(&item.warning.percent_used) {
        c.push(
            "warning.percent_used",
            K::BadWarningThreshold,
            format!("事项“{name}”的黄牌用时比例应在 1～100 之间"),
        );
    }
}

fn check_flow(item: &Item, c: &mut Collector<'_>) {
    let name = item.name.as_str();
    let steps: Vec<StepKind> = item.flow.iter().map(|s| s.step).collect();
    let mut bad = |why: &str| {
        c.push(
            "flow",
            ProblemKind::BadFlow,
            format!("事项“{name}”的办理流程{why}"),
        )
    };
    if steps.first() != Some(&StepKind::Accept) {
        bad("必须以受理开始");
    }
    if steps.last() != Some(&StepKind::Deliver) {
        bad("必须以送达结束");
    }
    for once in [
        StepKind::Accept,
        StepKind::Decide,
        StepKind::Deliver,
        StepKind::Dispatch,
    ] {
        if steps.iter().filter(|&&s| s == once).count() > 1 {
            bad(&format!("中“{}”环节出现了多次", once.label()));
        }
    }
    if item.flow.iter().any(|s| s.name.trim().is_empty()) {
        bad("中有环节缺少名称");
    }
    // Art. 26: a bundle is dispatched to its departments; an ordinary item has nobody to send to.
    if steps.contains(&StepKind::Dispatch) != item.is_bundle() {
        c.push(
            "flow",
            ProblemKind::DispatchMismatch,
            format!("事项“{name}”：只有“一件事”并联事项才有分送环节，并联事项必须有分送环节"),
        );
    }
}

fn check_parts(cat: &Catalogue, item: &Item, c: &mut Collector<'_>) {
    use ProblemKind as K;
    let name = item.name.as_str();
    let mut seen = HashSet::new();
    for (j, part) in item.parallel_parts.iter().enumerate() {
        let path = format!("parallel_parts[{j}]");
        if part.impl_code == item.impl_code {
            c.push(
                &path,
                K::PartIsSelf,
                format!("“一件事”事项“{name}”把自身列为组成事项"),
            );
            continue;
        }
        if !seen.insert(part.impl_code.as_str()) {
            c.push(
                &path,
                K::DuplicatePart,
                format!("“一件事”事项“{name}”的组成事项 {} 重复", part.impl_code),
            );
        }
        match cat.item(&part.impl_code) {
            None => c.push(
                &path,
                K::PartNotFound,
                format!(
                    "“一件事”事项“{name}”的组成事项 {} 不在目录中",
                    part.impl_code
                ),
            ),
            Some(p) if p.is_bundle() => c.push(
                &path,
                K::NestedBundle,
                format!("组成事项“{}”本身又是“一件事”", p.name),
            ),
            Some(p) if p.department != part.department => c.push(
                &path,
                K::PartDepartmentMismatch,
                format!(
                    "组成事项“{}”的实施部门应为“{}”，此处写作“{}”",
                    p.name, p.department, part.department
                ),
            ),
            Some(_) => {}
        }
    }
}
