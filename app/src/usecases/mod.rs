//! The use cases: what a server function and an API handler both call. Each checks who is
//! asking (`tianlian_domain::access`), runs the domain rule and calls storage, and returns a
//! plain outcome; the transports only read their input and render the outcome. One module per
//! aggregate. Only compiled with `ssr`.
//!
//! This module also holds the request context every server function starts from ([`Ctx`]).

pub mod alliance;
pub mod auth;
pub mod export;
pub mod farmer;
pub mod feed;
pub mod fieldday;
pub mod forecasting;
pub mod onboard;
pub mod overview;
pub mod planning;
pub mod plots;

use leptos::prelude::*;
use leptos::server_fn::ServerFnError;
use tianlian_domain::access::Caller;
use tianlian_storage::{Db, StorageError};

/// The database handle provided to every server function.
///
/// # Errors
/// When the server was wired without a database (a bug, logged and reported as internal).
pub fn db() -> Result<Db, ServerFnError> {
    use_context::<Db>().ok_or_else(|| {
        tracing::error!("no database in the server function context");
        ServerFnError::new("服务器内部错误 / internal error")
    })
}

/// The signed-in caller, as the server's gate put it in the request (`None` when anonymous).
pub fn try_caller() -> Option<Caller> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned())
}

/// The signed-in caller; the gate lets no anonymous request through to a protected server
/// function, so a missing caller is refused here too (defence in depth).
///
/// # Errors
/// No one is signed in.
pub fn caller() -> Result<Caller, ServerFnError> {
    try_caller().ok_or_else(|| ServerFnError::new("请先登录 / Sign in first"))
}

/// What every signed-in server function starts from: the database, who is asking, and the
/// shared climate cache (forecasts). `let Ctx { db, caller, .. } = Ctx::get()?;`
pub struct Ctx {
    pub db: Db,
    pub caller: Caller,
    pub cache: crate::usecases::forecasting::ClimateCache,
}

impl Ctx {
    /// The request's context.
    ///
    /// # Errors
    /// No database in the context (a bug, logged) or no one signed in.
    pub fn get() -> Result<Ctx, ServerFnError> {
        Ok(Ctx {
            db: db()?,
            caller: caller()?,
            cache: use_context::<crate::usecases::forecasting::ClimateCache>().unwrap_or_default(),
        })
    }
}

/// Logs a storage failure with its cause and returns a plain message for the user.
pub fn internal(e: StorageError) -> ServerFnError {
    tracing::error!(error = ?e, "storage failure");
    ServerFnError::new(
        "服务器暂时无法处理，请稍后再试 / The server could not complete this, try again later",
    )
}

/// Logs an onboarding failure (storage or password hashing) and returns a plain message.
pub fn failed(e: crate::usecases::onboard::OnboardError) -> ServerFnError {
    match e {
        crate::usecases::onboard::OnboardError::Storage(e) => internal(e),
        crate::usecases::onboard::OnboardError::Hashing(_) => {
            tracing::error!("password hashing failed");
            ServerFnError::new(
                "服务器暂时无法处理，请稍后再试 / The server could not complete this, try again later",
            )
        }
    }
}

/// Township-wide reports (market calendar, progress, wall chart, benefit report, a
/// cooperative's labour demand) read and work over thousands of plantings. Only as many run at
/// once as the machine has cores: more in flight would not finish sooner, only hold all their
/// rows in memory together (bench/load.py: 64 market requests at once took the server from 120
/// to 320 MB). The rest wait their turn, in order.
static REPORTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Waits for a turn to build a township-wide report; the turn ends when the permit is dropped.
#[tracing::instrument(skip_all)]
pub async fn report_turn() -> Option<tokio::sync::SemaphorePermit<'static>> {
    // The semaphore is never closed, so this only fails if it were.
    REPORTS.acquire().await.ok()
}
