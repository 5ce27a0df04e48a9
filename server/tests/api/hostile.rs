//! Hostile input: bodies over the limit, JSON nested thousands deep, bytes that are not UTF-8,
//! and SQL or markup in every text field. The server refuses with a 4xx or stores the text
//! exactly as sent; it never answers 5xx, no table is lost, and pages show the text escaped.

use crate::helpers::{ADMIN, AGRONOMIST, COOPERATIVE, TestApp, spawn_app_with};
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_TYPE, LOCATION, REFERER};
use serde_json::{Value, json};
use server::config::Settings;
use tianlian_storage::testing::engines;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// What an attacker types into every field: SQL that would end a statement or widen a `WHERE`,
/// markup that would run script in a text node or break out of an attribute, and plain Chinese
/// with emoji (four-byte UTF-8), which must come back unchanged. None has spaces at either end
/// (fields are trimmed) and each fits the shortest limit (30 characters, a person's name).
const HOSTILE: [&str; 5] = [
    "'); DROP TABLE plots; --",
    "' OR '1'='1",
    SCRIPT,
    IMG,
    "莴笋“一号”地块🌱😀",
];

/// How the markup above reads once escaped, in text and in attribute values alike.
const SCRIPT_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";
const IMG_ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";

/// Bytes that are not UTF-8: a lone continuation byte, truncated and overlong sequences.
/// None is a space, CR, LF or below `!`, so they can stand in a request line as they are.
const NOT_UTF8: &[u8] = b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc";

/// 回澜镇 households the cooperative may add people and dividends to (not poor: no mentor).
const HOUSEHOLD: &str = "demo-1-0-000";
const MEMBER_HOUSEHOLD: &str = "demo-1-0-001";

/// Every test here signs in several times from one address; the sign-in limit is not under test.
fn many_sign_ins(settings: &mut Settings) {
    settings.login_attempts_per_minute = 1_000;
}

/// Sends `req` and returns the status and body text; fails the test, naming `what`, when the
/// request cannot be made or the answer is a 5xx.
async fn fetch(what: &str, req: reqwest::RequestBuilder) -> (u16, String) {
    let res = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{what}: request failed: {e}"));
    let status = res.status().as_u16();
    let text = res
        .text()
        .await
        .unwrap_or_else(|e| panic!("{what}: unreadable body: {e}"));
    assert!(status < 500, "{what}: answered {status}: {text}");
    (status, text)
}

/// [`fetch`], with the body as JSON (`Null` when it is not JSON).
async fn send(what: &str, req: reqwest::RequestBuilder) -> (u16, Value) {
    let (status, text) = fetch(what, req).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// [`fetch`] for a page that must render (200).
async fn page(what: &str, req: reqwest::RequestBuilder) -> String {
    let (status, html) = fetch(what, req).await;
    assert_eq!(status, 200, "{what}");
    html
}

/// A 4xx with the API's error body `{"error":{"code","message"}}`.
fn assert_api_error(what: &str, (status, body): &(u16, Value)) {
    assert!(
        (400..500).contains(status),
        "{what}: expected a 4xx, got {status}: {body}"
    );
    assert!(
        body["error"]["code"].is_string() && body["error"]["message"].is_string(),
        "{what}: expected {{\"error\":{{\"code\",\"message\"}}}}, got {body}"
    );
}

/// The page holds none of the markup unescaped, and no attribute was broken out of.
fn assert_no_markup(what: &str, html: &str) {
    for raw in [
        SCRIPT,
        "<img src=x onerror",
        "=\"\"&gt;&lt;img",
        "=\"\"><img",
    ] {
        assert!(!html.contains(raw), "{what} contains {raw:?} unescaped");
    }
}

/// The page shows both markup strings, escaped.
fn assert_shown_escaped(what: &str, html: &str) {
    assert_no_markup(what, html);
    for escaped in [SCRIPT_ESCAPED, IMG_ESCAPED] {
        assert!(html.contains(escaped), "{what} should show {escaped:?}");
    }
}

/// A JSON post whose body is given as bytes (possibly not JSON, possibly not UTF-8).
fn raw_json(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::RequestBuilder {
    client
        .post(app.url(path))
        .header(CONTENT_TYPE, "application/json")
        .body(body)
}

/// A form post to a server function, as a browser without JavaScript sends it (with the page
/// it came from as `Referer`) or as a script does (`referer` None).
fn form_post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: Vec<u8>,
    referer: Option<&str>,
) -> reqwest::RequestBuilder {
    let req = client
        .post(app.url(path))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .body(body);
    match referer {
        Some(from) => req.header(REFERER, app.url(from)),
        None => req,
    }
}

/// `prefix`, then `bytes`, then `suffix`, as one body.
fn with_bytes(prefix: impl Into<Vec<u8>>, bytes: &[u8], suffix: &str) -> Vec<u8> {
    let mut body = prefix.into();
    body.extend_from_slice(bytes);
    body.extend_from_slice(suffix.as_bytes());
    body
}

/// A plot as JSON text, `padding` bytes longer than it needs to be (a field nobody reads).
fn padded_plot(village: i64, code: &str, padding: usize) -> String {
    format!(
        r#"{{"village_id":{village},"code":"{code}","area_mu":1,"notes":"x{}"}}"#,
        " ".repeat(padding)
    )
}

/// A CSV cell in quotes with its quotes doubled, so quotes and commas in `text` stay in it.
fn csv_cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// A request line and headers as raw bytes (reqwest cannot put bytes that are not UTF-8 in a
/// URL or a header). `headers` is empty or ends each header with CRLF.
fn raw_get(host: &str, target: &[u8], headers: &[u8]) -> Vec<u8> {
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(format!(" HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n").as_bytes());
    req.extend_from_slice(headers);
    req.extend_from_slice(b"\r\n");
    req
}

/// Writes `request` to the server over a plain socket and returns the answer's status.
async fn raw_status(app: &TestApp, request: Vec<u8>) -> u16 {
    let addr = app.address.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&addr).expect("connect to the server");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .expect("read timeout");
        stream.write_all(&request).expect("write the request");
        let mut answer = Vec::new();
        // The server closes the connection once it has answered (`Connection: close`); a reset
        // after the answer is fine, what was read is kept.
        let _ = stream.read_to_end(&mut answer);
        let head = String::from_utf8_lossy(&answer).into_owned();
        head.split_whitespace()
            .nth(1)
            .and_then(|code| code.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no status line in the answer: {head:?}"))
    })
    .await
    .expect("raw request task")
}

