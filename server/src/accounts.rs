//! Account set-up from the command line: the first admin on a fresh install, and the demo
//! accounts (one per role, demo-only passwords printed by `tianlian demo`).

use anyhow::{Context, bail};
use app::usecases::auth::{NewAccount, NewAccountError};
use tianlian_domain::access::Role;
use tianlian_storage::accounts;
use tianlian_storage::{Db, cooperatives, households, places};

/// Creates an account; for scripts (`tianlian admin create --phone … --password … --role admin`).
///
/// # Errors
/// Invalid phone, password or role, a missing place id, a taken phone, or a storage failure.
pub async fn create_account(
    db: &Db,
    phone: &str,
    password: &str,
    role: &str,
    place_id: Option<i64>,
) -> anyhow::Result<i64> {
    // The command line has one --place-id: it fills whichever place the role needs.
    let new = NewAccount {
        phone,
        password,
        role,
        township_id: place_id,
        cooperative_id: place_id,
        household_id: place_id,
    };
    match app::usecases::auth::create_account(db, None, &new).await {
        Ok(id) => Ok(id),
        Err(NewAccountError::InvalidPhone) => {
            bail!("手机号须为 11 位数字 / the phone number must have 11 digits")
        }
        Err(NewAccountError::WeakPassword) => {
            bail!("密码至少 8 个字符 / the password needs at least 8 characters")
        }
        Err(NewAccountError::MissingPlace) => {
            bail!("role {role} needs --place-id (township, cooperative or household id)")
        }
        Err(NewAccountError::UnknownRole) => {
            bail!("unknown role {role} (admin, agronomist, cooperative, farmer)")
        }
        Err(NewAccountError::PhoneTaken) => bail!("an account with phone {phone} exists"),
        Err(NewAccountError::UnknownPlace) => {
            bail!("no such township, cooperative or household: {place_id:?}")
        }
        Err(e) => Err(e).context("could not store the account"),
    }
}

/// A demo account: phone, demo-only password, role, and how to find its place.
pub struct DemoAccount {
    pub phone: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub label: &'static str,
    /// A farmer's household code.
    pub household: &'static str,
}

/// The demo accounts. These passwords exist only in demo data.
pub const DEMO_ACCOUNTS: [DemoAccount; 5] = [
    DemoAccount {
        phone: "13900000000",
        password: "demo-admin-2026",
        role: Role::Admin,
        label: "管理员 admin",
        household: "",
    },
    DemoAccount {
        phone: "13900000001",
        password: "demo-agro-2026",
        role: Role::Agronomist,
        label: "飞虹乡农技员 agronomist",
        household: "",
    },
    DemoAccount {
        phone: "13900000002",
        password: "demo-coop-2026",
        role: Role::Cooperative,
        label: "欣源羊肚菌专业合作社 cooperative",
        household: "",
    },
    DemoAccount {
        phone: "13900000003",
        password: "demo-farm-2026",
        role: Role::Farmer,
        label: "团结村 吴桂兰 farmer (plot 1-010)",
        household: "demo-0-0-009",
    },
    DemoAccount {
        phone: "13900000004",
        password: "demo-work-2026",
        role: Role::Farmer,
        label: "石羊村 贫困户 farmer, leases to and works for 欣源 (demo-1-0-014)",
        household: "demo-1-0-014",
    },
];

/// Adds the demo accounts that are missing (after the demo data is loaded).
///
/// # Errors
/// The demo places are missing or the database failed.
pub async fn ensure_demo_accounts(db: &Db) -> anyhow::Result<()> {
    let feihong = places::ensure_township(db, "飞虹乡", "阿坝州茂县").await?;
    let coop = cooperatives::list(db)
        .await?
        .into_iter()
        .find(|c| c.name == "欣源羊肚菌专业合作社")
        .context("demo cooperative")?;
    for a in &DEMO_ACCOUNTS {
        if accounts::by_phone(db, a.phone).await?.is_some() {
            continue;
        }
        let place = match a.role {
            Role::Admin => None,
            Role::Agronomist => Some(feihong),
            Role::Cooperative => Some(coop.id),
            Role::Farmer => Some(
                households::id_by_code(db, a.household)
                    .await?
                    .context("demo household")?,
            ),
        };
        create_account(db, a.phone, a.password, a.role.code(), place).await?;
    }
    Ok(())
}
