//! How the stored keys of base data read on a page: the vocabulary's Chinese name in Chinese,
//! the key itself (`floating`, `key place`) in English. An unknown key is shown as stored.

use gridgov_core::base_data::{HouseUse, OrgKind, PlaceKind, ResidenceType};
use gridgov_core::ids::Gender;

use crate::i18n::Lang;

fn pick(lang: Lang, key: &str, zh: Option<&'static str>) -> String {
    match (lang, zh) {
        (Lang::Zh, Some(zh)) => zh.to_owned(),
        _ => key.replace('_', " "),
    }
}

pub fn gender(lang: Lang, key: &str) -> String {
    pick(lang, key, Gender::parse("gender", key).ok().map(Gender::zh))
}

pub fn residence(lang: Lang, key: &str) -> String {
    pick(
        lang,
        key,
        ResidenceType::parse("residence_type", key)
            .ok()
            .map(ResidenceType::zh),
    )
}

pub fn house_use(lang: Lang, key: &str) -> String {
    pick(
        lang,
        key,
        HouseUse::parse("house_use", key).ok().map(HouseUse::zh),
    )
}

pub fn org_kind(lang: Lang, key: &str) -> String {
    pick(lang, key, OrgKind::parse("kind", key).ok().map(OrgKind::zh))
}

pub fn place_kind(lang: Lang, key: &str) -> String {
    pick(
        lang,
        key,
        PlaceKind::parse("kind", key).ok().map(PlaceKind::zh),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_in_either_language() {
        assert_eq!(residence(Lang::Zh, "floating"), "流动");
        assert_eq!(residence(Lang::En, "floating"), "floating");
        assert_eq!(place_kind(Lang::En, "key_place"), "key place");
        assert_eq!(gender(Lang::Zh, "female"), "女");
        assert_eq!(house_use(Lang::Zh, "something_else"), "something else");
    }
}
