//! Putting a township on Tianlian: households imported in bulk (dry run, all or nothing,
//! one-time passwords that must be changed), households and people from the API, accounts
//! disabled with their sessions ending at once. Both engines.

use crate::helpers::{ADMIN, AGRONOMIST, COOPERATIVE, FARMER, browser, send, spawn_app};
use serde_json::{Value, json};
use tianlian_storage::testing::engines;

/// A registry export of `n` households in 团结村 (飞虹乡), two people each, every household
/// with a farmer account; phones 1870000xxxx for heads and 1860000xxxx for their spouses.
fn registry(n: usize) -> String {
    let mut csv = String::from(
        "乡镇,村,户编号,户主,姓名,手机号,能否务工,贫困户,识别年度,脱贫年度,开通账号\n",
    );
    for i in 0..n {
        let poor = if i % 3 == 0 { "是,2016," } else { "否,," };
        csv.push_str(&format!(
            "飞虹乡,团结村,TJ-{i:04},户主{i},户主{i},1870000{i:04},是,{poor},是\n"
        ));
        csv.push_str(&format!(
            "飞虹乡,团结村,TJ-{i:04},户主{i},配偶{i},1860000{i:04},否,,,,\n"
        ));
    }
    csv
}

async fn import(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    csv: &str,
    dry_run: bool,
) -> (u16, Value) {
    send(
        client
            .post(app.url(&format!("/api/v1/import/households?dry_run={dry_run}")))
            .header("content-type", "text/csv")
            .body(csv.to_owned()),
    )
    .await
}

#[tokio::test]
async fn a_registry_export_is_checked_then_stored_whole_with_one_time_passwords() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;

        // A bad file: every bad line with its number and reason, nothing stored.
        let bad = format!(
            "{}飞虹乡,无名村,TJ-9000,甲,甲,18800000001,是,,,,是\n\
             飞虹乡,团结村,TJ-9001,乙,乙,1880000000,是,,,,否\n\
             飞虹乡,团结村,TJ-9002,丙,丙,18700000000,是,,,,否\n\
             飞虹乡,团结村,demo-0-0-001,丁,丁,,是,,,,否\n",
            registry(2)
        );
        let (status, body) = import(&app, &agro, &bad, true).await;
        assert_eq!(status, 422, "{body}");
        let lines: Vec<(i64, String)> = body["error"]["fields"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|f| {
                (
                    f["line"].as_i64().expect("line"),
                    f["code"].as_str().expect("code").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                (6, "unknown_village".to_owned()),
                (7, "bad_phone".to_owned()),
                (8, "duplicate_phone".to_owned()),
                (9, "code_taken".to_owned()),
            ],
            "{body}"
        );
        let (status, body) = import(&app, &agro, &bad, false).await;
        assert_eq!(status, 422, "{body}");
        let (_, listed) = send(agro.get(app.url("/api/v1/households?q=TJ-"))).await;
        assert_eq!(listed["total"], 0, "a refused import stores nothing");

        // A clean file: the dry run stores nothing, the import stores every household,
        // person and account, and answers each account's one-time password once.
        let csv = registry(6);
        let (status, body) = import(&app, &agro, &csv, true).await;
        assert_eq!((status, body["rows_ok"].as_i64()), (200, Some(6)), "{body}");
        assert!(body.get("slips").is_none());
        let (status, body) = import(&app, &agro, &csv, false).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["stored"], 6);
        let slips = body["slips"].as_array().expect("slips").clone();
        assert_eq!(slips.len(), 6);
        assert_eq!(slips[0]["household_code"], "TJ-0000");
        assert_eq!(slips[0]["village"], "团结村");
        assert_eq!(slips[0]["phone"], "18700000000");
        let (_, listed) = send(agro.get(app.url("/api/v1/households?q=TJ-&limit=4"))).await;
        assert_eq!(listed["total"], 6);
        assert_eq!(listed["households"].as_array().expect("page").len(), 4);
        let first = &listed["households"][0];
        assert_eq!(
            (first["persons"].as_i64(), first["poor"].as_str()),
            (Some(2), Some("poor"))
        );
        let cursor = listed["next_cursor"].as_i64().expect("a next page");
        let (_, rest) =
            send(agro.get(app.url(&format!("/api/v1/households?q=TJ-&limit=4&cursor={cursor}"))))
                .await;
        assert_eq!(rest["households"].as_array().expect("page").len(), 2);
        assert_eq!(rest["next_cursor"], Value::Null);

        // The same file again: every code is taken now, nothing more stored.
        let (status, body) = import(&app, &agro, &csv, false).await;
        assert_eq!(status, 422, "{body}");

        // The password is stored hashed only.
        let stored = tianlian_storage::accounts::by_phone(&app.db, "18700000000")
            .await
            .expect("db")
            .expect("the new account");
        assert!(stored.caller.must_change_password);
        let password = slips[0]["one_time_password"].as_str().expect("password");
        let hash = &stored.password_hash.0;
        assert!(hash.starts_with("$argon2id$") && !hash.contains(password));

        // A farmer signs in with the slip, must change the password, then reaches their own.
        let farmer = browser(&app.address);
        let (status, _) = send(
            farmer
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({ "phone": "18700000000", "password": password })),
        )
        .await;
        assert_eq!(status, 200);
        let (status, body) = send(farmer.get(app.url("/api/v1/me/calendar"))).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "password_change_required", "{body}");
        let (status, body) = send(
            farmer
                .post(app.url("/api/v1/me/password"))
                .json(&json!({ "current": password, "new": "my-own-2026" })),
        )
        .await;
        assert_eq!(status, 204, "{body}");
        let (status, _) = send(farmer.get(app.url("/api/v1/me/calendar"))).await;
        assert_eq!(status, 200);
        app.finish().await;
    }
}

