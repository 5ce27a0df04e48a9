//! Putting a township on Tianlian (server side): accounts for admins (list, disable, one-time
//! password resets), households and their people for the township's agronomists, farmer
//! accounts for households, and the bulk import of a county registry export with its printed
//! sign-in slips. Each use case asks `tianlian_domain::access` who may do it; the pages, the
//! API and the slip handler share them.

use crate::models::{
    ACCOUNTS_PER_PAGE, AccountDetail, AccountLine, AccountListQuery, AccountsPageData, AuditLine,
    HOUSEHOLDS_PER_PAGE, HouseholdDetail, HouseholdLine, HouseholdListQuery, HouseholdsPageData,
    PersonLine, Slip,
};
use crate::usecases::alliance::{WorkOutcome, refused_all};
use crate::usecases::auth::{HashingError, hash_password};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use tianlian_domain::Lang;
use tianlian_domain::access::{
    Caller, HouseholdView, PlotFilter, Role, Scope, can_manage_accounts, can_manage_households,
    household_view,
};
use tianlian_domain::household::{
    HouseholdError, HouseholdInput, PersonInput, PoorStatus, validate_household, validate_person,
};
use tianlian_domain::import::{LineError, Problem, VillageRef};
use tianlian_domain::onboard::{HouseholdRecord, HouseholdRefs, check_households};
use tianlian_storage::accounts::{self, AccountFilter, PasswordHash};
use tianlian_storage::households::{self, BulkError, HouseholdFilter, HouseholdRow};
use tianlian_storage::{Db, StorageError, audit, places};

/// Characters of a one-time password: lower-case letters and digits a farmer cannot mistake
/// for one another on a printed slip (no 0/o, 1/l/i).
const SLIP_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Length of a one-time password: 31^10 ≈ 2^49.5 guesses, against a sign-in that slows each
/// account after five failures (README, "Security").
const SLIP_PASSWORD_CHARS: usize = 10;

/// A new random one-time password.
pub fn one_time_password() -> String {
    let mut out = String::with_capacity(SLIP_PASSWORD_CHARS);
    while out.len() < SLIP_PASSWORD_CHARS {
        let mut b = [0u8; 1];
        OsRng.fill_bytes(&mut b);
        // Rejection sampling keeps every character equally likely.
        let limit = u8::try_from(256 - 256 % SLIP_ALPHABET.len()).unwrap_or(u8::MAX);
        if b[0] < limit {
            out.push(char::from(
                SLIP_ALPHABET[usize::from(b[0]) % SLIP_ALPHABET.len()],
            ));
        }
    }
    out
}

/// Hashes many passwords on the blocking pool, one batch per core: argon2 is the cost of a
/// bulk import, and it must not hold up the async workers that serve everyone else.
///
/// # Errors
/// A hashing task failed.
#[tracing::instrument(skip_all)]
pub async fn hash_many(passwords: &[String]) -> Result<Vec<PasswordHash>, HashingError> {
    if passwords.is_empty() {
        return Ok(Vec::new());
    }
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let per = passwords.len().div_ceil(cores);
    let tasks: Vec<_> = passwords
        .chunks(per)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            tokio::task::spawn_blocking(move || {
                chunk
                    .iter()
                    .map(|p| hash_password(p))
                    .collect::<Result<Vec<_>, _>>()
            })
        })
        .collect();
    let mut out = Vec::with_capacity(passwords.len());
    for task in tasks {
        out.extend(
            task.await
                .map_err(|_| HashingError)?
                .map_err(|_| HashingError)?,
        );
    }
    Ok(out)
}

/// Why an onboarding use case failed (refusals are outcomes, not errors).
#[derive(Debug, thiserror::Error)]
pub enum OnboardError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Hashing(#[from] HashingError),
}

fn this_year() -> i32 {
    use chrono::Datelike;
    crate::usecases::forecasting::china_today().year()
}

fn pages(total: i64, per: i64) -> usize {
    usize::try_from((total + per - 1) / per).unwrap_or(1).max(1)
}

// ---------------------------------------------------------------------------------------------
// Accounts (admins)

fn account_line(r: accounts::AccountListRow) -> AccountLine {
    AccountLine {
        id: r.id,
        phone: r.phone,
        role: r.role,
        place: r.place,
        household_id: r.household_id,
        disabled: r.disabled,
        must_change_password: r.must_change_password,
        created_at: r.created_at,
    }
}

