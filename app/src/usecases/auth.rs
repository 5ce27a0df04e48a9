//! Sign-in, passwords, API tokens and the signed-in caller (server side only).
//!
//! The server's gate middleware resolves the caller once per request (session cookie or
//! `Authorization: Bearer`) and stores it in the request; server functions and API handlers
//! read it from there and ask `tianlian_domain::access` what it may do.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash as Phc, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use tianlian_domain::access::{Caller, is_acceptable_password, is_valid_phone, sign_in_delay_secs};
use tianlian_storage::accounts::{self, PasswordHash};
use tianlian_storage::audit::AuditEntry;
use tianlian_storage::{Db, StorageError, throttle, tokens};
use tower_sessions::Session;

/// The session key that holds the signed-in account's id.
pub const SESSION_ACCOUNT: &str = "account_id";
/// The session key that holds the account's session epoch at sign-in (see
/// `tianlian_storage::accounts::AccountRow::session_epoch`).
pub const SESSION_EPOCH: &str = "session_epoch";

/// The client's address, put in the request by the server (for rate limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Hashes a password with argon2id (default parameters, random salt).
///
/// # Errors
/// Only if argon2 rejects its own parameters.
pub fn hash_password(password: &str) -> Result<PasswordHash, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(PasswordHash(
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)?
            .to_string(),
    ))
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, hash: &PasswordHash) -> bool {
    Phc::new(&hash.0).is_ok_and(|phc| {
        Argon2::default()
            .verify_password(password.as_bytes(), &phc)
            .is_ok()
    })
}

/// A new API token (shown once) and the hash that is stored.
pub fn new_api_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("tl_{}", hex(&bytes));
    let hash = token_hash(&token);
    (token, hash)
}

/// SHA-256 of a token, hex (tokens are long and random, so a fast hash is enough).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A random key of 128 bits, hex: what makes a form's submission safe to send twice.
pub fn new_form_key() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How sign-in is throttled (README, "Security"). Nothing here grows with what callers send:
/// the counts live in the database (`sign_in_throttle`, shared by every instance), keyed only
/// by client addresses and by real accounts or known devices.
///
/// - Each client address may try `per_minute` times a minute (behind a proxy the address comes
///   from the trusted `X-Forwarded-For`, see the server's gate).
/// - Each account slows down after five failures in a row: 15, 30, 60 … seconds between attempts,
///   at most five minutes (`tianlian_domain::access::sign_in_delay_secs`). A well-formed phone
///   without an account slows down the same way (the waits do not tell which numbers have
///   one); a phone that is not a well-formed mobile number is never counted.
/// - A device that signed in to the account before (cookie [`DEVICE_COOKIE`]) has a count of
///   its own, so a stranger's guessing cannot keep the owner out.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimiter {
    per_minute: i64,
    secure_cookies: bool,
}

impl LoginLimiter {
    /// `per_minute` attempts a minute for each client address (at least one).
    pub fn new(per_minute: u32) -> Self {
        LoginLimiter {
            per_minute: i64::from(per_minute.max(1)),
            secure_cookies: false,
        }
    }

    /// Marks the device cookie `Secure` (served over HTTPS).
    #[must_use]
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }
}

/// Seconds an address's attempt window lasts.
const ADDRESS_WINDOW_SECS: i64 = 60;
/// Failure counts of an account idle this long are forgotten.
const FAILURES_KEPT_SECS: i64 = 24 * 3600;
/// A known device unused this long must sign in as a stranger again.
const DEVICE_KEPT_SECS: i64 = 365 * 24 * 3600;

/// The long-lived cookie that marks a device which signed in to an account before.
pub const DEVICE_COOKIE: &str = "tianlian_device";

/// Deletes throttle rows and devices that no longer limit anyone (run every minute).
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn purge_throttle(db: &Db) -> Result<(), StorageError> {
    let now = chrono::Utc::now().timestamp();
    throttle::purge(
        db,
        now - ADDRESS_WINDOW_SECS,
        now - FAILURES_KEPT_SECS,
        now - DEVICE_KEPT_SECS,
    )
    .await
}