#[tokio::test]
async fn disabling_an_account_ends_its_open_session_and_tokens_at_once() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let farmer = app.signed_in(FARMER).await;
        let (_, me) = send(farmer.get(app.url("/api/v1/me"))).await;
        let id = me["account_id"].as_i64().expect("account id");
        let (_, token) = app.issue_token(&admin, id, "phone app").await;
        let bearer = reqwest::Client::new();
        let with_token = || bearer.get(app.url("/api/v1/me")).bearer_auth(&token);
        assert_eq!(send(with_token()).await.0, 200);

        let (status, _) =
            send(admin.post(app.url(&format!("/api/v1/accounts/{id}/disable")))).await;
        assert_eq!(status, 204);
        assert_eq!(
            send(farmer.get(app.url("/api/v1/me"))).await.0,
            401,
            "the open session ended"
        );
        assert_eq!(send(with_token()).await.0, 401, "the token is revoked");
        let again = browser(&app.address);
        let (status, body) = send(
            again
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({ "phone": FARMER.0, "password": FARMER.1 })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("disabled")),
            "{body}"
        );
        let (_, listed) = send(admin.get(app.url("/api/v1/accounts?status=disabled"))).await;
        assert_eq!(listed["total"], 1, "{listed}");
        assert_eq!(listed["accounts"][0]["id"], id);
        let (_, one) = send(admin.get(app.url(&format!("/api/v1/accounts/{id}")))).await;
        assert_eq!(one["trail"][0]["action"], "disable", "{one}");

        // An admin may not lock themselves out.
        let (_, me) = send(admin.get(app.url("/api/v1/me"))).await;
        let own = me["account_id"].as_i64().expect("id");
        let (status, _) =
            send(admin.post(app.url(&format!("/api/v1/accounts/{own}/disable")))).await;
        assert_eq!(status, 422);

        // Enabled again, the farmer signs in anew; a one-time reset must be changed first.
        let (status, _) = send(admin.post(app.url(&format!("/api/v1/accounts/{id}/enable")))).await;
        assert_eq!(status, 204);
        assert_eq!(
            send(
                again
                    .post(app.url("/api/v1/auth/login"))
                    .json(&json!({ "phone": FARMER.0, "password": FARMER.1 }),)
            )
            .await
            .0,
            200
        );
        let (status, body) =
            send(admin.post(app.url(&format!("/api/v1/accounts/{id}/one-time-password")))).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(
            send(again.get(app.url("/api/v1/me/calendar"))).await.0,
            401,
            "reset ends sessions"
        );
        let password = body["slip"]["one_time_password"]
            .as_str()
            .expect("password");
        assert_eq!(
            send(
                again
                    .post(app.url("/api/v1/auth/login"))
                    .json(&json!({ "phone": FARMER.0, "password": password }),)
            )
            .await
            .0,
            200
        );
        let (status, _) = send(again.get(app.url("/api/v1/me/calendar"))).await;
        assert_eq!(status, 403, "must change the one-time password first");
        app.finish().await;
    }
}