fn account_filter(q: &AccountListQuery) -> AccountFilter {
    AccountFilter {
        q: Some(q.q.clone()).filter(|q| !q.trim().is_empty()),
        role: Role::from_code(&q.role),
        disabled: match q.status.as_str() {
            "disabled" => Some(true),
            "active" => Some(false),
            _ => None,
        },
    }
}

/// A page of the accounts list; `None` for anyone but an admin.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn accounts_page(
    db: &Db,
    caller: &Caller,
    q: &AccountListQuery,
) -> Result<Option<AccountsPageData>, StorageError> {
    if !can_manage_accounts(caller.scope) {
        return Ok(None);
    }
    let filter = account_filter(q);
    let total = accounts::count(db, &filter).await?;
    let pages = pages(total, ACCOUNTS_PER_PAGE);
    let page = q.page.clamp(1, pages);
    let offset = i64::try_from(page - 1).unwrap_or(0) * ACCOUNTS_PER_PAGE;
    let lines = accounts::list(db, &filter, 0, offset, ACCOUNTS_PER_PAGE)
        .await?
        .into_iter()
        .map(account_line)
        .collect();
    let townships = places::list_townships(db, None).await?;
    let cooperatives = tianlian_storage::cooperatives::list(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(Some(AccountsPageData {
        lines,
        total,
        page,
        pages,
        townships,
        cooperatives,
    }))
}

/// Accounts after id `after` for the API (admins; `None` for anyone else).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn accounts_after(
    db: &Db,
    caller: &Caller,
    q: &AccountListQuery,
    after: i64,
    limit: i64,
) -> Result<Option<(Vec<AccountLine>, i64)>, StorageError> {
    if !can_manage_accounts(caller.scope) {
        return Ok(None);
    }
    let filter = account_filter(q);
    let total = accounts::count(db, &filter).await?;
    let rows = accounts::list(db, &filter, after, 0, limit).await?;
    Ok(Some((rows.into_iter().map(account_line).collect(), total)))
}

/// One account with its audit trail; `None` for anyone but an admin or when there is none.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn account_page(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<AccountDetail>, StorageError> {
    if !can_manage_accounts(caller.scope) {
        return Ok(None);
    }
    let Some(row) = accounts::listed(db, id).await? else {
        return Ok(None);
    };
    let trail = audit::of_account(db, id, 50)
        .await?
        .into_iter()
        .map(|a| AuditLine {
            at: a.at,
            by: a.account_id,
            action: a.action,
            entity: a.entity,
            entity_id: a.entity_id,
            after: a.after_json,
        })
        .collect();
    Ok(Some(AccountDetail {
        account: account_line(row),
        trail,
        is_self: caller.account_id == id,
    }))
}

/// Disables or enables an account (admins; not their own). Disabling ends its sessions and
/// tokens at once.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn set_disabled(
    db: &Db,
    caller: &Caller,
    id: i64,
    disabled: bool,
) -> Result<WorkOutcome, StorageError> {
    if !can_manage_accounts(caller.scope) {
        return Ok(WorkOutcome::Forbidden);
    }
    if disabled && id == caller.account_id {
        return Ok(WorkOutcome::Refused(
            "self",
            "不能停用自己的账号".into(),
            "You cannot disable your own account".into(),
        ));
    }
    let action = if disabled { "disable" } else { "enable" };
    let entry = audit::AuditEntry::new(Some(caller.account_id), action, "account").about(id);
    Ok(if accounts::set_disabled(db, id, disabled, &entry).await? {
        WorkOutcome::Done(id)
    } else {
        WorkOutcome::NotFound
    })
}

/// The slip of an account: its household's place and head when it is a farmer's.
async fn slip_for(
    db: &Db,
    phone: &str,
    household_id: Option<i64>,
    password: String,
) -> Result<Slip, StorageError> {
    let household = match household_id {
        Some(h) => households::get(db, h).await?,
        None => None,
    };
    Ok(Slip {
        township: household
            .as_ref()
            .map(|h| h.township_name.clone())
            .unwrap_or_default(),
        village: household
            .as_ref()
            .map(|h| h.village_name.clone())
            .unwrap_or_default(),
        household_code: household
            .as_ref()
            .map(|h| h.code.clone())
            .unwrap_or_default(),
        head_name: household.map(|h| h.head_name).unwrap_or_default(),
        phone: phone.to_owned(),
        password,
    })
}

