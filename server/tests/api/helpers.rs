//! `spawn_app`: a migrated scratch database with demo data, the application on port 0, and an
//! HTTP client that does not follow redirects (so tests can read them).

use server::config::Settings;
use server::startup::Application;
use tianlian_storage::testing::{Engine, ScratchDb};
use tianlian_storage::{Db, DbOptions};
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub client: reqwest::Client,
    pub engine: Engine,
    scratch: ScratchDb,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Starts the application on `engine` with the demo data loaded.
pub async fn spawn_app(engine: Engine) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init(server::config::LogFormat::Pretty, "debug");
    }
    let scratch = ScratchDb::create(&engine).await.expect("scratch database");
    let settings = Settings::for_tests(&scratch.url);
    let app = Application::build(&settings)
        .await
        .expect("application builds");
    let address = format!("http://{}", app.addr());
    let db = Db::connect(
        &scratch.url,
        &DbOptions {
            max_connections: 4,
            ..DbOptions::default()
        },
    )
    .await
    .expect("db");
    tianlian_storage::demo::load(&db).await.expect("demo data");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        address,
        db,
        client,
        engine,
        scratch,
        stop,
        server,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Posts a form the way a browser without JavaScript does.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("Accept", "text/html,application/xhtml+xml")
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// Stops the server gracefully and removes the database.
    pub async fn finish(self) {
        let _ = self.stop.send(());
        self.server.await.expect("server task").expect("server ran");
        self.db.close().await;
        self.scratch.drop_now().await;
    }
}
