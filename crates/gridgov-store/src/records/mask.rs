//! Opening a sealed ID number or phone only to mask it: the one way person fields leave the
//! store for display, so no view can carry a full value by accident.

use gridgov_core::ids::{IdCardNo, Phone};

use crate::StoreResult;
use crate::protect::{FieldKind, Protector};

/// The masked form of a sealed ID number (`420202********123X`).
pub(crate) fn id_card(p: &Protector, sealed: &str) -> StoreResult<String> {
    let plain = p.open(FieldKind::IdCardNo, sealed)?;
    Ok(match IdCardNo::parse("id_card_no", &plain) {
        Ok(id) => id.masked(),
        // Stored values were checked on the way in; should one not parse (a rule tightened
        // since), hide all but its ends rather than fail the whole page.
        Err(_) => hide_middle(&plain),
    })
}

/// The masked form of a sealed phone (`138****5678`), or none when no phone is recorded.
pub(crate) fn phone(p: &Protector, sealed: Option<&str>) -> StoreResult<Option<String>> {
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let plain = p.open(FieldKind::Phone, sealed)?;
    Ok(Some(match Phone::parse("phone", &plain) {
        Ok(ph) => ph.masked(),
        Err(_) => hide_middle(&plain),
    }))
}

/// Keeps the first three and last two characters of a value that no longer parses.
fn hide_middle(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 5 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unparsable_values_keep_only_their_ends() {
        assert_eq!(hide_middle("1234567"), "123**67");
        assert_eq!(hide_middle("12345"), "*****");
    }
}