/// What a reset or a new farmer account gives back.
#[derive(Debug)]
pub enum SlipOutcome {
    Slip(Slip),
    Refused(WorkOutcome),
}

/// Resets an account's password to a new one-time password (admins): every session of the
/// account ends, and the password must be changed at the next sign-in. Gives the slip.
///
/// # Errors
/// Storage or hashing failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn reset_one_time(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<SlipOutcome, OnboardError> {
    if !can_manage_accounts(caller.scope) {
        return Ok(SlipOutcome::Refused(WorkOutcome::Forbidden));
    }
    let Some(account) = accounts::by_id(db, id).await? else {
        return Ok(SlipOutcome::Refused(WorkOutcome::NotFound));
    };
    let password = one_time_password();
    let hash = crate::usecases::auth::hash_password_off_thread(&password).await?;
    let entry = audit::AuditEntry::new(Some(caller.account_id), "reset_password", "account");
    accounts::set_password(db, id, &hash, true, &entry).await?;
    let household = match account.caller.scope {
        Scope::Farmer { household_id } => Some(household_id),
        _ => None,
    };
    Ok(SlipOutcome::Slip(
        slip_for(db, &account.caller.phone, household, password).await?,
    ))
}

/// Creates an account on `phone` with a new one-time password (to be changed at its first
/// sign-in) and audits it as `caller`'s: the id and the password, or the refusal.
async fn account_with_one_time_password(
    db: &Db,
    caller: &Caller,
    phone: &str,
    scope: Scope,
) -> Result<Result<(i64, String), SlipOutcome>, OnboardError> {
    let refused = |code, zh: &str, en: &str| {
        Ok(Err(SlipOutcome::Refused(WorkOutcome::Refused(
            code,
            zh.into(),
            en.into(),
        ))))
    };
    let password = one_time_password();
    let hash = crate::usecases::auth::hash_password_off_thread(&password).await?;
    let place = match scope {
        Scope::Admin => serde_json::Value::Null,
        Scope::Agronomist { township_id } => serde_json::json!({ "township_id": township_id }),
        Scope::Cooperative { cooperative_id, .. } => {
            serde_json::json!({ "cooperative_id": cooperative_id })
        }
        Scope::Farmer { household_id } => serde_json::json!({ "household_id": household_id }),
    };
    let entry = audit::AuditEntry::new(Some(caller.account_id), "create", "account")
        .after(serde_json::json!({ "phone": phone, "role": scope.role().code(), "place": place }));
    let id = match accounts::create(db, phone, &hash, scope, true, &entry).await {
        Ok(id) => id,
        Err(accounts::CreateAccountError::PhoneTaken) => {
            return refused(
                "phone_taken",
                "已有账号使用此手机号",
                "An account with this phone exists",
            );
        }
        Err(accounts::CreateAccountError::UnknownPlace) => {
            return refused(
                "unknown_place",
                "找不到该乡镇、合作社或农户",
                "No such township, cooperative or household",
            );
        }
        Err(accounts::CreateAccountError::Storage(e)) => return Err(e.into()),
    };
    Ok(Ok((id, password)))
}

/// A new account as the admin's form gives it: a phone, a role and the place of the role (a
/// township, a cooperative, or a household by its code).
#[derive(Debug, Clone, Default)]
pub struct AccountForm {
    pub phone: String,
    pub role: String,
    pub township_id: Option<i64>,
    pub cooperative_id: Option<i64>,
    pub household_code: String,
}

