//! Moving a planting through its life: planned → planted → harvesting → done, or failed with a
//! reason, each step on a recorded date. One rule for the page, the API and any importer.

use crate::{Lang, PlantingStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

impl PlantingStatus {
    /// The statuses a planting may move to from this one. Done and failed are final.
    pub fn next(self) -> &'static [PlantingStatus] {
        use PlantingStatus::*;
        match self {
            Planned => &[Planted, Failed],
            Planted => &[Harvesting, Failed],
            Harvesting => &[Done, Failed],
            Done | Failed => &[],
        }
    }
}

/// A checked status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub to: PlantingStatus,
    /// The day it happened: planted on, harvest started on, harvest ended on, or failed on.
    pub on: NaiveDate,
    /// Why it failed (failed only).
    pub reason: Option<String>,
}

/// Why a status change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusChangeError {
    UnknownStatus,
    /// Not a next step from the current status (e.g. done → planted).
    NotAllowed,
    BadDate,
    /// The date is before the planting went into the ground.
    BeforePlanting,
    /// A failed planting needs a reason (up to 200 characters).
    ReasonRequired,
}

impl StatusChangeError {
    pub fn code(self) -> &'static str {
        match self {
            StatusChangeError::UnknownStatus => "unknown_status",
            StatusChangeError::NotAllowed => "status_not_allowed",
            StatusChangeError::BadDate => "invalid_date",
            StatusChangeError::BeforePlanting => "date_before_planting",
            StatusChangeError::ReasonRequired => "reason_required",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            StatusChangeError::UnknownStatus => lang.pick("未知状态", "Unknown status"),
            StatusChangeError::NotAllowed => lang.pick(
                "不能从当前状态改为该状态（计划→已种→采收中→已完成，或失败）",
                "Not a next step (planned → planted → harvesting → done, or failed)",
            ),
            StatusChangeError::BadDate => {
                lang.pick("日期应为 YYYY-MM-DD", "The date must be YYYY-MM-DD")
            }
            StatusChangeError::BeforePlanting => {
                lang.pick("日期不能早于种植日期", "The date cannot be before planting")
            }
            StatusChangeError::ReasonRequired => lang.pick(
                "请说明失败原因（200 字以内）",
                "Say why it failed (up to 200 characters)",
            ),
        }
    }
}

/// Checks a change from `current` (planted on `planted_on`, if it is in the ground) to the typed
/// status on the typed date.
///
/// # Errors
/// The first rule the change breaks.
pub fn validate_status_change(
    current: PlantingStatus,
    planted_on: Option<NaiveDate>,
    to: &str,
    on: &str,
    reason: &str,
) -> Result<StatusChange, StatusChangeError> {
    let to = PlantingStatus::from_code(to.trim()).ok_or(StatusChangeError::UnknownStatus)?;
    if !current.next().contains(&to) {
        return Err(StatusChangeError::NotAllowed);
    }
    let on = crate::forecast::parse_day(on).map_err(|_| StatusChangeError::BadDate)?;
    if to != PlantingStatus::Planted && planted_on.is_some_and(|p| on < p) {
        return Err(StatusChangeError::BeforePlanting);
    }
    let reason = reason.trim();
    let reason = if to == PlantingStatus::Failed {
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(StatusChangeError::ReasonRequired);
        }
        Some(reason.to_owned())
    } else {
        None
    };
    Ok(StatusChange { to, on, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlantingStatus::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn a_planting_moves_forward_one_step_at_a_time() {
        assert_eq!(
            validate_status_change(Planned, None, "planted", "2026-11-20", ""),
            Ok(StatusChange {
                to: Planted,
                on: d(11, 20),
                reason: None
            })
        );
        assert!(
            validate_status_change(Planted, Some(d(11, 20)), "harvesting", "2027-02-10", "")
                .is_ok()
        );
        assert_eq!(
            validate_status_change(Planned, None, "done", "2026-11-20", ""),
            Err(StatusChangeError::NotAllowed)
        );
        assert_eq!(
            validate_status_change(Done, Some(d(11, 20)), "planted", "2026-11-20", ""),
            Err(StatusChangeError::NotAllowed)
        );
        assert!(Failed.next().is_empty() && Done.next().is_empty());
    }

    #[test]
    fn failing_needs_a_reason_and_dates_cannot_precede_planting() {
        assert_eq!(
            validate_status_change(Planted, Some(d(11, 20)), "failed", "2026-12-01", "  "),
            Err(StatusChangeError::ReasonRequired)
        );
        assert_eq!(
            validate_status_change(Planted, Some(d(11, 20)), "failed", "2026-12-01", "冻害"),
            Ok(StatusChange {
                to: Failed,
                on: d(12, 1),
                reason: Some("冻害".into())
            })
        );
        assert_eq!(
            validate_status_change(Planted, Some(d(11, 20)), "harvesting", "2026-11-19", ""),
            Err(StatusChangeError::BeforePlanting)
        );
        assert_eq!(
            validate_status_change(Planted, None, "harvest", "2026-11-19", ""),
            Err(StatusChangeError::UnknownStatus)
        );
        assert_eq!(
            validate_status_change(Planned, None, "planted", "tomorrow", ""),
            Err(StatusChangeError::BadDate)
        );
    }
}
