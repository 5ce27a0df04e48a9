//! Who may see and change what: roles, their scope, and the one rule per kind of record.
//! Every server function and API route asks these functions; nothing is hidden by links alone.

use crate::lease::Planter;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The four kinds of account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, and manages accounts.
    Admin,
    /// One township: plans, plots, plantings, targets, reports.
    Agronomist,
    /// One cooperative (专业合作社): its leases, shifts, wages; reads its township's plan.
    Cooperative,
    /// One household (农户): its own plots, plantings, shifts, pay.
    Farmer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Agronomist,
        Role::Cooperative,
        Role::Farmer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agronomist => "agronomist",
            Role::Cooperative => "cooperative",
            Role::Farmer => "farmer",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A signed-in account's role and the one place it is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Scope {
    Admin,
    Agronomist {
        township_id: i64,
    },
    /// A cooperative manager; `township_id` is the cooperative's township (read-only plan).
    Cooperative {
        cooperative_id: i64,
        township_id: i64,
    },
    Farmer {
        household_id: i64,
    },
}

impl Scope {
    pub fn role(self) -> Role {
        match self {
            Scope::Admin => Role::Admin,
            Scope::Agronomist { .. } => Role::Agronomist,
            Scope::Cooperative { .. } => Role::Cooperative,
            Scope::Farmer { .. } => Role::Farmer,
        }
    }
}

/// A signed-in account as every server function and API route sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub account_id: i64,
    pub phone: String,
    pub scope: Scope,
    /// Set by an admin's password reset: every other page waits until the password is changed.
    pub must_change_password: bool,
}

/// Why a new account's role and place do not make a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeError {
    UnknownRole,
    /// The role needs its township, cooperative or household id.
    MissingPlace,
}

/// The scope a new account gets from its role code and the place ids given with it: the one
/// rule shared by the API and the command line. A cooperative's township is looked up when the
/// account is loaded, so it is 0 here.
///
/// # Errors
/// An unknown role code, or a role without the place it is bound to.
pub fn scope_for_new_account(
    role: &str,
    township_id: Option<i64>,
    cooperative_id: Option<i64>,
    household_id: Option<i64>,
) -> Result<Scope, ScopeError> {
    let need = |id: Option<i64>| id.ok_or(ScopeError::MissingPlace);
    Ok(
        match Role::from_code(role).ok_or(ScopeError::UnknownRole)? {
            Role::Admin => Scope::Admin,
            Role::Agronomist => Scope::Agronomist {
                township_id: need(township_id)?,
            },
            Role::Cooperative => Scope::Cooperative {
                cooperative_id: need(cooperative_id)?,
                township_id: 0,
            },
            Role::Farmer => Scope::Farmer {
                household_id: need(household_id)?,
            },
        },
    )
}

/// Where a plot lies and whose it is: what the plot rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlotPlace {
    pub township_id: i64,
    pub owner_household_id: Option<i64>,
}

/// Which plots a list may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotFilter {
    All,
    Township(i64),
    Household(i64),
}

/// The plots a scope may list.
pub fn plot_filter(scope: Scope) -> PlotFilter {
    match scope {
        Scope::Admin => PlotFilter::All,
        Scope::Agronomist { township_id } | Scope::Cooperative { township_id, .. } => {
            PlotFilter::Township(township_id)
        }
        Scope::Farmer { household_id } => PlotFilter::Household(household_id),
    }
}

/// May this scope see the plot and its plantings?
pub fn can_view_plot(scope: Scope, plot: PlotPlace) -> bool {
    match plot_filter(scope) {
        PlotFilter::All => true,
        PlotFilter::Township(t) => t == plot.township_id,
        PlotFilter::Household(h) => plot.owner_household_id == Some(h),
    }
}