/// The code of every plot the caller sees, through the API (page by page), sorted.
async fn plot_codes(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    let mut url = app.url("/api/v1/plots");
    loop {
        let (status, body) = send("the plot list", client.get(&url)).await;
        assert_eq!(status, 200, "{body}");
        codes.extend(
            body["plots"]
                .as_array()
                .expect("plots")
                .iter()
                .filter_map(|p| p["code"].as_str().map(str::to_owned)),
        );
        match body["next_cursor"].as_i64() {
            Some(c) => url = app.url(&format!("/api/v1/plots?cursor={c}")),
            None => break,
        }
    }
    codes.sort();
    codes
}

/// A plot's code and notes as the API reads them back.
async fn plot_fields(app: &TestApp, client: &reqwest::Client, id: i64) -> (String, String) {
    let (status, body) = send(
        &format!("plot {id}"),
        client.get(app.url(&format!("/api/v1/plots/{id}"))),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let text = |field: &str| {
        body["plot"][field]
            .as_str()
            .unwrap_or_else(|| panic!("plot {id} has no {field}: {body}"))
            .to_owned()
    };
    (text("code"), text("notes"))
}

/// Every table hostile text could have reached still answers, with `plots` plots listed.
async fn assert_tables_intact(app: &TestApp, admin: &reqwest::Client, plots: usize) {
    assert_eq!(
        plot_codes(app, admin).await.len(),
        plots,
        "every plot is still listed"
    );
    for path in [
        "/api/v1/plantings",
        "/api/v1/leases",
        "/api/v1/targets",
        "/api/v1/benefit",
        "/api/v1/audit",
    ] {
        let (status, body) = send(path, admin.get(app.url(path))).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
}

#[tokio::test]
async fn bodies_over_the_limit_or_nested_thousands_deep_are_refused_with_a_4xx_and_store_nothing() {
    const DEPTH: usize = 10_000;
    let limit = Settings::for_tests("").body_limit;
    for engine in engines() {
        let app = spawn_app_with(engine, many_sign_ins).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let admin = app.signed_in(ADMIN).await;
        let tuanjie = app.village_id("团结村").await;
        let before = plot_codes(&app, &admin).await;

        // Just under the limit the body is read in full (the padding is white space the notes'
        // trim drops) and stored.
        let fits = padded_plot(tuanjie, "BIG-FITS", limit - 1024);
        let (status, body) = send(
            "a plot just under the body limit",
            raw_json(&app, &agro, "/api/v1/plots", fits),
        )
        .await;
        assert_eq!(status, 201, "{body}");

        // Over it, the body is refused before it is parsed: axum's 413, which the JSON handlers
        // report as their 400 `invalid_json` (the public ones too).
        let over = padded_plot(tuanjie, "BIG-OVER", limit + 4096);
        for (what, client, path) in [
            ("a plot over the body limit", &agro, "/api/v1/plots"),
            (
                "an anonymous sign-in over the body limit",
                &app.client,
                "/api/v1/auth/login",
            ),
            (
                "an anonymous forecast over the body limit",
                &app.client,
                "/api/v1/forecast",
            ),
        ] {
            let res = send(what, raw_json(&app, client, path, over.clone())).await;
            assert!(
                matches!(res.0, 400 | 413),
                "{what}: expected 413 or 400, got {}: {}",
                res.0,
                res.1
            );
            if res.0 == 400 {
                assert_api_error(what, &res);
                assert_eq!(res.1["error"]["code"], "invalid_json", "{what}");
            }
        }
        // The CSV import reads the raw body: axum's 413 as it is.
        let csv = format!(
            "村,地块,面积,备注\n团结村,BIG-CSV,1,{}\n",
            "x".repeat(limit + 4096)
        );
        let (status, _) = send(
            "a CSV import over the body limit",
            agro.post(app.url("/api/v1/import/plots?dry_run=false"))
                .header(CONTENT_TYPE, "text/csv")
                .body(csv),
        )
        .await;
        assert_eq!(status, 413, "a CSV import over the body limit");

        // JSON nested 10,000 deep: serde_json's depth limit refuses it (no stack overflow), in a
        // field that is read (arrays, objects), unclosed at the top, and in a field nobody reads
        // (skipped without recursion, then the plot is refused for what it lacks).
        let deep_arrays = format!(
            r#"{{"village_id":{tuanjie},"code":"DEEP-1","area_mu":{}1{}}}"#,
            "[".repeat(DEPTH),
            "]".repeat(DEPTH)
        );
        let deep_objects = format!(
            r#"{{"village_id":{tuanjie},"code":"DEEP-2","area_mu":{}1{}}}"#,
            r#"{"a":"#.repeat(DEPTH),
            "}".repeat(DEPTH)
        );
        let unclosed = "[".repeat(DEPTH);
        let ignored = format!(r#"{}null{}"#, r#"{"a":"#.repeat(DEPTH), "}".repeat(DEPTH));
        for (shape, body) in [
            ("arrays in a field", &deep_arrays),
            ("objects in a field", &deep_objects),
            ("unclosed arrays", &unclosed),
            ("objects in an unknown field", &ignored),
        ] {
            for (client, path) in [
                (&agro, "/api/v1/plots"),
                (&app.client, "/api/v1/auth/login"),
                (&app.client, "/api/v1/forecast"),
            ] {
                let what = format!("{path} with {DEPTH} levels of {shape}");
                let res = send(&what, raw_json(&app, client, path, body.clone())).await;
                assert_api_error(&what, &res);
            }
        }

        let after = plot_codes(&app, &admin).await;
        assert_eq!(after.len(), before.len() + 1, "only BIG-FITS was added");
        assert!(after.iter().any(|c| c == "BIG-FITS"));
        assert!(
            !after
                .iter()
                .any(|c| c == "BIG-OVER" || c == "BIG-CSV" || c.starts_with("DEEP-")),
            "nothing refused was stored"
        );
        assert_tables_intact(&app, &admin, after.len()).await;

        // A form over the limit to a server function, sent by a script (no Referer): a 4xx, not
        // the server function's 500 for a body it could not read.
        let form = format!(
            "phone={}&password={}",
            AGRONOMIST.0,
            "x".repeat(limit + 4096)
        );
        send(
            "a sign-in form over the body limit",
            form_post(&app, &app.client, "/fn/login", form.into_bytes(), None),
        )
        .await;
        app.finish().await;
    }
}

#[tokio::test]
async fn bytes_that_are_not_utf8_in_bodies_queries_headers_and_forms_never_give_a_5xx() {
    for engine in engines() {
        let app = spawn_app_with(engine, many_sign_ins).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let admin = app.signed_in(ADMIN).await;
        let tuanjie = app.village_id("团结村").await;
        let before = plot_codes(&app, &admin).await;

        // JSON: raw bytes inside a string, and a lone surrogate escape.
        let raw = with_bytes(
            format!(r#"{{"village_id":{tuanjie},"code":""#),
            NOT_UTF8,
            r#"","area_mu":1}"#,
        );
        let surrogate =
            format!(r#"{{"village_id":{tuanjie},"code":"\ud800","area_mu":1}}"#).into_bytes();
        for (kind, body) in [("raw bytes", &raw), ("a lone surrogate", &surrogate)] {
            for (client, path) in [
                (&agro, "/api/v1/plots"),
                (&app.client, "/api/v1/auth/login"),
                (&admin, "/api/v1/dividends"),
            ] {
                let what = format!("{path} with {kind} in a JSON string");
                let res = send(&what, raw_json(&app, client, path, body.clone())).await;
                assert_api_error(&what, &res);
                assert_eq!(
                    (res.0, res.1["error"]["code"].as_str()),
                    (400, Some("invalid_json")),
                    "{what}"
                );
            }
        }

        // CSV: the import says what to do, in Chinese or in English, and stores nothing.
        let csv = with_bytes("村,地块,面积,备注\n团结村,UTF8-1,1,", NOT_UTF8, "\n");
        for url in [
            "/api/v1/import/plots?dry_run=true",
            "/api/v1/import/plots?dry_run=false",
        ] {
            let res = send(
                url,
                agro.post(app.url(url))
                    .header(CONTENT_TYPE, "text/csv")
                    .body(csv.clone()),
            )
            .await;
            assert_api_error(url, &res);
            assert_eq!(
                (
                    res.0,
                    res.1["error"]["code"].as_str(),
                    res.1["error"]["message"].as_str()
                ),
                (
                    400,
                    Some("not_utf8"),
                    Some("文件须为 UTF-8 编码的 CSV（Excel 另存为“CSV UTF-8”）或 XLSX 工作簿")
                ),
                "{url}"
            );
        }
        let (status, body) = send(
            "a CSV that is not UTF-8, in English",
            agro.post(app.url("/api/v1/import/plots?dry_run=true"))
                .header(CONTENT_TYPE, "text/csv")
                .header(ACCEPT_LANGUAGE, "en")
                .body(csv.clone()),
        )
        .await;
        assert_eq!(
            (status, body["error"]["message"].as_str()),
            (
                400,
                Some(
                    "The file must be UTF-8 CSV (in Excel: save as “CSV UTF-8”) or an XLSX workbook"
                )
            )
        );
        // Weather is read as text: axum's own 400.
        let (status, _) = send(
            "weather that is not UTF-8",
            admin
                .post(app.url("/api/v1/sites/maoxian/weather"))
                .header(CONTENT_TYPE, "text/csv")
                .body(with_bytes("date,tmin,tmax\n", NOT_UTF8, "\n")),
        )
        .await;
        assert_eq!(status, 400, "weather that is not UTF-8");

        // Query strings and path segments, percent-encoded: decoded with replacement characters,
        // so numbers and dates are refused and pages render.
        for (what, client, path, expected) in [
            (
                "an API plot filter",
                &agro,
                "/api/v1/plots?village=%FF%FE",
                400,
            ),
            ("an API day", &admin, "/api/v1/benefit?day=%FF%FE", 400),
            ("an API plot id", &agro, "/api/v1/plots/%FF%FE", 400),
            (
                "an import's dry_run",
                &agro,
                "/api/v1/import/plots?dry_run=%FF",
                400,
            ),
            ("a page's filter", &agro, "/plots?village=%FF%FE", 200),
            (
                "a refused form's values echoed back",
                &agro,
                "/plots?p_code=%FF%FE&p_notes=%C3%28",
                200,
            ),
            (
                "the sign-in page's values",
                &app.client,
                "/login?phone=%FF%FE&next=%2F%FF",
                200,
            ),
        ] {
            let req = if path.starts_with("/api/v1/import") {
                client
                    .post(app.url(path))
                    .header(CONTENT_TYPE, "text/csv")
                    .body("村,地块,面积\n团结村,UTF8-2,1\n")
            } else {
                client.get(app.url(path))
            };
            let (status, _) = fetch(what, req).await;
            assert_eq!(status, expected, "{what}: {path}");
        }
        // The same bytes raw in the request line: refused by the HTTP layer before any handler.
        let host = app.address.trim_start_matches("http://").to_owned();
        let targets: [&[u8]; 3] = [
            b"/api/v1/plots?village=",
            b"/plots?village=",
            b"/api/v1/plots/",
        ];
        for target in targets {
            let status = raw_status(&app, raw_get(&host, &[target, NOT_UTF8].concat(), b"")).await;
            assert!(
                (400..500).contains(&status),
                "raw bytes after {}: {status}",
                String::from_utf8_lossy(target)
            );
        }
        // In a cookie and in Accept-Language: no session, Chinese, and a plain 401.
        let parts: [&[u8]; 5] = [
            b"Cookie: tianlian_session=",
            NOT_UTF8,
            b"\r\nAccept-Language: ",
            NOT_UTF8,
            b"\r\n",
        ];
        let status = raw_status(&app, raw_get(&host, b"/api/v1/me", &parts.concat())).await;
        assert_eq!(status, 401, "a cookie and a language that are not UTF-8");

        // A form to a server function, percent-encoded: a wrong sign-in, back to the form.
        let res = form_post(
            &app,
            &app.client,
            "/fn/login",
            b"phone=%FF%FE&password=%C3%28".to_vec(),
            None,
        )
        .send()
        .await
        .expect("sign-in form");
        assert!(res.status().is_redirection(), "{}", res.status());
        let to = res
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("a redirect")
            .to_owned();
        assert!(to.starts_with("/login?e=bad_credentials"), "{to}");

        // Raw bytes in a form: a browser (with Referer) is sent back to its page; a script
        // (without) gets a 4xx, not the server function's 500 for a body it could not decode.
        let login = with_bytes("phone=", NOT_UTF8, "&password=x");
        let plot = with_bytes(
            format!("village_id={tuanjie}&code=UTF8-FORM&area=1&owner=&irrigation=&notes="),
            NOT_UTF8,
            "",
        );
        for (what, client, path, form, from) in [
            ("a sign-in form", &app.client, "/fn/login", &login, "/login"),
            ("a plot form", &agro, "/fn/save_plot", &plot, "/plots"),
        ] {
            let (status, _) = fetch(
                &format!("{what} with raw bytes from a browser"),
                form_post(&app, client, path, form.clone(), Some(from)),
            )
            .await;
            assert_eq!(status, 302, "{what} from a browser goes back to {from}");
        }
        let after = plot_codes(&app, &admin).await;
        assert_eq!(after, before, "nothing that was not UTF-8 was stored");
        assert_tables_intact(&app, &admin, before.len()).await;
        for (what, client, path, form) in [
            ("a sign-in form", &app.client, "/fn/login", &login),
            ("a plot form", &agro, "/fn/save_plot", &plot),
        ] {
            fetch(
                &format!("{what} with raw bytes from a script"),
                form_post(&app, client, path, form.clone(), None),
            )
            .await;
        }
        app.finish().await;
    }
}

/// Plots over JSON: code and notes come back as sent, then again after an edit to other hostile
/// text (code `改…`, the next string's notes). Returns the plot ids.
async fn plots_over_json(app: &TestApp, agro: &reqwest::Client, village: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for s in HOSTILE {
        let (status, body) = send(
            &format!("a plot coded {s:?}"),
            agro.post(app.url("/api/v1/plots"))
                .json(&json!({ "village_id": village, "code": s, "area_mu": 3, "notes": s })),
        )
        .await;
        assert_eq!(status, 201, "a plot coded {s:?}: {body}");
        let id = body["id"].as_i64().expect("plot id");
        assert_eq!(
            plot_fields(app, agro, id).await,
            (s.to_owned(), s.to_owned())
        );
        ids.push(id);
    }
    for (i, id) in ids.iter().enumerate() {
        let code = format!("改{}", HOSTILE[i]);
        let notes = HOSTILE[(i + 1) % HOSTILE.len()];
        let (status, body) = send(
            &format!("an edit to {code:?}"),
            agro.patch(app.url(&format!("/api/v1/plots/{id}")))
                .json(&json!({ "code": code, "area_mu": 3, "notes": notes })),
        )
        .await;
        assert_eq!(status, 200, "an edit to {code:?}: {body}");
        assert_eq!(plot_fields(app, agro, *id).await, (code, notes.to_owned()));
    }
    ids
}

/// Plots by CSV import (checked, then stored): codes and notes as sent. Hostile village and
/// township names are refused line by line.
async fn plots_by_import(app: &TestApp, agro: &reqwest::Client, village: i64) {
    let csv = std::iter::once("村,地块,面积,备注".to_owned())
        .chain(
            HOSTILE
                .iter()
                .map(|s| format!("和平村,{},1,{}", csv_cell(s), csv_cell(s))),
        )
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let import = |dry_run: &str| {
        agro.post(app.url(&format!("/api/v1/import/plots?dry_run={dry_run}")))
            .header(CONTENT_TYPE, "text/csv")
            .body(csv.clone())
    };
    let (status, body) = send("a hostile import, checked", import("true")).await;
    assert_eq!((status, body["rows_ok"].as_i64()), (200, Some(5)), "{body}");
    let (status, body) = send("a hostile import, stored", import("false")).await;
    assert_eq!((status, body["stored"].as_i64()), (201, Some(5)), "{body}");
    let (status, listed) = send(
        "和平村's plots",
        agro.get(app.url("/api/v1/plots"))
            .query(&[("village", village)]),
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    let plots = listed["plots"].as_array().expect("plots");
    for s in HOSTILE {
        let plot = plots
            .iter()
            .find(|p| p["code"] == s)
            .unwrap_or_else(|| panic!("imported plot {s:?} is listed"));
        assert_eq!(plot["notes"], s, "imported notes of {s:?}");
    }

    let places = std::iter::once("乡镇,村,地块,面积".to_owned())
        .chain(
            HOSTILE
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{},{},PLACE-{i},1", csv_cell(s), csv_cell(s))),
        )
        .collect::<Vec<_>>()
        .join("\n");
    let res = send(
        "an import into hostile places",
        agro.post(app.url("/api/v1/import/plots?dry_run=true"))
            .header(CONTENT_TYPE, "text/csv")
            .body(places),
    )
    .await;
    assert_api_error("an import into hostile places", &res);
    let codes: Vec<&str> = res.1["error"]["fields"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["code"].as_str())
        .collect();
    assert_eq!(codes, ["unknown_village"; 5], "{}", res.1);
}

/// People named with hostile text, booked on one shift: the shift reads their names back.
/// Returns the shift.
async fn people_on_a_shift(app: &TestApp, coop: &reqwest::Client, cooperative: i64) -> i64 {
    // The township registers people (#18); the cooperative books them.
    let admin = app.signed_in(ADMIN).await;
    let mut people = Vec::new();
    for s in HOSTILE {
        let (status, body) = send(
            &format!("a person named {s:?}"),
            admin
                .post(app.url("/api/v1/persons"))
                .json(&json!({ "household": HOUSEHOLD, "name": s })),
        )
        .await;
        assert_eq!(status, 201, "a person named {s:?}: {body}");
        people.push(body["id"].as_i64().expect("person id"));
    }
    let (status, body) = send(
        "a shift for everyone",
        coop.post(app.url("/api/v1/shifts")).json(&json!({ "cooperative_id": cooperative,
            "date": "2026-12-20", "task": "spawn_rubbing", "headcount": HOSTILE.len(), "hours": 8 })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let shift = body["id"].as_i64().expect("shift id");
    for person in &people {
        let (status, body) = send(
            "a booking",
            coop.post(app.url(&format!("/api/v1/shifts/{shift}/assignments")))
                .json(&json!({ "person_id": person })),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, page) = send(
        "the shift",
        coop.get(app.url(&format!("/api/v1/shifts/{shift}"))),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let workers = page["workers"].as_array().expect("workers");
    for (person, s) in people.iter().zip(HOSTILE) {
        let worker = workers
            .iter()
            .find(|w| w["person_id"] == *person)
            .unwrap_or_else(|| panic!("person {s:?} is on the shift: {page}"));
        assert_eq!(worker["name"], s);
    }
    shift
}

/// Alliances named with hostile text, each with a member so the page lists it: the cooperative
/// reads their names back. Returns the alliances.
async fn alliances(app: &TestApp, coop: &reqwest::Client, cooperative: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for s in HOSTILE {
        let (status, body) = send(
            &format!("an alliance named {s:?}"),
            coop.post(app.url("/api/v1/alliances"))
                .json(&json!({ "cooperative_id": cooperative, "name": s })),
        )
        .await;
        assert_eq!(status, 201, "an alliance named {s:?}: {body}");
        let id = body["id"].as_i64().expect("alliance id");
        let (status, body) = send(
            &format!("a member of {s:?}"),
            coop.post(app.url(&format!("/api/v1/alliances/{id}/members")))
                .json(&json!({ "household": MEMBER_HOUSEHOLD, "role": "able" })),
        )
        .await;
        assert_eq!(status, 201, "a member of {s:?}: {body}");
        ids.push(id);
    }
    let (status, page) = send(
        "the cooperative",
        coop.get(app.url(&format!("/api/v1/cooperatives/{cooperative}"))),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let listed = page["alliances"].as_array().expect("alliances");
    for (id, s) in ids.iter().zip(HOSTILE) {
        let alliance = listed
            .iter()
            .find(|a| a["id"] == *id)
            .unwrap_or_else(|| panic!("alliance {s:?} is listed"));
        assert_eq!(alliance["name"], s);
    }
    ids
}

/// Dividends with hostile notes. No API reads a note back, so the test reads the table.
async fn dividends(app: &TestApp, coop: &reqwest::Client, cooperative: i64) {
    for s in HOSTILE {
        let (status, body) = send(
            &format!("a dividend noted {s:?}"),
            coop.post(app.url("/api/v1/dividends"))
                .json(&json!({ "cooperative_id": cooperative,
                "household": HOUSEHOLD, "amount_yuan": "1.50", "note": s })),
        )
        .await;
        assert_eq!(status, 201, "a dividend noted {s:?}: {body}");
        let id = body["id"].as_i64().expect("dividend id");
        let note = tianlian_storage::testing::text_of(&app.db, "dividends", "note", id)
            .await
            .expect("the dividend's note");
        assert_eq!(note, s);
    }
}

/// API tokens labelled with hostile text: the audit log reads each label back, each token works.
async fn tokens(app: &TestApp, admin: &reqwest::Client) {
    let (_, me) = send("who the admin is", admin.get(app.url("/api/v1/me"))).await;
    let account = me["account_id"].as_i64().expect("account id");
    let mut issued = Vec::new();
    for s in HOSTILE {
        let (status, body) = send(
            &format!("a token labelled {s:?}"),
            admin
                .post(app.url("/api/v1/tokens"))
                .json(&json!({ "account_id": account, "label": s })),
        )
        .await;
        assert_eq!(status, 201, "a token labelled {s:?}: {body}");
        let id = body["id"].as_i64().expect("token id");
        let token = body["token"].as_str().expect("token").to_owned();
        issued.push((id, token));
    }
    let (status, audit) = send("the audit log", admin.get(app.url("/api/v1/audit"))).await;
    assert_eq!(status, 200, "{audit}");
    let entries = audit["entries"].as_array().expect("entries");
    let anonymous = reqwest::Client::new();
    for ((id, token), s) in issued.iter().zip(HOSTILE) {
        let entry = entries
            .iter()
            .find(|e| e["entity"] == "api_token" && e["entity_id"] == *id)
            .unwrap_or_else(|| panic!("token {s:?} is in the audit log"));
        let after: Value = serde_json::from_str(entry["after_json"].as_str().expect("after_json"))
            .expect("after_json is JSON");
        assert_eq!(after["label"], s);
        let (status, _) = send(
            &format!("the token labelled {s:?}"),
            anonymous.get(app.url("/api/v1/me")).bearer_auth(token),
        )
        .await;
        assert_eq!(status, 200, "the token labelled {s:?} works");
    }
}

/// Where the refusals are aimed.
#[derive(Clone, Copy)]
struct Aims {
    village: i64,
    township: i64,
    cooperative: i64,
    plot: i64,
    leased_plot: i64,
    alliance: i64,
}

/// Fields that must name something known (a household, a crop, a date, a place, a number, an
/// account) refuse hostile text with a 4xx and the API's error body; ids in the path and
/// filters in the query are refused or ignored.
async fn lookups_refuse_hostile_text(
    app: &TestApp,
    agro: &reqwest::Client,
    coop: &reqwest::Client,
    aims: &Aims,
) {
    let Aims {
        village,
        township,
        cooperative,
        plot,
        leased_plot,
        alliance,
    } = *aims;
    for s in HOSTILE {
        let refusals = [
            (
                "a plot's area, owner and irrigation",
                agro.post(app.url("/api/v1/plots")).json(&json!({ "village_id": village,
                    "code": "LOOKUP-1", "area_mu": s, "owner": s, "irrigation": s })),
            ),
            (
                "a person's household",
                agro.post(app.url("/api/v1/persons"))
                    .json(&json!({ "household": s, "name": "王五" })),
            ),
            (
                "a person's phone",
                agro.post(app.url("/api/v1/persons"))
                    .json(&json!({ "household": "demo-0-0-001", "name": "王五", "phone": s })),
            ),
            (
                "a dividend's household",
                coop.post(app.url("/api/v1/dividends")).json(
                    &json!({ "cooperative_id": cooperative, "household": s, "amount_yuan": "1" }),
                ),
            ),
            (
                "a dividend's amount",
                coop.post(app.url("/api/v1/dividends")).json(
                    &json!({ "cooperative_id": cooperative, "household": HOUSEHOLD, "amount_yuan": s }),
                ),
            ),
            (
                "a member's household and role",
                coop.post(app.url(&format!("/api/v1/alliances/{alliance}/members")))
                    .json(&json!({ "household": s, "role": s })),
            ),
            (
                "a shift's date, task and numbers",
                coop.post(app.url("/api/v1/shifts")).json(&json!({ "cooperative_id": cooperative,
                    "date": s, "task": s, "headcount": s, "hours": s, "hourly_yuan": s })),
            ),
            (
                "a lease's numbers, dates and schedule",
                coop.post(app.url("/api/v1/leases")).json(&json!({ "cooperative_id": cooperative,
                    "plot_id": leased_plot, "area_mu": s, "fee_yuan_per_mu_year": s,
                    "starts_on": s, "ends_on": s, "schedule": s })),
            ),
            (
                "a planting's crop, area, date and status",
                agro.post(app.url(&format!("/api/v1/plots/{plot}/plantings")))
                    .json(&json!({ "crop": s, "area_mu": s, "planted_on": s, "status": s })),
            ),
            (
                "a target's place, crops, area and dates",
                agro.post(app.url("/api/v1/targets")).json(&json!({ "place": s, "crops": s,
                    "area_mu": s, "starts_on": s, "deadline": s })),
            ),
            (
                "a market capacity's crop",
                agro.put(app.url("/api/v1/market-calendar/capacity"))
                    .json(&json!({ "township_id": township, "crop": s, "kg_per_week": 1 })),
            ),
            (
                "an anonymous forecast",
                app.client.post(app.url("/api/v1/forecast")).json(&json!({ "crop": s,
                    "site": s, "protection": s, "planted_on": s, "area_mu": s })),
            ),
            (
                "an anonymous sign-in",
                app.client
                    .post(app.url("/api/v1/auth/login"))
                    .json(&json!({ "phone": s, "password": s })),
            ),
        ];
        for (field, req) in refusals {
            let what = format!("{field} {s:?}");
            let res = send(&what, req).await;
            assert_api_error(&what, &res);
        }
        // In the query and the path.
        let what = format!("a plot filter {s:?}");
        let (status, _) = fetch(
            &what,
            agro.get(app.url("/api/v1/plots")).query(&[("village", s)]),
        )
        .await;
        assert_eq!(status, 400, "{what}");
        let what = format!("the plot list filtered by {s:?}");
        let html = page(&what, agro.get(app.url("/plots")).query(&[("village", s)])).await;
        assert_no_markup(&what, &html);
        for path in [format!("/api/v1/plots/{s}"), format!("/plots/{s}")] {
            let (status, html) = fetch(&path, agro.get(app.url(&path))).await;
            assert!((200..500).contains(&status), "{path}: {status}");
            assert_no_markup(&path, &html);
        }
    }
}

/// Every page that shows the hostile text shows it escaped; so do values echoed from the query.
async fn pages_show_it_escaped(
    app: &TestApp,
    agro: &reqwest::Client,
    coop: &reqwest::Client,
    (tuanjie, heping, cooperative, shift): (i64, i64, i64, i64),
    plots: &[i64],
) {
    let tuanjie_list = page(
        "团结村's plots",
        agro.get(app.url(&format!("/plots?village={tuanjie}"))),
    )
    .await;
    assert_shown_escaped("团结村's plots", &tuanjie_list);
    assert!(
        tuanjie_list.contains("改莴笋“一号”地块🌱😀"),
        "Chinese and emoji come back as they are"
    );
    let pages = [
        (
            "和平村's plots",
            agro.get(app.url(&format!("/plots?village={heping}"))),
        ),
        (
            "the cooperative",
            coop.get(app.url(&format!("/coop?coop={cooperative}"))),
        ),
        ("the shift", coop.get(app.url(&format!("/shifts/{shift}")))),
        (
            "a notice echoed from the query",
            coop.get(app.url("/coop")).query(&[
                ("coop", cooperative.to_string()),
                ("error", "oops".to_owned()),
                ("msg", format!("{SCRIPT}{IMG}")),
            ]),
        ),
        (
            "a refused plot form echoed from the query",
            agro.get(app.url("/plots"))
                .query(&[("p_code", SCRIPT), ("p_notes", IMG)]),
        ),
        (
            "the sign-in form echoed from the query",
            app.client
                .get(app.url("/login"))
                .query(&[("phone", SCRIPT), ("next", IMG)]),
        ),
    ];
    for (what, req) in pages {
        let html = page(what, req).await;
        assert_shown_escaped(what, &html);
    }
    let mut all = String::new();
    for id in plots {
        let what = format!("plot {id}'s page");
        let html = page(&what, agro.get(app.url(&format!("/plots/{id}")))).await;
        assert_no_markup(&what, &html);
        all.push_str(&html);
    }
    assert_shown_escaped("the plots' pages", &all);
    // A sign-in with a hostile phone goes back to the form, which shows the phone escaped.
    let res = app
        .post_form_as(
            &app.client,
            "/fn/login",
            &[("phone", SCRIPT), ("password", "wrong-password")],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a redirect to the sign-in form")
        .to_owned();
    let html = page(
        "the sign-in form after a hostile phone",
        app.client.get(app.url(&to)),
    )
    .await;
    assert_no_markup("the sign-in form after a hostile phone", &html);
    assert!(html.contains(SCRIPT_ESCAPED), "the phone is shown escaped");
}

#[tokio::test]
async fn hostile_text_in_every_field_is_stored_as_sent_or_refused_and_shown_escaped() {
    for engine in engines() {
        let app = spawn_app_with(engine, many_sign_ins).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let admin = app.signed_in(ADMIN).await;
        let tuanjie = app.village_id("团结村").await;
        let heping = app.village_id("和平村").await;
        let xy = app.xinyuan().await;
        let before = plot_codes(&app, &admin).await.len();

        let plots = plots_over_json(&app, &agro, tuanjie).await;
        plots_by_import(&app, &agro, heping).await;
        let shift = people_on_a_shift(&app, &coop, xy).await;
        let made = alliances(&app, &coop, xy).await;
        dividends(&app, &coop, xy).await;
        tokens(&app, &admin).await;
        let aims = Aims {
            village: tuanjie,
            township: app.township_id("飞虹乡").await,
            cooperative: xy,
            plot: plots[0],
            leased_plot: app.plot_id("石羊村", "1-001").await,
            alliance: made[0],
        };
        lookups_refuse_hostile_text(&app, &agro, &coop, &aims).await;

        // No table was dropped or emptied: 5 plots over JSON and 5 imported, nothing else.
        assert_tables_intact(&app, &admin, before + 2 * HOSTILE.len()).await;
        pages_show_it_escaped(&app, &agro, &coop, (tuanjie, heping, xy, shift), &plots).await;
        app.finish().await;
    }
}

#[tokio::test]
async fn a_nul_character_anywhere_is_refused_with_a_400_on_both_engines() {
    for engine in engines() {
        let app = spawn_app_with(engine, many_sign_ins).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let cooperative = app.xinyuan().await;
        let before = tianlian_storage::testing::row_count(&app.db, "persons")
            .await
            .expect("persons");
        // JSON's escape, a raw byte, a form's %00 and a query's %00.
        let json = raw_json(
            &app,
            &coop,
            "/api/v1/persons",
            format!(r#"{{"household":"{HOUSEHOLD}","name":"a\u0000b"}}"#),
        );
        let refused = send("a name holding \\u0000", json).await;
        assert_eq!(refused.0, 400);
        assert_eq!(refused.1["error"]["code"], "nul_character");
        assert!(
            refused.1["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("空字符"))
        );
        let raw = raw_json(
            &app,
            &coop,
            "/api/v1/alliances",
            with_bytes(
                format!(r#"{{"cooperative_id":{cooperative},"name":"a"#),
                b"\0",
                r#"b"}"#,
            ),
        );
        assert_eq!(send("a raw NUL", raw).await.0, 400);
        let form = form_post(
            &app,
            &coop,
            "/fn/login",
            b"phone=139%0000000000&password=x".to_vec(),
            None,
        );
        assert_eq!(fetch("a form's %00", form).await.0, 400);
        let query = coop
            .get(app.url("/api/v1/plots?village=%00"))
            .header(ACCEPT_LANGUAGE, "en");
        let (status, body) = send("a query's %00", query).await;
        assert_eq!(status, 400);
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("NUL"))
        );
        // A percent sign followed by zeros in JSON is plain text, not a NUL.
        let admin = app.signed_in(ADMIN).await;
        let (status, _) = send(
            "a name with 100%00",
            admin
                .post(app.url("/api/v1/persons"))
                .json(&json!({ "household": HOUSEHOLD, "name": "100%00" })),
        )
        .await;
        assert_eq!(status, 201);
        let after = tianlian_storage::testing::row_count(&app.db, "persons")
            .await
            .expect("persons");
        assert_eq!(after, before + 1, "only the plain text was stored");
        app.finish().await;
    }
}

#[tokio::test]
async fn query_values_outside_what_the_api_document_states_are_refused_with_a_400() {
    for engine in engines() {
        let app = spawn_app_with(engine, |_| {}).await;
        let admin = app.signed_in(ADMIN).await;
        let long = "田".repeat(41);
        for (path, code) in [
            (format!("/api/v1/plots?q={long}"), "bad_query"),
            (format!("/api/v1/plantings?crop={long}"), "bad_query"),
            (format!("/api/v1/households?q={long}"), "bad_query"),
            (format!("/api/v1/benefit?q={long}"), "bad_query"),
            (
                format!("/api/v1/cooperatives/1?list=members&q={long}"),
                "bad_query",
            ),
            ("/api/v1/audit?cursor=-1".to_owned(), "bad_cursor"),
            ("/api/v1/leases?cursor=-5".to_owned(), "bad_cursor"),
            ("/api/v1/plots?cursor=-1".to_owned(), "bad_cursor"),
            ("/api/v1/accounts?status=AAA".to_owned(), "bad_filter"),
            ("/api/v1/accounts?role=king".to_owned(), "bad_filter"),
            ("/api/v1/households?poor=maybe".to_owned(), "bad_filter"),
            (
                "/api/v1/cooperatives/1?list=members&page=0".to_owned(),
                "bad_page",
            ),
        ] {
            let (status, body) = send(&path, admin.get(app.url(&path))).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert_eq!(body["error"]["code"], code, "{path}: {body}");
        }
        // At the limit (40 characters, not bytes) and in the enums, the same queries answer.
        let forty = "田".repeat(40);
        for path in [
            format!("/api/v1/plots?q={forty}"),
            format!("/api/v1/households?q={forty}"),
            "/api/v1/accounts?status=disabled&role=farmer".to_owned(),
            "/api/v1/households?poor=not_poor".to_owned(),
            "/api/v1/audit?cursor=0".to_owned(),
        ] {
            let (status, body) = send(&path, admin.get(app.url(&path))).await;
            assert_eq!(status, 200, "{path}: {body}");
        }
        app.finish().await;
    }
}