#[tokio::test]
async fn agronomists_manage_their_townships_households_and_cooperatives_only_look() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let tuanjie = app.village_id("团结村").await;
        let shiyang = app.village_id("石羊村").await;

        let household = |village: i64, code: &str, phone: &str| {
            json!({ "village_id": village, "code": code, "head_name": "王新", "phone": phone,
                    "poor": "poor", "poor_since": 2015 })
        };
        let (status, body) = send(agro.post(app.url("/api/v1/households")).json(&household(
            tuanjie,
            "TJ-NEW",
            "18811110000",
        )))
        .await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_i64().expect("id");
        // Another township's village, a taken code, a taken phone, a bad year.
        let (status, _) = send(
            agro.post(app.url("/api/v1/households"))
                .json(&household(shiyang, "SY-NEW", "")),
        )
        .await;
        assert_eq!(status, 403);
        let (status, body) = send(
            agro.post(app.url("/api/v1/households"))
                .json(&household(tuanjie, "TJ-NEW", "")),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("code_taken"))
        );
        let (status, body) = send(agro.post(app.url("/api/v1/households")).json(&household(
            tuanjie,
            "TJ-NEW2",
            "18811110000",
        )))
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("phone_taken"))
        );
        let (status, body) = send(agro.patch(app.url(&format!("/api/v1/households/{id}"))).json(
            &json!({ "code": "TJ-NEW", "head_name": "王新", "poor": "lifted", "poor_since": 2015, "poor_lifted": 2012 }),
        ))
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("bad_lifted_year"))
        );
        let (status, _) = send(agro.patch(app.url(&format!("/api/v1/households/{id}"))).json(
            &json!({ "code": "TJ-NEW", "head_name": "王新", "phone": "18811110000", "poor": "lifted",
                     "poor_since": 2015, "poor_lifted": 2020 }),
        ))
        .await;
        assert_eq!(status, 204);

        // People: one phone, one person.
        let (status, body) = send(
            agro.post(app.url(&format!("/api/v1/households/{id}/persons")))
                .json(&json!({ "name": "李芳", "phone": "18811110001" })),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let person = body["id"].as_i64().expect("person");
        let (status, _) = send(
            agro.post(app.url(&format!("/api/v1/households/{id}/persons")))
                .json(&json!({ "name": "李芳二", "phone": "18811110001" })),
        )
        .await;
        assert_eq!(status, 409);
        let (status, _) = send(
            agro.patch(app.url(&format!("/api/v1/households/{id}/persons/{person}")))
                .json(&json!({ "name": "李芳", "phone": "18811110001", "able_to_work": false })),
        )
        .await;
        assert_eq!(status, 204);
        let (_, shown) = send(agro.get(app.url(&format!("/api/v1/households/{id}")))).await;
        assert_eq!(shown["household"]["poor"], "lifted");
        assert_eq!(shown["persons"].as_array().expect("people").len(), 2);
        assert_eq!(shown["persons"][1]["able_to_work"], false);

        // A farmer account with a one-time password; a second is refused.
        let (status, body) =
            send(agro.post(app.url(&format!("/api/v1/households/{id}/account")))).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["slip"]["phone"], "18811110000");
        let (status, _) =
            send(agro.post(app.url(&format!("/api/v1/households/{id}/account")))).await;
        assert_eq!(status, 409);

        // The cooperative sees its alliance's households, not this new one, and changes none.
        let (status, listed) = send(coop.get(app.url("/api/v1/households"))).await;
        assert_eq!(status, 200);
        let total = listed["total"].as_i64().expect("total");
        assert!(total > 0, "{listed}");
        assert_eq!(
            send(coop.get(app.url(&format!("/api/v1/households/{id}"))))
                .await
                .0,
            404
        );
        let theirs = listed["households"][0]["id"]
            .as_i64()
            .expect("one of theirs");
        let (status, shown) =
            send(coop.get(app.url(&format!("/api/v1/households/{theirs}")))).await;
        assert_eq!((status, shown["may_edit"].as_bool()), (200, Some(false)));
        let (status, _) = send(
            coop.post(app.url(&format!("/api/v1/households/{theirs}/persons")))
                .json(&json!({ "name": "外人" })),
        )
        .await;
        assert_eq!(status, 403);
        // 飞虹乡's agronomist does not see 回澜镇's household at all.
        assert_eq!(
            send(agro.get(app.url(&format!("/api/v1/households/{theirs}"))))
                .await
                .0,
            404
        );
        app.finish().await;
    }
}