/// A cooperative's lease of a plot and its term (土地流转 contract), as the planting rule
/// sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseTerm {
    pub cooperative_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Whom a new planting made by this scope belongs to: a cooperative plants for itself (on land
/// it leases), everyone else for the plot's household.
pub fn planter_of(scope: Scope) -> Planter {
    match scope {
        Scope::Cooperative { cooperative_id, .. } => Planter::Cooperative(cooperative_id),
        _ => Planter::Household,
    }
}

/// The one rule for "who may plan or change a planting on this plot on this day", asked by the
/// plot page, the planting form, the API and the status change alike. `planter` is whose the
/// planting is (for a new one, [`planter_of`] the caller); `leases` are the plot's leases.
/// - admins: every planting;
/// - agronomists: every planting in their township (the township plans);
/// - a cooperative: its own plantings, on land it leases on `on`;
/// - a farmer: the household's own plantings on its own plot, never a cooperative's planting
///   on land the household leased out.
pub fn can_work_planting(
    scope: Scope,
    plot: PlotPlace,
    planter: Planter,
    leases: &[LeaseTerm],
    on: NaiveDate,
) -> bool {
    match scope {
        Scope::Admin => true,
        Scope::Agronomist { township_id } => township_id == plot.township_id,
        Scope::Cooperative {
            cooperative_id,
            township_id,
        } => {
            township_id == plot.township_id
                && planter == Planter::Cooperative(cooperative_id)
                && leases.iter().any(|l| {
                    l.cooperative_id == cooperative_id && l.starts_on <= on && on <= l.ends_on
                })
        }
        Scope::Farmer { household_id } => {
            planter == Planter::Household && plot.owner_household_id == Some(household_id)
        }
    }
}

/// May this scope manage accounts, tokens and read the audit log?
pub fn can_manage_accounts(scope: Scope) -> bool {
    matches!(scope, Scope::Admin)
}

/// Which households a caller may see in the household lists and pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdView {
    /// The whole county (admins).
    All,
    /// One township's (its agronomists).
    Township(i64),
    /// The households of the cooperative's alliances (read only).
    Alliance { cooperative_id: i64 },
    /// None (farmers see their own household on 我的 pages).
    Nothing,
}

/// The households a scope may see.
pub fn household_view(scope: Scope) -> HouseholdView {
    match scope {
        Scope::Admin => HouseholdView::All,
        Scope::Agronomist { township_id } => HouseholdView::Township(township_id),
        Scope::Cooperative { cooperative_id, .. } => HouseholdView::Alliance { cooperative_id },
        Scope::Farmer { .. } => HouseholdView::Nothing,
    }
}

/// May this scope add and change households of the township, their people and give them
/// farmer accounts? Admins and the township's agronomists; cooperatives only see.
pub fn can_manage_households(scope: Scope, township_id: i64) -> bool {
    match scope {
        Scope::Admin => true,
        Scope::Agronomist { township_id: own } => own == township_id,
        Scope::Cooperative { .. } | Scope::Farmer { .. } => false,
    }
}

/// Which townships' targets and progress a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TownshipView {
    All,
    One(i64),
    /// Farmers: targets are the township's plan, not a household's business.
    Nothing,
}

/// Admins see every township's plan; agronomists and cooperatives their own township's.
pub fn township_view(scope: Scope) -> TownshipView {
    match scope {
        Scope::Admin => TownshipView::All,
        Scope::Agronomist { township_id } | Scope::Cooperative { township_id, .. } => {
            TownshipView::One(township_id)
        }
        Scope::Farmer { .. } => TownshipView::Nothing,
    }
}

/// Who may set a township's targets: admins, and the township's own agronomists.
pub fn can_set_targets(scope: Scope, township_id: i64) -> bool {
    match scope {
        Scope::Admin => true,
        Scope::Agronomist { township_id: own } => own == township_id,
        _ => false,
    }
}

