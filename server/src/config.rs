//! Typed settings from environment variables (or flags), each with a documented default.
//! `.env.example` lists them all; there are no default secrets.

use clap::{Args, ValueEnum};
use leptos::config::LeptosOptions;
use std::net::SocketAddr;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: `sqlite://path/to/file.db` (created if missing) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = tianlian_storage::DEFAULT_SQLITE_URL)]
    pub database_url: String,

    /// Most connections the pool opens. Default: 4 on SQLite (one writer at a time, and each
    /// connection is a thread and a page cache in this process: more only cost memory and
    /// context switches, bench/load.py), 16 on PostgreSQL.
    #[arg(long, env = "TIANLIAN_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,

    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder with the built site (`pkg/` with the wasm, JS and CSS), as cargo-leptos writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Whether the built site's JS, wasm and CSS carry a content hash in their names
    /// (`hash-files` in Cargo.toml; cargo-leptos writes the hashes to `hash.txt` beside the
    /// binary). Default: yes when that file is there. Hashed files are served as immutable.
    #[arg(long, env = "LEPTOS_HASH_FILES")]
    pub hash_files: Option<bool>,

    /// Largest accepted request body in bytes.
    #[arg(long, env = "TIANLIAN_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,

    /// Seconds of inactivity after which a session ends.
    #[arg(long, env = "TIANLIAN_SESSION_IDLE_SECS", default_value_t = 12 * 3600)]
    pub session_idle_secs: i64,

    /// Mark the session cookie `Secure` (set when the app is served over HTTPS).
    #[arg(long, env = "TIANLIAN_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Sign-in attempts allowed per minute from each client address (accounts slow down after
    /// five failures in a row on their own; README, "Security").
    #[arg(long, env = "TIANLIAN_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 10)]
    pub login_attempts_per_minute: u32,

    /// Proxies whose `X-Forwarded-For` / `Forwarded` header names the client, comma-separated
    /// addresses or networks (`127.0.0.1,10.0.0.0/8`). None by default: the client is the
    /// socket's peer.
    #[arg(long, env = "TIANLIAN_TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = crate::client_addr::parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// The header the trusted proxies write the client's address into; only that one is read.
    #[arg(long, env = "TIANLIAN_FORWARDED_HEADER", value_enum,
          default_value_t = crate::client_addr::ForwardedHeader::XForwardedFor)]
    pub forwarded_header: crate::client_addr::ForwardedHeader,

    /// Log format.
    #[arg(long, env = "TIANLIAN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
}

impl Settings {
    /// Leptos' own options, built from ours (the bundle is always named `tianlian`).
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("tianlian")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .hash_files(self.hash_files.unwrap_or_else(hash_file_beside_binary))
            .build()
    }

    /// Settings for tests: a database URL and a free port on loopback.
    pub fn for_tests(database_url: &str) -> Self {
        Settings {
            database_url: database_url.to_owned(),
            db_max_connections: Some(8),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: "target/site".into(),
            hash_files: Some(false),
            body_limit: 1024 * 1024,
            session_idle_secs: 12 * 3600,
            secure_cookies: false,
            login_attempts_per_minute: 10,
            trusted_proxies: Vec::new(),
            forwarded_header: crate::client_addr::ForwardedHeader::XForwardedFor,
            log_format: LogFormat::Pretty,
        }
    }
}

/// Whether cargo-leptos left `hash.txt` (the names of the hashed bundles) beside this binary,
/// where Leptos reads it.
fn hash_file_beside_binary() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file()))
        .unwrap_or(false)
}
