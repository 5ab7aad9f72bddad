use serde::{Deserialize, Serialize};

/// When a case's card turns yellow. The law sets no threshold (DOMAIN.md §6: local rule), so each
/// item carries its own, defaulting to "at most 2 working days left or at least 80% of the time
/// used".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WarningThresholds {
    /// Yellow when at most this many working days are left.
    pub days_left: u32,
    /// Yellow when at least this percentage of the working days has been used (1..=100).
    pub percent_used: u8,
}

impl Default for WarningThresholds {
    fn default() -> Self {
        WarningThresholds {
            days_left: 2,
            percent_used: 80,
        }
    }
}
