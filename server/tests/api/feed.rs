//! The household's private calendar feed: it parses in an independent iCalendar reader (the
//! `ical` crate, not the writer we use), carries harvest windows, shifts and lease payment
//! dates with stable UIDs, and stops working when revoked or regenerated.

use crate::helpers::{COOPERATIVE, FARMER, spawn_app};
use serde_json::{Value, json};
use tianlian_storage::testing::engines;

fn parse(text: &str) -> Vec<ical::parser::ical::component::IcalEvent> {
    let mut reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = reader.next().expect("a calendar").expect("parses");
    assert!(reader.next().is_none(), "one calendar");
    calendar.events
}

fn prop(e: &ical::parser::ical::component::IcalEvent, name: &str) -> String {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_households_feed_parses_keeps_its_uids_and_dies_when_revoked() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // The 石羊村 worker household: a leased plot, and a shift booked through the API.
        let worker = app.signed_in(("13900000004", "demo-work-2026")).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let xinyuan = app.xinyuan().await;
        let res = coop.post(app.url("/api/v1/shifts")).json(&json!({ "cooperative_id": xinyuan, "date": "2026-12-20", "task": "harvest", "headcount": 5, "hours": 8 })).send().await.expect("shift");
        let shift = res.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        let res = coop
            .post(app.url(&format!("/api/v1/shifts/{shift}/assignments")))
            .json(&json!({ "household": "demo-1-0-014" }))
            .send()
            .await
            .expect("assign");
        assert_eq!(res.status().as_u16(), 201);

        let made: Value = worker
            .post(app.url("/api/v1/me/calendar"))
            .send()
            .await
            .expect("feed")
            .json()
            .await
            .expect("json");
        let path = made["path"].as_str().expect("path").to_owned();
        assert!(path.starts_with("/calendar/cal_") && path.ends_with(".ics"));
        // No sign-in needed: a calendar app fetches it with a plain client.
        let plain = reqwest::Client::new();
        let res = plain.get(app.url(&path)).send().await.expect("ics");
        assert_eq!(res.status().as_u16(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/calendar")
        );
        let text = res.text().await.expect("body");
        let events = parse(&text);
        let summaries: Vec<String> = events.iter().map(|e| prop(e, "SUMMARY")).collect();
        assert!(
            summaries.iter().any(|s| s.contains("预计采收")),
            "harvest window: {summaries:?}"
        );
        assert!(
            summaries.iter().any(|s| s.contains("上工")),
            "the shift: {summaries:?}"
        );
        assert!(
            summaries.iter().any(|s| s.contains("流转费")),
            "lease payments: {summaries:?}"
        );
        let shift_event = events
            .iter()
            .find(|e| prop(e, "SUMMARY").contains("上工"))
            .expect("shift");
        assert_eq!(prop(shift_event, "DTSTART"), "20261220");
        assert_eq!(
            prop(shift_event, "DTEND"),
            "20261221",
            "an all-day event ends the next day"
        );
        for e in &events {
            assert!(!prop(e, "UID").is_empty() && !prop(e, "DTSTAMP").is_empty());
        }
        // Fetched again: the same UIDs, so subscribers update rather than duplicate.
        let again = parse(
            &plain
                .get(app.url(&path))
                .send()
                .await
                .expect("ics")
                .text()
                .await
                .expect("body"),
        );
        let uids = |es: &[ical::parser::ical::component::IcalEvent]| {
            let mut u: Vec<String> = es.iter().map(|e| prop(e, "UID")).collect();
            u.sort();
            u
        };
        assert_eq!(uids(&events), uids(&again));
        assert_eq!(
            uids(&events).windows(2).filter(|w| w[0] == w[1]).count(),
            0,
            "UIDs are unique"
        );

        // Another household's feed does not show this one's shift.
        let farmer = app.signed_in(FARMER).await;
        let other: Value = farmer
            .post(app.url("/api/v1/me/calendar"))
            .send()
            .await
            .expect("feed")
            .json()
            .await
            .expect("json");
        let theirs = plain
            .get(app.url(other["path"].as_str().expect("path")))
            .send()
            .await
            .expect("ics")
            .text()
            .await
            .expect("body");
        // (That household has its own demo shift, transplanting in two days.)
        let their_shifts: Vec<String> = parse(&theirs)
            .iter()
            .filter(|e| prop(e, "SUMMARY").contains("上工"))
            .map(|e| prop(e, "SUMMARY"))
            .collect();
        assert!(
            their_shifts.iter().all(|s| s.contains("移栽")),
            "{their_shifts:?}"
        );
        assert_eq!(their_shifts.len(), 1);

        // Regenerated: the old address is gone; revoked: the new one too.
        let renewed: Value = worker
            .post(app.url("/api/v1/me/calendar"))
            .send()
            .await
            .expect("feed")
            .json()
            .await
            .expect("json");
        assert_eq!(
            plain
                .get(app.url(&path))
                .send()
                .await
                .expect("ics")
                .status()
                .as_u16(),
            404
        );
        let new_path = renewed["path"].as_str().expect("path").to_owned();
        assert_eq!(
            plain
                .get(app.url(&new_path))
                .send()
                .await
                .expect("ics")
                .status()
                .as_u16(),
            200
        );
        assert_eq!(
            worker
                .delete(app.url("/api/v1/me/calendar"))
                .send()
                .await
                .expect("revoke")
                .status()
                .as_u16(),
            204
        );
        assert_eq!(
            plain
                .get(app.url(&new_path))
                .send()
                .await
                .expect("ics")
                .status()
                .as_u16(),
            404
        );
        assert_eq!(
            plain
                .get(app.url("/calendar/nonsense.ics"))
                .send()
                .await
                .expect("ics")
                .status()
                .as_u16(),
            404
        );
        app.finish().await;
    }
}