/// Who may add, edit, retire and import a township's plots: admins, and the township's own
/// agronomists (cooperatives lease land and farmers own it, but the plot register is the
/// township's).
pub fn can_manage_plots(scope: Scope, township_id: i64) -> bool {
    can_set_targets(scope, township_id)
}

/// Which cooperatives' work (alliances, leases, shifts, wages) a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CooperativeView {
    All,
    /// A cooperative's own manager.
    Own(i64),
    /// An agronomist: every cooperative of the township, read-only.
    Township(i64),
    /// A farmer: only their own household's leases, shifts and pay.
    Household(i64),
}

pub fn cooperative_view(scope: Scope) -> CooperativeView {
    match scope {
        Scope::Admin => CooperativeView::All,
        Scope::Cooperative { cooperative_id, .. } => CooperativeView::Own(cooperative_id),
        Scope::Agronomist { township_id } => CooperativeView::Township(township_id),
        Scope::Farmer { household_id } => CooperativeView::Household(household_id),
    }
}

/// May this scope see a cooperative's work (its township given)?
pub fn can_view_cooperative(scope: Scope, cooperative_id: i64, township_id: i64) -> bool {
    match cooperative_view(scope) {
        CooperativeView::All => true,
        CooperativeView::Own(c) => c == cooperative_id,
        CooperativeView::Township(t) => t == township_id,
        CooperativeView::Household(_) => false,
    }
}

/// May this scope post shifts, assign people, record hours, settle wages, sign leases and
/// record dividends for the cooperative? Its own manager, and admins.
pub fn can_manage_cooperative(scope: Scope, cooperative_id: i64) -> bool {
    match scope {
        Scope::Admin => true,
        Scope::Cooperative {
            cooperative_id: own,
            ..
        } => own == cooperative_id,
        _ => false,
    }
}

/// Who may set the income line poor households are measured against: admins (it is the
/// county's, not a township's).
pub fn can_set_income_line(scope: Scope) -> bool {
    matches!(scope, Scope::Admin)
}

/// Who may import a site's observed weather: admins and agronomists (county-wide data, no
/// household's records).
pub fn can_import_weather(scope: Scope) -> bool {
    matches!(scope.role(), Role::Admin | Role::Agronomist)
}