/// A multipart form body with a `kind` field and a `file`, as a browser sends it.
pub fn multipart(kind: &str, name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----tianlian-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The registry as an Excel workbook, phones and years stored as numbers as registries do.
fn registry_xlsx(n: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in [
        "村",
        "户编号",
        "户主",
        "姓名",
        "手机号",
        "贫困户",
        "识别年度",
        "开通账号",
    ]
    .iter()
    .enumerate()
    {
        sheet
            .write_string(0, u16::try_from(c).expect("col"), *h)
            .expect("cell");
    }
    for i in 0..n {
        let r = u32::try_from(i + 1).expect("row");
        sheet.write_string(r, 0, "和平村").expect("cell");
        sheet
            .write_string(r, 1, format!("HP-{i:03}"))
            .expect("cell");
        sheet.write_string(r, 2, format!("户主{i}")).expect("cell");
        sheet.write_string(r, 3, format!("户主{i}")).expect("cell");
        sheet
            .write_number(r, 4, 18_500_000_000.0 + f64::from(r))
            .expect("cell");
        sheet.write_string(r, 5, "是").expect("cell");
        sheet.write_number(r, 6, 2017.0).expect("cell");
        sheet.write_string(r, 7, "是").expect("cell");
    }
    book.save_to_buffer().expect("xlsx")
}

#[tokio::test]
async fn a_township_uploads_its_workbook_and_prints_the_slips_from_the_pages() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let origin = app.url("/import");

        // The workbook goes up as a browser sends a file: checked, nothing stored yet.
        let (content_type, body) = multipart("households", "registry.xlsx", &registry_xlsx(3));
        let res = agro
            .post(app.url("/import/upload"))
            .header("content-type", content_type)
            .header("origin", app.url(""))
            .header("referer", &origin)
            .body(body)
            .send()
            .await
            .expect("upload");
        assert_eq!(res.status().as_u16(), 303, "{:?}", res.text().await);
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let run: i64 = to
            .trim_start_matches("/import?run=")
            .parse()
            .expect("run id");
        let (status, page) = app.get_text_as(&agro, &to).await;
        assert_eq!(status, 200);
        assert!(page.contains("检查通过：3 户可以导入"), "{page}");
        assert!(page.contains(&format!("action=\"/import/{run}/slips\"")));
        let (_, listed) = send(agro.get(app.url("/api/v1/households?q=HP-"))).await;
        assert_eq!(listed["total"], 0);

        // Confirming answers with the slip sheet, not stored and not cached.
        let res = app
            .post_form_as(&agro, &format!("/import/{run}/slips"), &[])
            .await;
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let sheet = res.text().await.expect("sheet");
        assert_eq!(sheet.matches("class=\"slip\"").count(), 3, "{sheet}");
        assert!(sheet.contains("18500000001") && sheet.contains("<symbol id=\"qr\""));
        assert!(sheet.contains("已导入 3 户，开通 3 个农户账号"));
        let (_, listed) = send(agro.get(app.url("/api/v1/households?q=HP-"))).await;
        assert_eq!(listed["total"], 3);
        assert_eq!(listed["households"][0]["poor_since"], 2017);

        // The same run again stores nothing more: the codes are taken now.
        let res = app
            .post_form_as(&agro, &format!("/import/{run}/slips"), &[])
            .await;
        assert_eq!(res.status().as_u16(), 303);
        let (_, listed) = send(agro.get(app.url("/api/v1/households?q=HP-"))).await;
        assert_eq!(listed["total"], 3);

        // A cooperative cannot confirm someone else's run, nor give accounts.
        let coop = app.signed_in(COOPERATIVE).await;
        let res = app
            .post_form_as(&coop, &format!("/import/{run}/slips"), &[])
            .await;
        assert_eq!(res.headers()["location"], "/import?missing=1");
        let household = listed["households"][0]["id"].as_i64().expect("id");
        let res = app
            .post_form_as(&coop, &format!("/households/{household}/slip"), &[])
            .await;
        assert_eq!(res.status().as_u16(), 303);
        assert!(
            res.headers()["location"]
                .to_str()
                .expect("location")
                .contains("error="),
            "{:?}",
            res.headers()
        );

        // Pages: the agronomist's households list and page, the admin's accounts.
        let (status, page) = app.get_text_as(&agro, "/households?q=HP-").await;
        assert_eq!(status, 200);
        assert!(
            page.contains("共 3 户") && page.contains("HP-000"),
            "{page}"
        );
        let (status, page) = app
            .get_text_as(&agro, &format!("/households/{household}"))
            .await;
        assert_eq!(status, 200);
        assert!(page.contains("已开通农户账号"), "{page}");
        let admin = app.signed_in(ADMIN).await;
        let (status, page) = app.get_text_as(&admin, "/accounts?q=1850000").await;
        assert_eq!(status, 200);
        assert!(page.contains("共 3 个账号"), "{page}");
        let (status, _) = app.get_text_as(&agro, "/accounts").await;
        assert_eq!(status, 200, "the page answers, with a refusal");
        app.finish().await;
    }
}