/// Creates an account with a one-time password (admins), to be changed at its first sign-in;
/// gives its slip.
///
/// # Errors
/// Storage or hashing failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn create_account(
    db: &Db,
    caller: &Caller,
    form: &AccountForm,
) -> Result<SlipOutcome, OnboardError> {
    use tianlian_domain::access::{ScopeError, is_valid_phone, scope_for_new_account};
    let refuse = |code, zh: &str, en: &str| {
        Ok(SlipOutcome::Refused(WorkOutcome::Refused(
            code,
            zh.into(),
            en.into(),
        )))
    };
    if !can_manage_accounts(caller.scope) {
        return Ok(SlipOutcome::Refused(WorkOutcome::Forbidden));
    }
    let phone = form.phone.trim();
    if !is_valid_phone(phone) {
        return refuse(
            "bad_phone",
            "手机号须为 11 位、以 1 开头的大陆手机号",
            "The phone must be a mainland mobile number",
        );
    }
    let code = form.household_code.trim();
    let household = if code.is_empty() {
        None
    } else {
        match households::id_by_code(db, code).await? {
            Some(h) => Some(h),
            None => {
                return refuse(
                    "unknown_household",
                    "找不到该户号",
                    "No household with this code",
                );
            }
        }
    };
    let role = form.role.trim();
    let pick = |wanted: &str, id: Option<i64>| if role == wanted { id } else { None };
    let scope = match scope_for_new_account(
        role,
        pick("agronomist", form.township_id),
        pick("cooperative", form.cooperative_id),
        pick("farmer", household),
    ) {
        Ok(s) => s,
        Err(ScopeError::UnknownRole) => {
            return refuse("unknown_role", "请选择角色", "Choose a role");
        }
        Err(ScopeError::MissingPlace) => {
            return refuse(
                "missing_place",
                "农技员须选乡镇，合作社账号须选合作社，农户账号须填户号",
                "An agronomist needs a township, a cooperative account a cooperative, a farmer a household code",
            );
        }
    };
    let (id, password) = match account_with_one_time_password(db, caller, phone, scope).await? {
        Ok(made) => made,
        Err(refusal) => return Ok(refusal),
    };
    let mut slip = slip_for(db, phone, household, password).await?;
    if household.is_none() {
        // The place of a township or cooperative account, where a household's would be.
        let place = accounts::listed(db, id)
            .await?
            .map(|r| r.place)
            .unwrap_or_default();
        slip.township = place;
    }
    Ok(SlipOutcome::Slip(slip))
}

// ---------------------------------------------------------------------------------------------
// Households (agronomists; cooperatives read their alliance's)

fn household_line(h: HouseholdRow) -> HouseholdLine {
    let poor = match h.poor {
        PoorStatus::NotPoor => "not_poor",
        PoorStatus::Poor { .. } => "poor",
        PoorStatus::Lifted { .. } => "lifted",
    };
    HouseholdLine {
        id: h.id,
        code: h.code,
        head_name: h.head_name,
        phone: h.phone,
        village_id: h.village_id,
        village: h.village_name,
        township: h.township_name,
        members: h.members,
        persons: h.persons,
        poor: poor.into(),
        poor_since: h.poor.since(),
        poor_lifted: h.poor.lifted(),
        poor_label: h.poor.label(Lang::Zh),
        account_id: h.account_id,
    }
}

/// The list filter a caller's view allows, or `None` when they may see no households.
fn household_filter(caller: &Caller, q: &HouseholdListQuery) -> Option<HouseholdFilter> {
    let mut filter = HouseholdFilter {
        township: q.township,
        village: q.village,
        q: Some(q.q.clone()).filter(|q| !q.trim().is_empty()),
        poor: match q.poor.as_str() {
            "poor" => Some(true),
            "not_poor" => Some(false),
            _ => None,
        },
        alliance_of: None,
    };
    match household_view(caller.scope) {
        HouseholdView::All => {}
        HouseholdView::Township(t) => filter.township = Some(t),
        HouseholdView::Alliance { cooperative_id } => filter.alliance_of = Some(cooperative_id),
        HouseholdView::Nothing => return None,
    }
    Some(filter)
}

/// Villages of the caller's townships (all for admins).
async fn villages_of(db: &Db, caller: &Caller) -> Result<Vec<(i64, String)>, StorageError> {
    let filter = match caller.scope {
        Scope::Agronomist { township_id } | Scope::Cooperative { township_id, .. } => {
            PlotFilter::Township(township_id)
        }
        Scope::Admin => PlotFilter::All,
        Scope::Farmer { .. } => return Ok(Vec::new()),
    };
    Ok(places::list_villages(db, filter)
        .await?
        .into_iter()
        .map(|v| (v.id, format!("{} {}", v.township_name, v.name)))
        .collect())
}

