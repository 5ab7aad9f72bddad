//! The lines a clerk reads when the server moves a case.

use onestop_domain::lifecycle::CaseStatus;

/// The line for `number` (the acceptance number, shown in its printed groups as on every screen
/// and voucher) now at `status`.
pub fn status_notice(number: &str, status: CaseStatus) -> String {
    let number = onestop_domain::numbering::AcceptanceNumber::grouped_text(number);
    match status {
        CaseStatus::Approved => format!("办件 {number} 已准予许可，结果可领取"),
        CaseStatus::Denied => format!("办件 {number} 不予许可，请通知申请人领取决定书"),
        CaseStatus::Concluded => format!("办件 {number} 已全部办结，结果可领取"),
        CaseStatus::Delivered => format!("办件 {number} 已送达申请人"),
        CaseStatus::Suspended => format!("办件 {number} 已进入特别程序，办理时限暂停计算"),
        other => format!("办件 {number} 状态已更新：{}", other.label()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_reads_as_printed() {
        let line = status_notice("990101000126112900013", CaseStatus::Approved);
        assert_eq!(
            line,
            "办件 990101-0001-261129-0001-3 已准予许可，结果可领取"
        );
    }
}