/// The device token a request carries in its [`DEVICE_COOKIE`], if any.
pub fn device_token(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(tower_sessions::cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == DEVICE_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value that marks this device for a year.
pub fn device_cookie(token: &str, limiter: &LoginLimiter) -> String {
    tower_sessions::cookie::Cookie::build((DEVICE_COOKIE, token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(tower_sessions::cookie::SameSite::Lax)
        .secure(limiter.secure_cookies)
        .max_age(tower_sessions::cookie::time::Duration::seconds(
            DEVICE_KEPT_SECS,
        ))
        .build()
        .to_string()
}

/// Why sign-in failed. Bad phone and bad password give the same answer.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong phone or password")]
    BadCredentials,
    /// Too many attempts: try again after this many seconds.
    #[error("too many attempts")]
    RateLimited(i64),
    /// The password was right but an admin has disabled the account (told only to someone who
    /// knows the password, so it reveals nothing to a guesser).
    #[error("the account is disabled")]
    Disabled,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("session store failure")]
    Session(#[from] tower_sessions::session::Error),
}

/// A hash to verify against when the phone is unknown, so both answers take as long.
fn decoy_hash() -> &'static PasswordHash {
    static DECOY: std::sync::OnceLock<PasswordHash> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").unwrap_or(PasswordHash(String::new())))
}

/// Password hashing takes tens of milliseconds of CPU: it runs on tokio's blocking pool, at
/// most one per core at a time, so a burst of sign-ins neither stalls the async workers that
/// serve every other page nor queues unbounded threads.
fn hashing_permits() -> std::sync::Arc<tokio::sync::Semaphore> {
    static PERMITS: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::OnceLock::new();
    PERMITS
        .get_or_init(|| {
            std::sync::Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ))
        })
        .clone()
}

async fn on_hashing_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashingError> {
    let permit = hashing_permits()
        .acquire_owned()
        .await
        .map_err(|_| HashingError)?;
    // The permit goes with the work: a request dropped while it hashes (a client that hung up)
    // still holds its turn until the hash is done, so no more than one hash a core ever runs.
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop(permit);
        done
    })
    .await
    .map_err(|_| HashingError)
}

/// The hashing pool failed (a panic or a closed pool; a bug, answered as internal).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashingError;

/// [`verify_password`] on the hashing pool.
#[tracing::instrument(skip_all)]
pub async fn verify_password_off_thread(password: &str, hash: &PasswordHash) -> bool {
    let (password, hash) = (password.to_owned(), hash.clone());
    on_hashing_pool(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// [`hash_password`] on the hashing pool.
///
/// # Errors
/// The pool or argon2 failed.
#[tracing::instrument(skip_all)]
pub async fn hash_password_off_thread(password: &str) -> Result<PasswordHash, HashingError> {
    let password = password.to_owned();
    on_hashing_pool(move || hash_password(&password))
        .await?
        .map_err(|_| HashingError)
}

/// A successful sign-in.
#[derive(Debug)]
pub struct SignedIn {
    pub caller: Caller,
    /// A new device token to set as [`DEVICE_COOKIE`] (none when the device was known).
    pub new_device: Option<String>,
}

/// What a sign-in attempt carries besides phone and password.
#[derive(Debug, Clone, Copy, Default)]
pub struct AttemptFrom<'a> {
    /// The client's address (for the per-address limit).
    pub addr: Option<IpAddr>,
    /// The device token from [`DEVICE_COOKIE`].
    pub device: Option<&'a str>,
}

/// Checks phone and password under the throttle and, on success, binds a fresh session id to
/// the account.
///
/// # Errors
/// Wrong credentials, too many attempts, or a storage failure.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    db: &Db,
    limiter: &LoginLimiter,
    session: &Session,
    from: AttemptFrom<'_>,
    phone: &str,
    password: &str,
) -> Result<SignedIn, SignInError> {
    let phone = phone.trim();
    let now = chrono::Utc::now().timestamp();
    if let Some(addr) = from.addr {
        let key = format!("addr:{addr}");
        if throttle::count_in_window(db, &key, now, ADDRESS_WINDOW_SECS).await? > limiter.per_minute
        {
            return Err(SignInError::RateLimited(ADDRESS_WINDOW_SECS));
        }
    }
    // A malformed phone is never a key: a flood of made-up text adds nothing anywhere.
    if !is_valid_phone(phone) {
        verify_password_off_thread(password, decoy_hash()).await;
        return Err(SignInError::BadCredentials);
    }
    let Some(account) = accounts::by_phone(db, phone).await? else {
        // A well-formed phone without an account slows down exactly as an account would, so
        // the waits do not tell which numbers have one (rows bounded by the address limit).
        let key = format!("phone:{phone}");
        if let throttle::Claim::WaitUntil(at) =
            throttle::claim(db, &key, now, sign_in_delay_secs).await?
        {
            return Err(SignInError::RateLimited((at - now).max(1)));
        }
        verify_password_off_thread(password, decoy_hash()).await;
        return Err(SignInError::BadCredentials);
    };
    let account_id = account.caller.account_id;
    let device_hash = from.device.map(token_hash);
    let known_device = match &device_hash {
        Some(h) => throttle::device_account(db, h, now).await? == Some(account_id),
        None => false,
    };
    let key = match (&device_hash, known_device) {
        (Some(h), true) => format!("device:{h}"),
        _ => format!("account:{account_id}"),
    };
    if let throttle::Claim::WaitUntil(at) =
        throttle::claim(db, &key, now, sign_in_delay_secs).await?
    {
        return Err(SignInError::RateLimited((at - now).max(1)));
    }
    if !verify_password_off_thread(password, &account.password_hash).await {
        return Err(SignInError::BadCredentials);
    }
    throttle::clear(db, &key).await?;
    if account.disabled {
        return Err(SignInError::Disabled);
    }
    let new_device = if known_device {
        None
    } else {
        let (token, hash) = new_device_token();
        throttle::remember_device(db, &hash, account_id, now).await?;
        Some(token)
    };
    // A new id on sign-in: a session id known before sign-in is worthless after it.
    session.cycle_id().await?;
    session.insert(SESSION_ACCOUNT, account_id).await?;
    session.insert(SESSION_EPOCH, account.session_epoch).await?;
    Ok(SignedIn {
        caller: account.caller,
        new_device,
    })
}

