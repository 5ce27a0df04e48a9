//! `spawn_app`: a migrated scratch database with demo data and demo accounts, the application
//! on port 0, and HTTP clients that keep cookies but do not follow redirects.

use server::config::Settings;
use server::startup::Application;
use tianlian_domain::access::PlotFilter;
use tianlian_storage::testing::{Engine, ScratchDb};
use tianlian_storage::{Db, DbOptions};
use tokio::sync::oneshot;

/// Demo accounts (see `server::accounts::DEMO_ACCOUNTS`).
pub const ADMIN: (&str, &str) = ("13900000000", "demo-admin-2026");

/// A county admin as the use cases see one, for tests that call them directly.
pub fn admin_caller() -> tianlian_domain::access::Caller {
    tianlian_domain::access::Caller {
        account_id: 1,
        phone: ADMIN.0.into(),
        scope: tianlian_domain::access::Scope::Admin,
        must_change_password: false,
    }
}
pub const AGRONOMIST: (&str, &str) = ("13900000001", "demo-agro-2026");
pub const COOPERATIVE: (&str, &str) = ("13900000002", "demo-coop-2026");
pub const FARMER: (&str, &str) = ("13900000003", "demo-farm-2026");

pub struct TestApp {
    pub address: String,
    pub db: Db,
    /// Signed in as nobody; see [`TestApp::signed_in`].
    pub client: reqwest::Client,
    pub engine: Engine,
    pub database_url: String,
    scratch: Option<ScratchDb>,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A client with its own cookie jar that sends `Origin` like a browser on our pages.
pub fn browser(address: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, address.parse().expect("origin"));
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        // A request that hangs fails the test with its URL instead of stalling the whole suite.
        .timeout(std::time::Duration::from_secs(60))
        .default_headers(headers)
        .build()
        .expect("client")
}

/// The `Set-Cookie` header that carries the session (sign-in also sets the device cookie).
pub fn session_set_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("tianlian_session="))
        .unwrap_or_default()
        .to_owned()
}

/// The session cookie's `name=value`, to send back by hand.
pub fn session_pair(res: &reqwest::Response) -> String {
    session_set_cookie(res)
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Starts the application on `engine` with the demo data loaded.
pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, |_| {}).await
}

/// Starts the application with adjusted settings.
pub async fn spawn_app_with(engine: Engine, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let scratch = ScratchDb::create(&engine).await.expect("scratch database");
    let mut app = start_on(engine, &scratch.url.clone(), adjust).await;
    let db = &app.db;
    tianlian_storage::demo::load(db).await.expect("demo data");
    server::accounts::ensure_demo_accounts(db)
        .await
        .expect("demo accounts");
    app.scratch = Some(scratch);
    app
}

/// Starts another instance on an existing database (no data loaded, nothing dropped at finish).
pub async fn start_on(engine: Engine, url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init(server::config::LogFormat::Pretty, "debug");
    }
    let mut settings = Settings::for_tests(url);
    adjust(&mut settings);
    let app = Application::build(&settings)
        .await
        .expect("application builds");
    let address = format!("http://{}", app.addr());
    let db = Db::connect(
        url,
        &DbOptions {
            max_connections: 4,
            ..DbOptions::default()
        },
    )
    .await
    .expect("db");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = browser(&address);
    TestApp {
        address,
        db,
        client,
        engine,
        database_url: url.to_owned(),
        scratch: None,
        stop,
        server,
    }
}

impl TestApp {
    /// The id of a demo plot, by village name and plot code (e.g. 团结村 1-010).
    pub async fn plot_id(&self, village: &str, code: &str) -> i64 {
        tianlian_storage::plots::list_active(&self.db, PlotFilter::All, None)
            .await
            .expect("plots")
            .into_iter()
            .find(|p| p.village_name == village && p.code == code)
            .expect("plot")
            .id
    }

