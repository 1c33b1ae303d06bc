//! The demo city's own settings, so the desk shows values set per region and inherited below
//! it beside the built-in defaults: the city's shorter limits for city-management matters, the
//! rural county's lower household band and its own three-level ladder. Set once, before the
//! demo incidents, so their clocks run on them.

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_store::Store;
use gridgov_store::settings::SettingChange;

/// (region, kind, value in the desk's text form).
const SETTINGS: &[(&str, SettingKind, &str)] = &[
    // Huangshi: city-management matters (category 06) are accepted within four working hours
    // and handled within five working days, urgent ones the same day.
    (
        "4202",
        SettingKind::TimeLimits,
        "accept 4 hours 06\nhandle 5 days 06\nhandle 4 hours 06 urgent",
    ),
    // Yangxin, a rural county: one village, one grid, so smaller grids are the norm there.
    ("420222", SettingKind::HouseholdBand, "150-400"),
    // Yangxin settles disputes on a shorter ladder than the default five levels.
    (
        "420222",
        SettingKind::EscalationLadder,
        "网格调解 2\n村（社区）调解 2\n乡镇调处 1",
    ),
];

/// Sets the demo's values where none is set yet; answers how many it set.
pub async fn ensure(store: &Store) -> Result<u64> {
    let sys = Actor::system();
    let mut set = 0;
    for (code, kind, text) in SETTINGS {
        let current = store
            .region_settings(&sys, code, PhoneShown::Masked)
            .await
            .with_context(|| format!("reading the settings of {code}"))?;
        let own = current
            .settings
            .iter()
            .any(|e| e.kind == *kind && e.own.is_some());
        if own {
            continue;
        }
        store
            .change_region_setting(
                &sys,
                code,
                &SettingChange {
                    kind: *kind,
                    value: Some(parse_text(*kind, text)?),
                    version: 0,
                },
                PhoneShown::Masked,
            )
            .await
            .with_context(|| format!("setting {kind} on {code}"))?;
        set += 1;
    }
    Ok(set)
}
