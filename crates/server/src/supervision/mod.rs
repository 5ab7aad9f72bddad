//! 电子监察 (ARCHITECTURE.md §6, DOMAIN.md §6): the deadline card of every case, the
//! process-rule violations of its whole history (the window's timeline and the server's own
//! steps), and the counts a supervisor reads (收件, 受理, 办结, 按时办结率, 超期, 黄牌) per window,
//! department and level. Nothing here decides a rule; it only counts what `domain` says.

mod process_rules;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::supervision::{case_deadline, DeadlineState, DeadlineStatus};
use onestop_protocol::{FlaggedCase, SupervisionCounts, SupervisionGroup, SupervisionOverview};

use crate::api::AppError;
use crate::catalogue_cache::CatalogueCache;
use crate::store::Store;
use crate::workflow::{flow_of, item_terms};

/// The period asked for.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day the cards are judged on.
    pub as_of: NaiveDate,
}

/// Adds one case to a set of counts.
fn count(c: &mut SupervisionCounts, accepted: bool, decided: bool, card: Option<DeadlineStatus>) {
    c.received += 1;
    c.accepted += u64::from(accepted);
    c.completed += u64::from(decided);
    match (decided, card.map(|d| d.state)) {
        (true, Some(DeadlineState::Red)) => c.overdue += 1,
        (true, Some(_)) => c.on_time += 1,
        (false, Some(DeadlineState::Red)) => c.overdue += 1,
        (false, Some(DeadlineState::Yellow)) => c.yellow += 1,
        _ => {}
    }
}

fn finish(mut c: SupervisionCounts) -> SupervisionCounts {
    c.on_time_rate = (c.completed > 0).then(|| c.on_time as f64 / c.completed as f64);
    c
}

fn groups(map: BTreeMap<String, (String, SupervisionCounts)>) -> Vec<SupervisionGroup> {
    map.into_iter()
        .map(|(key, (label, counts))| SupervisionGroup {
            key,
            label,
            counts: finish(counts),
        })
        .collect()
}

/// The overview of a county's cases received in `[from, to]`.
pub async fn overview(
    store: &dyn Store,
    cache: &CatalogueCache,
    calendar: &WorkCalendar,
    county: &str,
    period: Period,
) -> Result<SupervisionOverview, AppError> {
    let cases = store.cases_received(county, period.from, period.to).await?;
    let ids: Vec<String> = cases.iter().map(|c| c.case_id.clone()).collect();
    let mut actions = process_rules::server_events(store.server_actions(&ids).await?);
    let windows: BTreeMap<String, (String, String)> = store
        .windows(county)
        .await?
        .into_iter()
        .map(|w| (w.window_id, (w.name, w.level)))
        .collect();
    let mut totals = SupervisionCounts::default();
    let mut by_window = BTreeMap::new();
    let mut by_department = BTreeMap::new();
    let mut by_level = BTreeMap::new();
    let mut flagged = Vec::new();
    let mut violations = Vec::new();
    for case in &cases {
        let flow = flow_of(case)?;
        let catalogue = item_terms(store, cache, case).await?;
        let card = catalogue
            .as_ref()
            .and_then(|c| c.item(&case.item_impl_code))
            .and_then(|i| {
                case_deadline(
                    &flow,
                    i.promised_limit_working_days,
                    calendar,
                    period.as_of,
                    i.warning,
                )
            });
        let accepted = flow.accepted_on.is_some();
        let decided = flow.decided_on.is_some();
        let (window_name, level) = windows
            .get(&case.window_id)
            .cloned()
            .unwrap_or_else(|| (case.window_id.clone(), "unknown".into()));
        count(&mut totals, accepted, decided, card);
        for (map, key, label) in [
            (&mut by_window, case.window_id.clone(), window_name),
            (
                &mut by_department,
                case.department.clone(),
                case.department.clone(),
            ),
            (&mut by_level, level.clone(), level),
        ] {
            let entry = map
                .entry(key)
                .or_insert_with(|| (label, SupervisionCounts::default()));
            count(&mut entry.1, accepted, decided, card);
        }
        if let Some(d) = card.filter(|d| d.state != DeadlineState::Normal) {
            if !(decided && d.state == DeadlineState::Yellow) {
                flagged.push(FlaggedCase {
                    case_id: case.case_id.clone(),
                    acceptance_number: case.acceptance_number.clone(),
                    window_id: case.window_id.clone(),
                    department: case.department.clone(),
                    state: if d.state == DeadlineState::Red {
                        "red"
                    } else {
                        "yellow"
                    }
                    .into(),
                    due: d.due,
                    days_left: d.days_left,
                    decided,
                });
            }
        }
        let server = actions.remove(&case.case_id).unwrap_or_default();
        violations.extend(process_rules::violations_of(case, server));
    }
    Ok(SupervisionOverview {
        county_code: county.to_string(),
        from: period.from,
        to: period.to,
        as_of: period.as_of,
        totals: finish(totals),
        by_window: groups(by_window),
        by_department: groups(by_department),
        by_level: groups(by_level),
        flagged,
        violations,
    })
}