/// A page of the households list; `None` for farmers.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn households_page(
    db: &Db,
    caller: &Caller,
    q: &HouseholdListQuery,
) -> Result<Option<HouseholdsPageData>, StorageError> {
    let Some(filter) = household_filter(caller, q) else {
        return Ok(None);
    };
    let total = households::count_in(db, &filter).await?;
    let pages = pages(total, HOUSEHOLDS_PER_PAGE);
    let page = q.page.clamp(1, pages);
    let offset = i64::try_from(page - 1).unwrap_or(0) * HOUSEHOLDS_PER_PAGE;
    let lines = households::list(db, &filter, 0, offset, HOUSEHOLDS_PER_PAGE)
        .await?
        .into_iter()
        .map(household_line)
        .collect();
    // An admin picks a township first; the county's 200 villages are too many for one list.
    let villages = match (caller.scope, q.township) {
        (Scope::Admin, Some(t)) => places::list_villages(db, PlotFilter::Township(t))
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect(),
        (Scope::Admin, None) => Vec::new(),
        _ => villages_of(db, caller).await?,
    };
    Ok(Some(HouseholdsPageData {
        lines,
        total,
        page,
        pages,
        villages,
        may_edit: matches!(caller.scope, Scope::Admin | Scope::Agronomist { .. }),
    }))
}

/// Households after id `after` for the API; `None` for farmers.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn households_after(
    db: &Db,
    caller: &Caller,
    q: &HouseholdListQuery,
    after: i64,
    limit: i64,
) -> Result<Option<(Vec<HouseholdLine>, i64)>, StorageError> {
    let Some(filter) = household_filter(caller, q) else {
        return Ok(None);
    };
    let total = households::count_in(db, &filter).await?;
    let rows = households::list(db, &filter, after, 0, limit).await?;
    Ok(Some((
        rows.into_iter().map(household_line).collect(),
        total,
    )))
}

/// Whether the caller may see household `h` (the same rule as the list).
async fn may_see(db: &Db, caller: &Caller, h: &HouseholdRow) -> Result<bool, StorageError> {
    Ok(match household_view(caller.scope) {
        HouseholdView::All => true,
        HouseholdView::Township(t) => h.township_id == t,
        HouseholdView::Alliance { cooperative_id } => {
            households::in_alliance_of(db, h.id, cooperative_id).await?
        }
        HouseholdView::Nothing => false,
    })
}

/// One household with its people; `None` when it does not exist or the caller may not see it
/// (the two look alike).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn household_page(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<HouseholdDetail>, StorageError> {
    let Some(h) = households::get(db, id).await? else {
        return Ok(None);
    };
    if !may_see(db, caller, &h).await? {
        return Ok(None);
    }
    let may_edit = can_manage_households(caller.scope, h.township_id);
    let villages = if may_edit {
        places::list_villages(db, PlotFilter::Township(h.township_id))
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect()
    } else {
        Vec::new()
    };
    let persons = households::persons(db, id)
        .await?
        .into_iter()
        .map(|p| PersonLine {
            id: p.id,
            name: p.name,
            phone: p.phone,
            able_to_work: p.able_to_work,
        })
        .collect();
    Ok(Some(HouseholdDetail {
        household: household_line(h),
        persons,
        may_edit,
        villages,
    }))
}

fn household_refused(errors: &[HouseholdError]) -> WorkOutcome {
    let code = errors.first().map_or("invalid", |e| e.code());
    refused_all(code, errors, |e, lang| e.message(lang))
}

/// The village a household may be placed in: one of a township the caller manages.
async fn managed_village(
    db: &Db,
    caller: &Caller,
    village_id: i64,
) -> Result<Result<places::VillageRow, WorkOutcome>, StorageError> {
    let Some(v) = places::get_village(db, village_id).await? else {
        return Ok(Err(WorkOutcome::Refused(
            "unknown_village",
            "请选择村".into(),
            "Choose a village".into(),
        )));
    };
    if !can_manage_households(caller.scope, v.township_id) {
        return Ok(Err(WorkOutcome::Forbidden));
    }
    Ok(Ok(v))
}

