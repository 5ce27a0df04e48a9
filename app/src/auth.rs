//! Sign-in, passwords, API tokens and the signed-in caller (server side only).
//!
//! The server's gate middleware resolves the caller once per request (session cookie or
//! `Authorization: Bearer`) and stores it in the request; server functions and API handlers
//! read it from there and ask `tianlian_domain::access` what it may do.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash as Phc, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::num::NonZeroU32;
use tianlian_domain::access::{Caller, is_valid_phone};
use tianlian_storage::accounts::{self, PasswordHash};
use tianlian_storage::{Db, StorageError, tokens};
use tower_sessions::Session;

/// The session key that holds the signed-in account's id.
pub const SESSION_ACCOUNT: &str = "account_id";

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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sign-in attempts allowed per phone number and per client address.
pub struct LoginLimiter {
    by_phone: DefaultKeyedRateLimiter<String>,
    by_addr: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginLimiter {
    /// `per_minute` attempts a minute for each phone and each address (at least one).
    pub fn new(per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            by_phone: RateLimiter::keyed(quota),
            by_addr: RateLimiter::keyed(quota),
        }
    }

    /// Counts an attempt; false when the phone or the address is over its limit.
    fn allow(&self, phone: &str, addr: Option<IpAddr>) -> bool {
        let phone_ok = self.by_phone.check_key(&phone.to_owned()).is_ok();
        let addr_ok = addr.is_none_or(|a| self.by_addr.check_key(&a).is_ok());
        phone_ok && addr_ok
    }
}

/// Why sign-in failed. Bad phone and bad password give the same answer.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong phone or password")]
    BadCredentials,
    #[error("too many attempts")]
    RateLimited,
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

/// Checks phone and password and, on success, binds a fresh session id to the account.
///
/// # Errors
/// Wrong credentials, too many attempts, or a storage failure.
pub async fn sign_in(
    db: &Db,
    limiter: &LoginLimiter,
    session: &Session,
    addr: Option<IpAddr>,
    phone: &str,
    password: &str,
) -> Result<Caller, SignInError> {
    let phone = phone.trim();
    if !limiter.allow(phone, addr) {
        return Err(SignInError::RateLimited);
    }
    let account = if is_valid_phone(phone) {
        accounts::by_phone(db, phone).await?
    } else {
        None
    };
    let Some(account) = account else {
        verify_password(password, decoy_hash());
        return Err(SignInError::BadCredentials);
    };
    if !verify_password(password, &account.password_hash) {
        return Err(SignInError::BadCredentials);
    }
    // A new id on sign-in: a session id known before sign-in is worthless after it.
    session.cycle_id().await?;
    session
        .insert(SESSION_ACCOUNT, account.caller.account_id)
        .await?;
    Ok(account.caller)
}

/// Ends the session on the server (the stored record is deleted, the cookie cleared).
///
/// # Errors
/// The session store failed.
pub async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// The account behind a session, if any.
///
/// # Errors
/// The store or the database failed.
pub async fn caller_from_session(
    db: &Db,
    session: &Session,
) -> Result<Option<Caller>, SignInError> {
    let Some(id) = session.get::<i64>(SESSION_ACCOUNT).await? else {
        return Ok(None);
    };
    Ok(accounts::by_id(db, id).await?.map(|a| a.caller))
}

/// The account behind a bearer token, if the token is live.
///
/// # Errors
/// The database failed.
pub async fn caller_from_token(db: &Db, token: &str) -> Result<Option<Caller>, StorageError> {
    let Some(id) = tokens::account_for(db, &token_hash(token)).await? else {
        return Ok(None);
    };
    Ok(accounts::by_id(db, id).await?.map(|a| a.caller))
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
    fn the_eleventh_attempt_in_a_minute_is_refused() {
        let limiter = LoginLimiter::new(10);
        let addr = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..10 {
            assert!(limiter.allow("13800000001", addr));
        }
        assert!(!limiter.allow("13800000001", addr));
        // Another phone from the same address is also over the address limit.
        assert!(!limiter.allow("13800000002", addr));
        // Another phone from another address is fine.
        assert!(limiter.allow("13800000002", Some(IpAddr::from([127, 0, 0, 2]))));
    }
}
