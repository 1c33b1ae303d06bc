//! What makes an earlier incident a likely duplicate of a report being written: the same or a
//! sibling category, the same grid or within [`NEAR_M`], reported within [`WINDOW_MS`], and
//! alike in words ([`Words::similarity`]). The store finds the candidates; these rules judge
//! them.

use super::words::Words;

/// How far back duplicates are looked for. Duplicates come in bursts right after the matter
/// shows (a burst pipe is reported by five neighbours the same afternoon, a blocked lane by
/// everyone who walks it that week); a matter older than a month and still open is one the
/// center already knows by name, and reports about it are follow-ups rather than duplicates.
pub const WINDOW_MS: i64 = 30 * 86_400_000;

/// How near another report must lie to count as the same place, when it lies in another grid
/// (a street is often the border between two grids): about a city block.
pub const NEAR_M: f64 = 200.0;

/// Below this similarity two texts are about different matters: they share a place word or
/// two, not the matter.
pub const MIN_SCORE: f64 = 0.15;

/// Suggestions given when the caller does not say, and the most they may ask for.
pub const SUGGESTIONS_DEFAULT: usize = 5;
pub const SUGGESTIONS_MAX: usize = 20;

/// The most candidates scored per suggestion, newest first: a bound on the work one keystroke
/// of a report form can cause, however busy the place.
pub const CANDIDATES_MAX: i64 = 200;

/// How much of a candidate's description is compared. The matter is told in the first lines;
/// the rest is detail that costs segmentation time and adds noise.
pub const DESCRIPTION_CHARS: i64 = 200;

/// The categories a duplicate may be filed under, as a range of codes `[lo, hi)`: the draft's
/// parent and everything under it, so the draft's siblings and their children. A top-level
/// category has no parent; its family is itself and what lies under it. Codes are two digits a
/// level, a child's beginning with its parent's (`06` → `0601` → `060101`).
pub fn category_family(code: &str) -> (String, String) {
    let parent = if code.len() > 2 {
        &code[..code.len() - 2]
    } else {
        code
    };
    // '~' sorts after every digit, so the range holds every code beginning with `parent`.
    (parent.to_owned(), format!("{parent}~"))
}

/// Whether `candidate` lies in the family of `draft` ([`category_family`]).
pub fn in_family(draft: &str, candidate: &str) -> bool {
    let (lo, hi) = category_family(draft);
    candidate >= lo.as_str() && candidate < hi.as_str()
}

/// The degrees of latitude and longitude that [`NEAR_M`] spans at a latitude: the box a
/// candidate must lie in before its exact distance is worked out.
pub fn near_box(lat: f64) -> (f64, f64) {
    const M_PER_DEG_LAT: f64 = 111_320.0;
    let dlat = NEAR_M / M_PER_DEG_LAT;
    // Widened by 1 % so rounding never leaves out a point right at the edge; the exact distance
    // decides afterwards.
    let cos = lat.to_radians().cos().max(0.01);
    (dlat * 1.01, dlat / cos * 1.01)
}

/// Latitude bands of [`BAND_PER_DEG`]: an index keyed on `round(lat * BAND_PER_DEG)` finds the
/// points of a small box with one short range on longitude per band.
pub const BAND_PER_DEG: f64 = 500.0;

/// The bands that can hold a latitude between `lo` and `hi`, whichever way the database rounds
/// halves: every integer from `floor` to `ceil`. [`BANDS`] slots, the last repeated when fewer
/// are needed, so the query's parameters do not depend on the place.
pub fn bands(lo: f64, hi: f64) -> [f64; BANDS] {
    let (first, last) = ((lo * BAND_PER_DEG).floor(), (hi * BAND_PER_DEG).ceil());
    std::array::from_fn(|i| (first + i as f64).min(last))
}

/// How many bands a box of [`near_box`] can touch: its height is 2 × 200 m ≈ 0.0036°, 1.8 bands,
/// which floor and ceil widen to at most 4.
pub const BANDS: usize = 4;

/// One earlier incident as the rules judge it.
#[derive(Debug, Clone, PartialEq)]
pub struct Likeness {
    /// [`Words::similarity`] of the two texts.
    pub score: f64,
    /// The content words both texts use, heaviest first.
    pub shared_words: Vec<String>,
}

/// Judges a candidate the store found in place, time and category: alike enough in words, or
/// not a duplicate.
pub fn likeness(draft: &Words, candidate: &Words) -> Option<Likeness> {
    let (score, shared_words) = draft.similarity(candidate);
    (score >= MIN_SCORE).then_some(Likeness {
        score,
        shared_words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_is_the_parent_and_everything_under_it() {
        assert_eq!(category_family("0601"), ("06".into(), "06~".into()));
        assert_eq!(category_family("060102"), ("0601".into(), "0601~".into()));
        assert_eq!(category_family("06"), ("06".into(), "06~".into()));
        for (draft, candidate, same) in [
            ("0601", "0601", true),
            ("0601", "0602", true),
            ("0601", "06", true),
            ("0601", "060201", true),
            ("0601", "0701", false),
            ("0601", "01", false),
            ("06", "0603", true),
            ("06", "07", false),
            ("060102", "060103", true),
            ("060102", "0602", false),
        ] {
            assert_eq!(in_family(draft, candidate), same, "{draft} {candidate}");
        }
    }

    #[test]
    fn the_near_box_holds_every_point_within_200_m() {
        for lat in [0.0, 30.2, 45.0, 53.0] {
            let (dlat, dlng) = near_box(lat);
            // 200 m north and 200 m east, by the haversine formula's local scale.
            let m_per_deg_lng = 111_320.0 * f64::cos(lat.to_radians());
            assert!(dlat * 111_320.0 >= NEAR_M, "{lat}");
            assert!(dlng * m_per_deg_lng >= NEAR_M, "{lat}");
            assert!(dlat * 111_320.0 < NEAR_M * 1.05, "{lat}");
        }
    }

    #[test]
    fn the_bands_cover_the_box_whichever_way_halves_round() {
        let lat = 30.2011;
        let (dlat, _) = near_box(lat);
        let b = bands(lat - dlat, lat + dlat);
        for step in 0..=100 {
            let y = lat - dlat + 2.0 * dlat * f64::from(step) / 100.0;
            let x = y * BAND_PER_DEG;
            for rounded in [x.round(), x.round_ties_even(), x.floor(), x.ceil()] {
                assert!(b.contains(&rounded), "{y}: {rounded} not in {b:?}");
            }
        }
        // A box inside one band repeats its last band rather than reaching past it.
        let b = bands(30.2001, 30.2002);
        assert_eq!(b, [15100.0, 15101.0, 15101.0, 15101.0]);
    }

    #[test]
    fn only_texts_alike_enough_are_duplicates() {
        let draft = Words::of("楼道堆放杂物，堵塞消防通道");
        let same = likeness(&draft, &Words::of("3栋楼道里堆满杂物，消防通道被堵"));
        assert!(same.is_some_and(|l| l.shared_words.contains(&"杂物".to_owned())));
        assert_eq!(likeness(&draft, &Words::of("广场舞噪音扰民")), None);
    }
}