async fn phone_clash(
    db: &Db,
    phone: Option<&str>,
    household: Option<i64>,
) -> Result<Option<WorkOutcome>, StorageError> {
    match phone {
        Some(p) if households::phone_taken(db, p, household).await? => {
            Ok(Some(household_refused(&[HouseholdError::PhoneTaken])))
        }
        _ => Ok(None),
    }
}

/// Adds a household (its head becomes its first person, with the household's phone).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn create_household(
    db: &Db,
    caller: &Caller,
    village_id: i64,
    input: &HouseholdInput,
) -> Result<WorkOutcome, StorageError> {
    if !matches!(caller.scope, Scope::Admin | Scope::Agronomist { .. }) {
        return Ok(WorkOutcome::Forbidden);
    }
    let h = match validate_household(input, this_year()) {
        Ok(h) => h,
        Err(e) => return Ok(household_refused(&e)),
    };
    if let Err(o) = managed_village(db, caller, village_id).await? {
        return Ok(o);
    }
    if let Some(o) = phone_clash(db, h.phone.as_deref(), None).await? {
        return Ok(o);
    }
    let head = tianlian_domain::household::ValidPerson {
        name: h.head_name.clone(),
        phone: h.phone.clone(),
        able_to_work: true,
    };
    match households::create(db, village_id, &h, Some(&head), caller.account_id).await {
        Ok(id) => Ok(WorkOutcome::Done(id)),
        Err(households::HouseholdWriteError::CodeTaken) => {
            Ok(household_refused(&[HouseholdError::CodeTaken]))
        }
        Err(households::HouseholdWriteError::NotFound) => Ok(WorkOutcome::NotFound),
        Err(households::HouseholdWriteError::Storage(e)) => Err(e),
    }
}

/// The household if the caller may change it: not found when they may not even see it,
/// forbidden when they see it but may not change it (a cooperative).
async fn managed_household(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Result<HouseholdRow, WorkOutcome>, StorageError> {
    let Some(h) = households::get(db, id).await? else {
        return Ok(Err(WorkOutcome::NotFound));
    };
    if !may_see(db, caller, &h).await? {
        return Ok(Err(WorkOutcome::NotFound));
    }
    if !can_manage_households(caller.scope, h.township_id) {
        return Ok(Err(WorkOutcome::Forbidden));
    }
    Ok(Ok(h))
}

/// Changes a household: village (within its township), code, head, phone and poor status.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn edit_household(
    db: &Db,
    caller: &Caller,
    id: i64,
    village_id: Option<i64>,
    input: &HouseholdInput,
) -> Result<WorkOutcome, StorageError> {
    let existing = match managed_household(db, caller, id).await? {
        Ok(h) => h,
        Err(o) => return Ok(o),
    };
    let h = match validate_household(input, this_year()) {
        Ok(h) => h,
        Err(e) => return Ok(household_refused(&e)),
    };
    let village = village_id.unwrap_or(existing.village_id);
    match managed_village(db, caller, village).await? {
        Ok(v) if v.township_id == existing.township_id => {}
        Ok(_) => {
            return Ok(WorkOutcome::Refused(
                "other_township",
                "只能移到本乡镇的村".into(),
                "A household moves only within its township".into(),
            ));
        }
        Err(o) => return Ok(o),
    }
    if let Some(o) = phone_clash(db, h.phone.as_deref(), Some(id)).await? {
        return Ok(o);
    }
    match households::update(db, id, village, &h, caller.account_id).await {
        Ok(()) => Ok(WorkOutcome::Done(id)),
        Err(households::HouseholdWriteError::CodeTaken) => {
            Ok(household_refused(&[HouseholdError::CodeTaken]))
        }
        Err(households::HouseholdWriteError::NotFound) => Ok(WorkOutcome::NotFound),
        Err(households::HouseholdWriteError::Storage(e)) => Err(e),
    }
}