fn new_device_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// Why a password was not changed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the new password is too short or too long")]
    WeakPassword,
    #[error("no such account")]
    NoAccount,
    #[error(transparent)]
    Hashing(#[from] HashingError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("session store failure")]
    Session(#[from] tower_sessions::session::Error),
}

/// Changes the caller's own password: checks the current one, ends every other session of the
/// account (its epoch rises) and keeps the one it was made from. API tokens stay: an admin
/// issues them to an integration and revokes them by id (README, "Security").
///
/// # Errors
/// Wrong current password, a weak new one, or a storage failure.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn change_own_password(
    db: &Db,
    caller: &Caller,
    session: &Session,
    current: &str,
    new: &str,
) -> Result<(), PasswordError> {
    let account = accounts::by_id(db, caller.account_id)
        .await?
        .ok_or(PasswordError::NoAccount)?;
    if !verify_password_off_thread(current, &account.password_hash).await {
        return Err(PasswordError::WrongPassword);
    }
    if !is_acceptable_password(new) {
        return Err(PasswordError::WeakPassword);
    }
    let hash = hash_password_off_thread(new).await?;
    let entry = AuditEntry::new(Some(caller.account_id), "change_password", "account");
    let epoch = accounts::set_password(db, caller.account_id, &hash, false, &entry)
        .await?
        .ok_or(PasswordError::NoAccount)?;
    // The session this change came from lives on (a bearer call has none to keep).
    if session.get::<i64>(SESSION_ACCOUNT).await? == Some(caller.account_id) {
        session.insert(SESSION_EPOCH, epoch).await?;
    }
    Ok(())
}

/// An admin sets another account's password, to be changed at its next sign-in; every session
/// of that account ends.
///
/// # Errors
/// No such account, a weak password, or a storage failure.
#[tracing::instrument(skip_all, fields(account = admin.account_id))]
pub async fn reset_password(
    db: &Db,
    admin: &Caller,
    account_id: i64,
    new: &str,
) -> Result<(), PasswordError> {
    if !is_acceptable_password(new) {
        return Err(PasswordError::WeakPassword);
    }
    let hash = hash_password_off_thread(new).await?;
    let entry = AuditEntry::new(Some(admin.account_id), "reset_password", "account");
    accounts::set_password(db, account_id, &hash, true, &entry)
        .await?
        .ok_or(PasswordError::NoAccount)?;
    Ok(())
}

