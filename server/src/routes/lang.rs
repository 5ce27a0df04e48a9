//! `GET /lang?to=en&back=/my`: the language switch. Remembers the choice for a year in the
//! `lang` cookie and returns to the page it was pressed on. A plain link, so it works before
//! (and without) any JavaScript.

use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tianlian_domain::Lang;
use tianlian_domain::i18n::COOKIE;

#[derive(Debug, Deserialize)]
pub struct Switch {
    to: Option<String>,
    back: Option<String>,
}

/// Only a path on this site is a place to go back to (never `//host` or a header break).
fn safe_back(back: Option<String>) -> String {
    back.filter(|b| tianlian_domain::access::is_local_path(b))
        .unwrap_or_else(|| "/".to_owned())
}

pub async fn switch(Query(q): Query<Switch>) -> Response {
    let Some(lang) = q.to.as_deref().and_then(Lang::from_code) else {
        return (
            StatusCode::BAD_REQUEST,
            "未知的语言，请用 zh 或 en / Unknown language: use zh or en",
        )
            .into_response();
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, safe_back(q.back)),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_local_paths_are_followed_back() {
        assert_eq!(safe_back(Some("/my?m=2027-02".into())), "/my?m=2027-02");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/a\r\nSet-Cookie: x=1",
            "",
        ] {
            assert_eq!(safe_back(Some(bad.into())), "/", "{bad:?}");
        }
        assert_eq!(safe_back(None), "/");
    }
}