/// Adds a person to a household, or changes one (`person_id`). A phone may belong to one
/// person of one household only.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn save_person(
    db: &Db,
    caller: &Caller,
    household_id: i64,
    person_id: Option<i64>,
    input: &PersonInput,
) -> Result<WorkOutcome, StorageError> {
    if let Err(o) = managed_household(db, caller, household_id).await? {
        return Ok(o);
    }
    let p = match validate_person(input) {
        Ok(p) => p,
        Err(e) => return Ok(household_refused(&e)),
    };
    if let Some(phone) = p.phone.as_deref() {
        // The phone may stay on this person, nowhere else.
        let others = households::persons(db, household_id)
            .await?
            .into_iter()
            .any(|o| Some(o.id) != person_id && o.phone.as_deref() == Some(phone));
        if others || households::phone_taken(db, phone, Some(household_id)).await? {
            return Ok(household_refused(&[HouseholdError::PhoneTaken]));
        }
    }
    let by = caller.account_id;
    let result = match person_id {
        Some(pid) => households::update_person(db, household_id, pid, &p, by)
            .await
            .map(|()| pid),
        None => households::add_person(db, household_id, &p, by).await,
    };
    match result {
        Ok(id) => Ok(WorkOutcome::Done(id)),
        Err(households::HouseholdWriteError::NotFound) => Ok(WorkOutcome::NotFound),
        Err(households::HouseholdWriteError::CodeTaken) => Ok(WorkOutcome::NotFound),
        Err(households::HouseholdWriteError::Storage(e)) => Err(e),
    }
}

/// Gives a household a farmer account on its phone with a one-time password, and its slip.
///
/// # Errors
/// Storage or hashing failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn give_account(
    db: &Db,
    caller: &Caller,
    household_id: i64,
) -> Result<SlipOutcome, OnboardError> {
    let h = match managed_household(db, caller, household_id).await? {
        Ok(h) => h,
        Err(o) => return Ok(SlipOutcome::Refused(o)),
    };
    if h.account_id.is_some() {
        return Ok(SlipOutcome::Refused(WorkOutcome::Refused(
            "has_account",
            "该户已有账号；如忘记密码，请管理员重置".into(),
            "The household has an account; an admin can reset its password".into(),
        )));
    }
    let Some(phone) = h.phone.clone() else {
        return Ok(SlipOutcome::Refused(WorkOutcome::Refused(
            "account_needs_phone",
            "请先填写户主手机号".into(),
            "Give the household's mobile number first".into(),
        )));
    };
    let scope = Scope::Farmer { household_id };
    let password = match account_with_one_time_password(db, caller, &phone, scope).await? {
        Ok((_, password)) => password,
        Err(refusal) => return Ok(refusal),
    };
    Ok(SlipOutcome::Slip(Slip {
        township: h.township_name,
        village: h.village_name,
        household_code: h.code,
        head_name: h.head_name,
        phone,
        password,
    }))
}

// ---------------------------------------------------------------------------------------------
// Bulk import of households

/// What checking or storing a household import found: households that passed, households
/// stored, bad lines, and the slips of the accounts created.
pub struct HouseholdImport {
    pub rows_ok: usize,
    pub stored: usize,
    pub errors: Vec<LineError>,
    pub slips: Vec<Slip>,
}

