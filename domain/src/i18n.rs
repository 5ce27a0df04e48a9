//! The user's language. Simplified Chinese first, English second; every message the product
//! shows has both, chosen by this enum.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Reads an `Accept-Language` header or a `lang` value: English only when asked for first.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if first.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The value of the `lang` cookie and of `<html lang>`'s first part: `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// `zh`/`en` (as the switch sends it), `None` for anything else.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim() {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The reader's language for pages: the remembered choice (the `lang` cookie), else the
    /// browser's first language, else Chinese.
    pub fn for_request(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie_header
            .into_iter()
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .and_then(|(_, value)| Lang::from_code(value))
            .unwrap_or_else(|| accept_language.map_or(Lang::Zh, Lang::from_accept_language))
    }
}

/// The cookie that remembers the reader's language choice.
pub const COOKIE: &str = "lang";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_unless_english_comes_first() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }

    #[test]
    fn the_remembered_choice_wins_over_the_browser() {
        let en_browser = Some("en-US,en;q=0.9");
        assert_eq!(
            Lang::for_request(Some("a=1; lang=zh; b=2"), en_browser),
            Lang::Zh
        );
        assert_eq!(Lang::for_request(Some("lang=en"), Some("zh-CN")), Lang::En);
        assert_eq!(Lang::for_request(Some("xlang=en; lang=fr"), None), Lang::Zh);
        assert_eq!(Lang::for_request(None, en_browser), Lang::En);
        assert_eq!(Lang::for_request(None, None), Lang::Zh);
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
    }
}
