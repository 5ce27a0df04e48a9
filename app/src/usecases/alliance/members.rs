//! Alliances and their members: creating an alliance, adding and removing households, and
//! adding a household's people.

use super::*;

/// Creates an alliance of a cooperative the caller manages.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn create_alliance(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    name: &str,
) -> Result<WorkOutcome, StorageError> {
    if !can_manage_cooperative(caller.scope, cooperative_id) {
        return Ok(WorkOutcome::Forbidden);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Ok(WorkOutcome::Refused(
            "bad_name",
            "请填写联合体名称（60 字以内）".into(),
            "Give the alliance a name (at most 60 characters)".into(),
        ));
    }
    if !cooperatives::list(db)
        .await?
        .iter()
        .any(|c| c.id == cooperative_id)
    {
        return Ok(WorkOutcome::NotFound);
    }
    let today = crate::usecases::forecasting::china_today();
    Ok(WorkOutcome::Done(
        store::ensure_alliance(db, cooperative_id, name, today).await?,
    ))
}

/// Adds a household (by code, of the cooperative's township) to an alliance as the skilled
/// farmer (`able`) or a member; a poor member names its mentor, a current `able` member of the
/// same alliance. A household may be in several alliances, but in one only once at a time.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn add_member(
    db: &Db,
    caller: &Caller,
    alliance_id: i64,
    household_code: &str,
    role: &str,
    mentor_member_id: Option<i64>,
) -> Result<WorkOutcome, StorageError> {
    let Some((coop, township)) = store::alliance_owner(db, alliance_id)
        .await?
        .filter(|&(coop, township)| can_view_cooperative(caller.scope, coop, township))
    else {
        return Ok(WorkOutcome::NotFound);
    };
    if !can_manage_cooperative(caller.scope, coop) {
        return Ok(WorkOutcome::Forbidden);
    }
    let refuse = |code, zh: &str, en: &str| Ok(WorkOutcome::Refused(code, zh.into(), en.into()));
    if role != "able" && role != "member" {
        return refuse(
            "bad_role",
            "角色须为致富能人或成员",
            "The role must be able or member",
        );
    }
    let found = match tianlian_storage::households::id_by_code_in_township(
        db,
        household_code.trim(),
        Some(township),
    )
    .await?
    {
        Some(id) => tianlian_storage::households::get(db, id).await?,
        None => None,
    };
    let Some(home) = found else {
        return refuse(
            "unknown_household",
            "本乡镇没有该户号",
            "No household with this code in the township",
        );
    };
    if store::is_current_member(db, alliance_id, home.id).await? {
        return refuse(
            "already_member",
            "该户已在本联合体中",
            "The household is already a member",
        );
    }
    let mentor = match mentor_member_id {
        None if home.poor.is_registered() && role == "member" => {
            return refuse(
                "mentor_required",
                "贫困户须指定帮扶的致富能人",
                "A poor household needs a mentor (a skilled farmer)",
            );
        }
        None => None,
        Some(m) => match store::membership(db, m).await? {
            Some(r) if r.alliance_id == alliance_id && r.role == "able" && r.left_on.is_none() => {
                Some(m)
            }
            _ => {
                return refuse(
                    "bad_mentor",
                    "帮扶人须为本联合体的致富能人",
                    "The mentor must be a skilled farmer of this alliance",
                );
            }
        },
    };
    let today = crate::usecases::forecasting::china_today();
    Ok(WorkOutcome::Done(
        store::add_member(db, alliance_id, home.id, role, mentor, today).await?,
    ))
}

/// A household leaves an alliance; the membership stays with its end date.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn leave_alliance(
    db: &Db,
    caller: &Caller,
    member_id: i64,
) -> Result<WorkOutcome, StorageError> {
    let Some(m) = store::membership(db, member_id).await? else {
        return Ok(WorkOutcome::NotFound);
    };
    let Some((coop, _)) = store::alliance_owner(db, m.alliance_id)
        .await?
        .filter(|&(coop, township)| can_view_cooperative(caller.scope, coop, township))
    else {
        return Ok(WorkOutcome::NotFound);
    };
    if !can_manage_cooperative(caller.scope, coop) {
        return Ok(WorkOutcome::Forbidden);
    }
    let today = crate::usecases::forecasting::china_today();
    Ok(if store::leave(db, member_id, today).await? {
        WorkOutcome::Done(member_id)
    } else {
        WorkOutcome::Refused(
            "already_left",
            "该户已退出".into(),
            "The household has left already".into(),
        )
    })
}

/// Adds a person to a household named by its code: the household pages' rule
/// (`onboard::save_person`: admins and the township's agronomists). A household outside the
/// caller's township is answered as one that does not exist, so codes elsewhere do not show;
/// cooperatives and farmers may not change households (#18).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn add_person(
    db: &Db,
    caller: &Caller,
    household_code: &str,
    name: &str,
    phone: &str,
    able_to_work: bool,
) -> Result<WorkOutcome, StorageError> {
    let township = match caller.scope {
        Scope::Admin => None,
        Scope::Agronomist { township_id } => Some(township_id),
        Scope::Cooperative { .. } | Scope::Farmer { .. } => return Ok(WorkOutcome::Forbidden),
    };
    let household = match household_by_code(db, household_code, township).await? {
        Ok(h) => h,
        Err(refusal) => return Ok(refusal),
    };
    let input = tianlian_domain::household::PersonInput {
        name: name.into(),
        phone: phone.into(),
        able: if able_to_work { "是" } else { "否" }.into(),
    };
    crate::usecases::onboard::save_person(db, caller, household, None, &input).await
}