/// Checks (dry run) or stores households from the text, all or none; the accounts it creates
/// get one-time passwords, hashed in parallel before the one short write transaction.
///
/// # Errors
/// Storage or hashing failures; bad lines are in the result.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn import_households(
    db: &Db,
    caller: &Caller,
    filter: PlotFilter,
    text: &str,
    dry_run: bool,
) -> Result<HouseholdImport, OnboardError> {
    use tianlian_domain::import::{ImportKind, read_rows};
    let refused = |errors| HouseholdImport {
        rows_ok: 0,
        stored: 0,
        errors,
        slips: Vec::new(),
    };
    let rows = match read_rows(text, ImportKind::Households) {
        Ok(r) => r,
        Err(e) => return Ok(refused(e)),
    };
    let villages: Vec<VillageRef> = places::list_villages(db, filter)
        .await?
        .into_iter()
        .map(|v| VillageRef {
            id: v.id,
            name: v.name,
            township: v.township_name,
        })
        .collect();
    let codes = households::all_codes(db).await?;
    let phones = households::phones_in_use(db).await?;
    let refs = HouseholdRefs {
        villages: &villages,
        codes: &codes,
        phones: &phones,
        this_year: this_year(),
    };
    let records: Vec<HouseholdRecord> = match check_households(&rows, &refs) {
        Ok(r) => r,
        Err(e) => return Ok(refused(e)),
    };
    if dry_run {
        return Ok(HouseholdImport {
            rows_ok: records.len(),
            stored: 0,
            errors: Vec::new(),
            slips: Vec::new(),
        });
    }
    let passwords: Vec<String> = records
        .iter()
        .filter(|r| r.account)
        .map(|_| one_time_password())
        .collect();
    let mut hashes = hash_many(&passwords).await?.into_iter();
    let bulk: Vec<households::BulkHousehold<'_>> = records
        .iter()
        .map(|r| households::BulkHousehold {
            village_id: r.village_id,
            household: &r.household,
            persons: &r.persons,
            account: if r.account { hashes.next() } else { None },
        })
        .collect();
    match households::store_all(db, &bulk, caller.account_id).await {
        Ok(ids) => {
            let mut passwords = passwords.into_iter();
            let slips = records
                .iter()
                .filter(|r| r.account)
                .map(|r| {
                    let v = villages.iter().find(|v| v.id == r.village_id);
                    Slip {
                        township: v.map(|v| v.township.clone()).unwrap_or_default(),
                        village: v.map(|v| v.name.clone()).unwrap_or_default(),
                        household_code: r.household.code.clone(),
                        head_name: r.household.head_name.clone(),
                        phone: r.household.phone.clone().unwrap_or_default(),
                        password: passwords.next().unwrap_or_default(),
                    }
                })
                .collect();
            tracing::info!(
                account_id = caller.account_id,
                households = ids.len(),
                accounts = ids.iter().filter(|(_, a)| a.is_some()).count(),
                "households imported"
            );
            Ok(HouseholdImport {
                rows_ok: records.len(),
                stored: ids.len(),
                errors: Vec::new(),
                slips,
            })
        }
        Err(BulkError::ChangedMeanwhile) => Ok(refused(vec![LineError {
            line: 1,
            problem: Problem::ChangedMeanwhile,
        }])),
        Err(BulkError::Storage(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_passwords_are_long_random_and_unambiguous() {
        let a = one_time_password();
        let b = one_time_password();
        assert_ne!(a, b);
        assert_eq!(a.chars().count(), SLIP_PASSWORD_CHARS);
        assert!(tianlian_domain::access::is_acceptable_password(&a));
        assert!(a.bytes().all(|c| SLIP_ALPHABET.contains(&c)));
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
    }

    #[tokio::test]
    async fn many_passwords_hash_in_order_and_verify() {
        let passwords: Vec<String> = (0..5).map(|_| one_time_password()).collect();
        let hashes = hash_many(&passwords).await.expect("hashes");
        assert_eq!(hashes.len(), 5);
        for (p, h) in passwords.iter().zip(&hashes) {
            assert!(crate::usecases::auth::verify_password(p, h));
        }
        assert!(!crate::usecases::auth::verify_password(
            &passwords[0],
            &hashes[1]
        ));
    }
}

/// Why an uploaded file could not be read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    /// Neither UTF-8 text nor a readable XLSX workbook.
    Unreadable,
}

/// The text of an uploaded import file: CSV (or pasted tab-separated cells) as it is, or the
/// first worksheet of an XLSX workbook (as a county registry exports it) written as CSV, so
/// that the run keeps text that a confirmation can check again.
///
/// # Errors
/// The bytes are neither UTF-8 text nor a workbook calamine can read.
pub fn upload_text(bytes: &[u8]) -> Result<String, UploadError> {
    use calamine::{Data, Reader, Xlsx};
    // XLSX is a zip archive: it starts with "PK\x03\x04".
    if !bytes.starts_with(b"PK\x03\x04") {
        return std::str::from_utf8(bytes)
            .ok()
            .filter(|t| !t.contains('\0'))
            .map(str::to_owned)
            .ok_or(UploadError::Unreadable);
    }
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(|_| UploadError::Unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(UploadError::Unreadable)?
        .map_err(|_| UploadError::Unreadable)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                // Registries store codes and phones as numbers: 13800000001.0 reads back whole.
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
                other => other.to_string(),
            })
            .collect();
        out.write_record(&cells)
            .map_err(|_| UploadError::Unreadable)?;
    }
    let bytes = out.into_inner().map_err(|_| UploadError::Unreadable)?;
    String::from_utf8(bytes)
        .ok()
        .filter(|t| !t.contains('\0'))
        .ok_or(UploadError::Unreadable)
}