/// A mainland mobile number: 11 digits starting with 1 and a second digit 3–9.
pub fn is_valid_phone(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// Failed sign-ins in a row on one account (or one known device) that need no wait.
pub const FREE_SIGN_IN_FAILURES: i64 = 5;
/// The longest wait between two sign-in attempts on one account: five minutes.
pub const MAX_SIGN_IN_DELAY_SECS: i64 = 300;

/// The first wait, after [`FREE_SIGN_IN_FAILURES`] failures; each further failure doubles it.
pub const FIRST_SIGN_IN_DELAY_SECS: i64 = 15;

/// Seconds before the next sign-in attempt on an account after `failures` failed ones in a row:
/// none for the first [`FREE_SIGN_IN_FAILURES`] (a mistyped password or two costs nothing),
/// then 15, 30, 60 … seconds, at most [`MAX_SIGN_IN_DELAY_SECS`]. Guessing slows to 12 tries an
/// hour, yet nobody is ever locked out for longer than the cap, and the owner's own phone (a
/// known device) has a count of its own that a stranger cannot raise.
pub fn sign_in_delay_secs(failures: i64) -> i64 {
    if failures < FREE_SIGN_IN_FAILURES {
        0
    } else {
        let doublings = (failures - FREE_SIGN_IN_FAILURES).min(20);
        (FIRST_SIGN_IN_DELAY_SECS << doublings).min(MAX_SIGN_IN_DELAY_SECS)
    }
}

/// Shortest password accepted for a new account or a change.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Is this password long enough (counted in characters, so Chinese passwords count fairly)?
pub fn is_acceptable_password(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_CHARS && password.chars().count() <= 128
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOWNSHIP: i64 = 1;
    const OTHER_TOWNSHIP: i64 = 2;
    const HOUSEHOLD: i64 = 10;

    #[test]
    fn sign_in_waits_grow_after_five_failures_and_stop_at_five_minutes() {
        for f in 0..5 {
            assert_eq!(sign_in_delay_secs(f), 0);
        }
        let waits: Vec<i64> = (5..13).map(sign_in_delay_secs).collect();
        assert_eq!(waits, [15, 30, 60, 120, 240, 300, 300, 300]);
        assert_eq!(sign_in_delay_secs(i64::MAX), MAX_SIGN_IN_DELAY_SECS);
        assert!((0..100).all(|f| sign_in_delay_secs(f) <= sign_in_delay_secs(f + 1)));
    }

    #[test]
    fn only_a_cooperatives_own_manager_and_admins_run_its_work() {
        let own = Scope::Cooperative {
            cooperative_id: 3,
            township_id: 1,
        };
        assert!(can_manage_cooperative(own, 3));
        assert!(!can_manage_cooperative(own, 4));
        assert!(can_manage_cooperative(Scope::Admin, 4));
        let agro = Scope::Agronomist { township_id: 1 };
        assert!(!can_manage_cooperative(agro, 3));
        assert!(can_view_cooperative(agro, 3, 1));
        assert!(!can_view_cooperative(agro, 3, 2));
        assert!(!can_view_cooperative(
            Scope::Farmer { household_id: 9 },
            3,
            1
        ));
        assert!(can_view_cooperative(own, 3, 1) && !can_view_cooperative(own, 4, 1));
    }

    fn plot(township_id: i64, owner: Option<i64>) -> PlotPlace {
        PlotPlace {
            township_id,
            owner_household_id: owner,
        }
    }

    #[test]
    fn each_role_sees_only_its_plots() {
        let mine = plot(TOWNSHIP, Some(HOUSEHOLD));
        let neighbours = plot(TOWNSHIP, Some(11));
        let elsewhere = plot(OTHER_TOWNSHIP, Some(12));
        let cases = [
            (Scope::Admin, [true, true, true]),
            (
                Scope::Agronomist {
                    township_id: TOWNSHIP,
                },
                [true, true, false],
            ),
            (
                Scope::Cooperative {
                    cooperative_id: 5,
                    township_id: TOWNSHIP,
                },
                [true, true, false],
            ),
            (
                Scope::Farmer {
                    household_id: HOUSEHOLD,
                },
                [true, false, false],
            ),
        ];
        for (scope, expected) in cases {
            let seen = [mine, neighbours, elsewhere].map(|p| can_view_plot(scope, p));
            assert_eq!(seen, expected, "{scope:?}");
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn a_planting_is_changed_by_whoever_planted_it_and_by_the_township() {
        const COOP: i64 = 5;
        let p = plot(TOWNSHIP, Some(HOUSEHOLD));
        let coop = Scope::Cooperative {
            cooperative_id: COOP,
            township_id: TOWNSHIP,
        };
        let owner = Scope::Farmer {
            household_id: HOUSEHOLD,
        };
        let agro = Scope::Agronomist {
            township_id: TOWNSHIP,
        };
        let lease = [LeaseTerm {
            cooperative_id: COOP,
            starts_on: day("2026-10-01"),
            ends_on: day("2031-09-30"),
        }];
        let on = day("2026-12-01");
        let theirs = Planter::Cooperative(COOP);
        // The cooperative's morels on land it leases: the cooperative, not the owner household.
        assert!(can_work_planting(coop, p, theirs, &lease, on));
        assert!(!can_work_planting(owner, p, theirs, &lease, on));
        // The household's own planting: the household, not the cooperative.
        assert!(can_work_planting(owner, p, Planter::Household, &lease, on));
        assert!(!can_work_planting(coop, p, Planter::Household, &lease, on));
        // Outside the lease's term, or without a lease, the cooperative may not.
        assert!(!can_work_planting(
            coop,
            p,
            theirs,
            &lease,
            day("2026-09-30")
        ));
        assert!(!can_work_planting(
            coop,
            p,
            theirs,
            &lease,
            day("2031-10-01")
        ));
        assert!(!can_work_planting(coop, p, theirs, &[], on));
        let other_coop = Scope::Cooperative {
            cooperative_id: 6,
            township_id: TOWNSHIP,
        };
        assert!(!can_work_planting(
            other_coop,
            p,
            Planter::Cooperative(6),
            &lease,
            on
        ));
        // The township's agronomists and admins: every planting; other townships: none.
        for planter in [Planter::Household, theirs] {
            assert!(can_work_planting(agro, p, planter, &lease, on));
            assert!(can_work_planting(Scope::Admin, p, planter, &[], on));
            let far = Scope::Agronomist {
                township_id: OTHER_TOWNSHIP,
            };
            assert!(!can_work_planting(far, p, planter, &lease, on));
        }
        assert!(!can_work_planting(
            Scope::Farmer { household_id: 99 },
            p,
            Planter::Household,
            &[],
            on
        ));
        assert_eq!(planter_of(coop), theirs);
        assert_eq!(planter_of(owner), Planter::Household);
        assert_eq!(planter_of(agro), Planter::Household);
    }

    #[test]
    fn only_admins_manage_accounts() {
        assert!(can_manage_accounts(Scope::Admin));
        assert!(!can_manage_accounts(Scope::Agronomist { township_id: 1 }));
        assert!(!can_manage_accounts(Scope::Farmer { household_id: 1 }));
    }

    #[test]
    fn phone_numbers_are_eleven_digit_mainland_mobiles() {
        assert!(is_valid_phone("13800001234"));
        for bad in [
            "1380000123",
            "138000012345",
            "23800001234",
            "12800001234",
            "1380000123a",
            "",
            "１３８００００１２３４",
        ] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(!is_acceptable_password("short"));
        assert!(is_acceptable_password("田联田联田联田联"));
        assert!(is_acceptable_password("correct horse"));
    }

    #[test]
    fn a_new_account_gets_the_scope_of_its_role_and_place() {
        assert_eq!(
            scope_for_new_account("admin", None, None, None),
            Ok(Scope::Admin)
        );
        assert_eq!(
            scope_for_new_account("farmer", None, None, Some(7)),
            Ok(Scope::Farmer { household_id: 7 })
        );
        assert_eq!(
            scope_for_new_account("agronomist", None, Some(3), None),
            Err(ScopeError::MissingPlace)
        );
        assert_eq!(
            scope_for_new_account("king", Some(1), None, None),
            Err(ScopeError::UnknownRole)
        );
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn targets_are_set_by_the_townships_agronomist_and_seen_by_its_cooperatives() {
        let agro = Scope::Agronomist { township_id: 1 };
        let coop = Scope::Cooperative {
            cooperative_id: 5,
            township_id: 1,
        };
        let farmer = Scope::Farmer { household_id: 9 };
        assert!(can_set_targets(Scope::Admin, 7));
        assert!(can_set_targets(agro, 1));
        assert!(!can_set_targets(agro, 2));
        assert!(!can_set_targets(coop, 1));
        assert!(!can_set_targets(farmer, 1));
        assert_eq!(township_view(Scope::Admin), TownshipView::All);
        assert_eq!(township_view(coop), TownshipView::One(1));
        assert_eq!(township_view(farmer), TownshipView::Nothing);
    }
}

/// Whether `path` is a path on this site that is safe to send a browser back to after a form:
/// one leading `/`, never `//host` or `/\host` (which browsers follow to another site), no
/// control characters (a header break).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod local_path_tests {
    use super::is_local_path;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert!(is_local_path("/my?m=2027-02"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/a\r\nSet-Cookie: x=1",
            "",
            "evil",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