/// A new account as the API and the command line describe it: a role code and the id of the
/// place it is bound to (`tianlian_domain::access::scope_for_new_account`).
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub phone: &'a str,
    pub password: &'a str,
    pub role: &'a str,
    pub township_id: Option<i64>,
    pub cooperative_id: Option<i64>,
    pub household_id: Option<i64>,
}

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum NewAccountError {
    #[error("the phone number must be an 11-digit mobile number")]
    InvalidPhone,
    #[error("the password needs at least 8 characters")]
    WeakPassword,
    #[error("unknown role")]
    UnknownRole,
    #[error("this role needs its township, cooperative or household")]
    MissingPlace,
    #[error("an account with this phone exists")]
    PhoneTaken,
    #[error("no such township, cooperative or household")]
    UnknownPlace,
    #[error(transparent)]
    Hashing(#[from] HashingError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Creates an account: the one rule for the API (`by` the admin, audited under their id) and
/// the command line (`by` nobody, audited without an account).
///
/// # Errors
/// A bad phone, password, role or place, a taken phone, or a storage failure.
#[tracing::instrument(skip_all)]
pub async fn create_account(
    db: &Db,
    by: Option<&Caller>,
    new: &NewAccount<'_>,
) -> Result<i64, NewAccountError> {
    use tianlian_domain::access::{ScopeError, scope_for_new_account};
    use tianlian_storage::accounts::CreateAccountError;
    if !is_valid_phone(new.phone) {
        return Err(NewAccountError::InvalidPhone);
    }
    if !is_acceptable_password(new.password) {
        return Err(NewAccountError::WeakPassword);
    }
    let scope = scope_for_new_account(
        new.role,
        new.township_id,
        new.cooperative_id,
        new.household_id,
    )
    .map_err(|e| match e {
        ScopeError::UnknownRole => NewAccountError::UnknownRole,
        ScopeError::MissingPlace => NewAccountError::MissingPlace,
    })?;
    let hash = hash_password_off_thread(new.password).await?;
    let entry =
        AuditEntry::new(by.map(|c| c.account_id), "create", "account").after(serde_json::json!({
            "phone": new.phone,
            "role": scope.role().code(),
            "township_id": new.township_id,
            "cooperative_id": new.cooperative_id,
            "household_id": new.household_id,
        }));
    let id = accounts::create(db, new.phone, &hash, scope, false, &entry)
        .await
        .map_err(|e| match e {
            CreateAccountError::PhoneTaken => NewAccountError::PhoneTaken,
            CreateAccountError::UnknownPlace => NewAccountError::UnknownPlace,
            CreateAccountError::Storage(e) => NewAccountError::Storage(e),
        })?;
    Ok(id)
}

/// Ends the session on the server (the stored record is deleted, the cookie cleared).
///
/// # Errors
/// The session store failed.
#[tracing::instrument(skip_all)]
pub async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// The account behind a session, if any.
///
/// # Errors
/// The store or the database failed.
#[tracing::instrument(skip_all)]
pub async fn caller_from_session(
    db: &Db,
    session: &Session,
) -> Result<Option<Caller>, SignInError> {
    let Some(id) = session.get::<i64>(SESSION_ACCOUNT).await? else {
        return Ok(None);
    };
    let Some(account) = accounts::by_id(db, id).await? else {
        return Ok(None);
    };
    if account.disabled {
        session.flush().await?;
        return Ok(None);
    }
    // A password changed since this session signed in (elsewhere, or by an admin's reset)
    // ends it.
    if session.get::<i64>(SESSION_EPOCH).await?.unwrap_or(0) != account.session_epoch {
        session.flush().await?;
        return Ok(None);
    }
    Ok(Some(account.caller))
}

/// The account behind a bearer token, if the token is live.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn caller_from_token(db: &Db, token: &str) -> Result<Option<Caller>, StorageError> {
    let Some(id) = tokens::account_for(db, &token_hash(token)).await? else {
        return Ok(None);
    };
    Ok(accounts::by_id(db, id)
        .await?
        .filter(|a| !a.disabled)
        .map(|a| a.caller))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("田联 demo password").expect("hash");
        assert!(hash.0.starts_with("$argon2id$"));
        assert!(verify_password("田联 demo password", &hash));
        assert!(!verify_password("田联 demo passwore", &hash));
        assert!(!verify_password("x", &PasswordHash("not a hash".into())));
    }

    #[test]
    fn tokens_are_random_and_stored_as_their_hash() {
        let (a, ha) = new_api_token();
        let (b, _) = new_api_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert_eq!(token_hash(&a), ha);
        assert!(!ha.contains(&a[3..]));
    }

    #[test]
    fn the_device_cookie_is_read_back_and_junk_is_ignored() {
        let (token, _) = new_device_token();
        let cookie = device_cookie(&token, &LoginLimiter::new(10));
        assert!(cookie.starts_with("tianlian_device="));
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        let mut headers = http::HeaderMap::new();
        let pair = format!("a=b; {DEVICE_COOKIE}={token}; c=d");
        headers.insert(http::header::COOKIE, pair.parse().expect("header"));
        assert_eq!(device_token(&headers).as_deref(), Some(token.as_str()));
        headers.insert(
            http::header::COOKIE,
            format!("{DEVICE_COOKIE}=not-a-token")
                .parse()
                .expect("header"),
        );
        assert_eq!(device_token(&headers), None);
    }
}
