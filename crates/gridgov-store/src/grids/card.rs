//! The public grid card (公示): who serves a grid and how to reach them, shown without login at
//! the service station and behind the QR code printed on it.

use gridgov_core::grids::{Duty, GridKind};
use serde::Serialize;

use super::GRID_COLUMNS;
use crate::{Store, StoreError, StoreResult};

/// How staff phone numbers appear on public cards; each deployment chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneDisplay {
    Full,
    #[default]
    Masked,
    Hidden,
}

impl PhoneDisplay {
    /// The same choice as a region's setting (core's vocabulary).
    pub fn from_shown(p: gridgov_core::settings::PhoneShown) -> PhoneDisplay {
        use gridgov_core::settings::PhoneShown as S;
        match p {
            S::Full => PhoneDisplay::Full,
            S::Masked => PhoneDisplay::Masked,
            S::Hidden => PhoneDisplay::Hidden,
        }
    }

    pub fn to_shown(self) -> gridgov_core::settings::PhoneShown {
        use gridgov_core::settings::PhoneShown as S;
        match self {
            PhoneDisplay::Full => S::Full,
            PhoneDisplay::Masked => S::Masked,
            PhoneDisplay::Hidden => S::Hidden,
        }
    }

    pub fn parse(s: &str) -> Option<PhoneDisplay> {
        match s.trim() {
            "full" => Some(PhoneDisplay::Full),
            "masked" => Some(PhoneDisplay::Masked),
            "hidden" => Some(PhoneDisplay::Hidden),
            _ => None,
        }
    }

    /// The number as the card shows it: masked keeps the first three and last four digits of a
    /// mobile, the area code and last four of a landline.
    pub fn show(self, phone: &str) -> String {
        let phone = phone.trim();
        match self {
            PhoneDisplay::Full => phone.to_owned(),
            PhoneDisplay::Hidden => String::new(),
            // The mask of core's phone type; what does not parse as a phone shows nothing of
            // itself.
            PhoneDisplay::Masked => gridgov_core::ids::Phone::parse("phone", phone)
                .map(|p| p.masked())
                .unwrap_or_else(|_| "*".repeat(phone.chars().count())),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CardPerson {
    pub name: String,
    pub duty_zh: String,
    pub duty_en: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridCard {
    pub region_code: String,
    pub code: String,
    pub name: String,
    pub kind_zh: String,
    pub kind_en: String,
    /// Region names from the county down to the village.
    pub regions: Vec<String>,
    pub party_branch: String,
    pub station_address: String,
    pub staff: Vec<CardPerson>,
    pub police: Option<CardPerson>,
}

impl Store {
    /// The card of a current grid, by its village and code. Public: it shows only what a
    /// deployment posts on the station's wall, so it takes no actor. `phones` is the
    /// deployment's display; a region above the grid may set its own (`card_phones`).
    pub async fn grid_card(
        &self,
        region_code: &str,
        code: &str,
        phones: PhoneDisplay,
    ) -> StoreResult<GridCard> {
        let g = sqlx::query_as::<_, super::Grid>(&format!(
            "SELECT {GRID_COLUMNS} FROM grids g WHERE g.region_code = $1 AND g.code = $2 \
             AND g.valid_to IS NULL"
        ))
        .bind(region_code)
        .bind(code.to_ascii_uppercase())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let phones =
            PhoneDisplay::from_shown(self.card_phones_at(&g.path, phones.to_shown()).await?);
        let mut staff = self.staff_of(&g.id).await?;
        staff.sort_by_key(|s| {
            Duty::ALL
                .iter()
                .position(|d| d.as_str() == s.duty)
                .unwrap_or(usize::MAX)
        });
        let staff = staff
            .into_iter()
            .map(|s| {
                let duty = s.duty();
                CardPerson {
                    name: s.display_name,
                    duty_zh: duty.map_or(String::new(), |d| d.zh().to_owned()),
                    duty_en: duty.map_or(String::new(), |d| d.en().to_owned()),
                    phone: phones.show(&s.phone),
                }
            })
            .collect();
        let police = match &g.police_user_id {
            None => None,
            Some(id) => sqlx::query_as::<_, (String, String)>(
                "SELECT display_name, phone FROM users WHERE id = $1 AND disabled = 0",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|(name, phone)| CardPerson {
                name,
                duty_zh: "社区民警".into(),
                duty_en: "community police officer".into(),
                phone: phones.show(&phone),
            }),
        };
        // County, township and village: the segments of the path after the city.
        let codes: Vec<&str> = g.path.split('/').filter(|s| !s.is_empty()).collect();
        let wanted: Vec<&str> = codes.iter().skip(2).take(3).copied().collect();
        let sql = format!(
            "SELECT code, name FROM regions WHERE code IN ({}) ORDER BY level",
            crate::db::numbered_params(1, wanted.len().max(1))
        );
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        if wanted.is_empty() {
            q = q.bind("");
        }
        for c in &wanted {
            q = q.bind(*c);
        }
        let regions = q
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| r.1)
            .collect();
        let kind: GridKind = g.kind();
        Ok(GridCard {
            region_code: g.region_code,
            code: g.code,
            name: g.name,
            kind_zh: kind.zh(),
            kind_en: kind.en(),
            regions,
            party_branch: g.party_branch,
            station_address: g.station_address,
            staff,
            police,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::PhoneDisplay;

    #[test]
    fn phones_show_as_configured() {
        assert_eq!(PhoneDisplay::Masked.show("13812345678"), "138****5678");
        assert_eq!(PhoneDisplay::Full.show("13812345678"), "13812345678");
        assert_eq!(PhoneDisplay::Hidden.show("13812345678"), "");
        assert_eq!(PhoneDisplay::Masked.show("12345"), "*****");
    }
}
