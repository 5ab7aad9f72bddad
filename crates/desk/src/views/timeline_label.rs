/// The Chinese label of a timeline entry kind; an unknown kind shows as itself.
pub(crate) fn timeline_label(kind: &str) -> String {
    let label = match kind {
        "case.received" => "收件",
        "case.supplement_requested" => "一次性告知补正",
        "case.supplemented" => "补正材料已收",
        "case.accepted" => "受理",
        "case.rejected" => "不予受理",
        "case.completed_on_spot" => "即办办结",
        "case.withdrawn" => "撤回申请",
        "case.changed" => "办件变更",
        "attachment.added" => "添加扫描件",
        "voucher.printed" => "打印凭证",
        "case.status" => "审批进度",
        other => return other.to_owned(),
    };
    label.to_owned()
}