    /// The id of a demo village, by name (团结村, 和平村, 石羊村 …).
    pub async fn village_id(&self, name: &str) -> i64 {
        tianlian_storage::places::list_villages(&self.db, PlotFilter::All)
            .await
            .expect("villages")
            .into_iter()
            .find(|v| v.name == name)
            .expect("village")
            .id
    }

    /// The id of 欣源羊肚菌专业合作社, the demo cooperative of 回澜镇 (the demo cooperative account's).
    pub async fn xinyuan(&self) -> i64 {
        tianlian_storage::cooperatives::list(&self.db)
            .await
            .expect("cooperatives")
            .into_iter()
            .find(|c| c.name == "欣源羊肚菌专业合作社")
            .expect("欣源")
            .id
    }

    /// The id of a demo township, by name (飞虹乡, 回澜镇).
    pub async fn township_id(&self, name: &str) -> i64 {
        tianlian_storage::places::list_villages(&self.db, PlotFilter::All)
            .await
            .expect("villages")
            .into_iter()
            .find(|v| v.township_name == name)
            .expect("township")
            .township_id
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A fresh client signed in with the API (its session cookie in its jar).
    pub async fn signed_in(&self, (phone, password): (&str, &str)) -> reqwest::Client {
        let client = browser(&self.address);
        let res = client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "phone": phone, "password": password }))
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status().as_u16(), 200, "sign-in as {phone}");
        client
    }

    /// An API token issued by `admin` to account `account_id`: its id and the token.
    pub async fn issue_token(
        &self,
        admin: &reqwest::Client,
        account_id: i64,
        label: &str,
    ) -> (i64, String) {
        let issued: serde_json::Value = admin
            .post(self.url("/api/v1/tokens"))
            .json(&serde_json::json!({ "account_id": account_id, "label": label }))
            .send()
            .await
            .expect("issue")
            .json()
            .await
            .expect("json");
        (
            issued["id"].as_i64().expect("token id"),
            issued["token"].as_str().expect("token").to_owned(),
        )
    }

    /// Posts a form the way a browser without JavaScript does, with `client`.
    pub async fn post_form_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("Accept", "text/html,application/xhtml+xml")
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    /// Imports daily weather (`date,tmin,tmax` CSV) for site `code` as `client`.
    pub async fn import_weather(
        &self,
        client: &reqwest::Client,
        code: &str,
        csv: impl Into<String>,
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/v1/sites/{code}/weather")))
            .header("content-type", "text/csv")
            .body(csv.into())
            .send()
            .await
            .expect("import")
    }

    pub async fn get_text_as(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let res = client.get(self.url(path)).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// Stops the server gracefully and removes the database. A graceful stop that takes over
    /// 20 s (a connection that never goes idle) is reported and the server task aborted, so one
    /// stuck connection cannot stall the suite.
    pub async fn finish(self) {
        let _ = self.stop.send(());
        let server = self.server;
        let abort = server.abort_handle();
        match tokio::time::timeout(std::time::Duration::from_secs(20), server).await {
            Ok(joined) => joined.expect("server task").expect("server ran"),
            Err(_) => {
                eprintln!("warning: graceful shutdown took over 20 s; server task aborted");
                abort.abort();
            }
        }
        self.db.close().await;
        if let Some(s) = self.scratch {
            s.drop_now().await;
        }
    }
}

/// Sends a request and reads its status and JSON body (`null` when it has none).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// Posts an 8-hour 搓菌种 shift of `headcount` for 欣源 on `date` as `client`; its id.
pub async fn post_shift(
    app: &TestApp,
    client: &reqwest::Client,
    date: &str,
    headcount: i64,
) -> i64 {
    let coop = app.xinyuan().await;
    let (status, body) = send(client.post(app.url("/api/v1/shifts")).json(
        &serde_json::json!({ "cooperative_id": coop, "date": date, "task": "spawn_rubbing", "headcount": headcount, "hours": 8 }),
    ))
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().expect("id")
}
