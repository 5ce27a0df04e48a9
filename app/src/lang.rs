//! The reader's language on pages: Simplified Chinese first, English when chosen. The choice is
//! remembered in the `lang` cookie (set by `GET /lang?to=en&back=…`, a plain link that works
//! without JavaScript); the server reads it per request and writes it into `<html lang>`, where
//! the browser side reads it back, so both render the same words.

use leptos::prelude::*;
use tianlian_domain::Lang;
use tianlian_domain::access::Role;

/// The language of this request (server) or of the loaded page (browser).
pub fn detect() -> Lang {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>();
        let header = |name: http::header::HeaderName| {
            parts
                .as_ref()
                .and_then(|p| p.headers.get(name))
                .and_then(|v| v.to_str().ok())
        };
        Lang::for_request(
            header(http::header::COOKIE),
            header(http::header::ACCEPT_LANGUAGE),
        )
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .map_or(Lang::Zh, |l| {
                if l.starts_with("en") {
                    Lang::En
                } else {
                    Lang::Zh
                }
            })
    }
}

/// Called once at the app's root; pages read it with [`use_lang`].
pub fn provide() {
    provide_context(detect());
}

pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The `<html lang>` value.
pub fn html_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// Where each role starts after signing in without a page to return to.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Farmer => "/my",
        Role::Cooperative => "/coop",
        Role::Admin | Role::Agronomist => "/plots",
    }
}

/// The link that switches to the other language and comes back to `back`.
pub fn switch_href(to: Lang, back: &str) -> String {
    let mut encoded = String::with_capacity(back.len());
    for byte in back.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("/lang?to={}&back={encoded}", to.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_link_carries_the_page_back_encoded() {
        assert_eq!(
            switch_href(Lang::En, "/my?m=2027-02&x=a b"),
            "/lang?to=en&back=/my%3Fm%3D2027-02%26x%3Da%20b"
        );
        assert_eq!(home_of(Role::Farmer), "/my");
    }
}
