//! Resolving settings: the values set on a region and on each region above it, nearest first,
//! give the effective value of each kind and where it comes from.

use serde::Serialize;

use crate::deadlines::{Step, TimeLimit};
use crate::error::Invalid;
use crate::incidents::Grade;
use crate::workdays::{Calendar, LocalDay, WorkingHours};

use super::band::{HouseholdBand, PhoneShown};
use super::kind::SettingKind;
use super::ladder::Ladder;
use super::limits::default_limit;
use super::value::SettingValue;

/// One value set on one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub region_code: String,
    pub region_name: String,
    /// The region's path; a longer one lies below a shorter one.
    pub path: String,
    pub value: SettingValue,
}

/// Where an effective value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// Built in: no region on the way up sets it.
    Default,
    /// Set on this region (the one asked about, or one above it).
    Region { code: String, name: String },
}

impl Source {
    fn of(layer: &Layer) -> Source {
        Source::Region {
            code: layer.region_code.clone(),
            name: layer.region_name.clone(),
        }
    }
}

/// A value and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective<T> {
    pub value: T,
    pub source: Source,
}

/// The settings of a region and its ancestors.
#[derive(Debug, Clone, Default)]
pub struct Layers(Vec<Layer>);

impl Layers {
    /// The layers of one region: values set on it or on regions above it, in any order. Values
    /// of regions that do not lie on its way up must not be passed.
    pub fn new(mut layers: Vec<Layer>) -> Self {
        // Nearest first: the deepest path is the region itself.
        layers.sort_by_key(|l| std::cmp::Reverse(l.path.len()));
        Layers(layers)
    }

    /// The values of one kind, nearest first.
    fn of_kind(&self, kind: SettingKind) -> impl Iterator<Item = &Layer> {
        self.0.iter().filter(move |l| l.value.kind() == kind)
    }

    /// The nearest value of a kind, or the default: for every kind but the time limits and
    /// local days, which combine over the layers.
    pub fn effective(&self, kind: SettingKind) -> Effective<SettingValue> {
        match self.of_kind(kind).next() {
            Some(l) => Effective {
                value: l.value.clone(),
                source: Source::of(l),
            },
            None => Effective {
                value: SettingValue::default_of(kind),
                source: Source::Default,
            },
        }
    }

    /// The limit of a step for a matter: the closest rule of the nearest region that has a rule
    /// for it, or the built-in default for its grade.
    pub fn limit(&self, category: &str, grade: Grade, step: Step) -> Effective<TimeLimit> {
        for l in self.of_kind(SettingKind::TimeLimits) {
            if let SettingValue::TimeLimits(rules) = &l.value
                && let Some(limit) = rules.find(category, grade, step)
            {
                return Effective {
                    value: limit,
                    source: Source::of(l),
                };
            }
        }
        Effective {
            value: default_limit(grade, step),
            source: Source::Default,
        }
    }

    /// The local days of the region and every region above it, each with the region that set
    /// it. A day set on two levels counts once, under the nearer region's name. Each region's
    /// days are checked against the official schedule alone, so two levels never give one day
    /// two kinds (a local holiday can only be on an official working day, and the reverse).
    pub fn local_days(&self) -> Vec<(LocalDay, Source)> {
        let mut out: Vec<(LocalDay, Source)> = Vec::new();
        for l in self.of_kind(SettingKind::LocalDays) {
            if let SettingValue::LocalDays(days) = &l.value {
                for d in days {
                    if !out.iter().any(|(o, _)| o.date == d.date) {
                        out.push((d.clone(), Source::of(l)));
                    }
                }
            }
        }
        out.sort_by_key(|(d, _)| d.date);
        out
    }

    /// The region's working-day calendar: the official days with the local days of it and its
    /// ancestors laid over them.
    pub fn calendar(&self) -> Result<Calendar, Invalid> {
        let days: Vec<LocalDay> = self.local_days().into_iter().map(|(d, _)| d).collect();
        if days.is_empty() {
            return Ok(Calendar::official());
        }
        Calendar::new(&days, WorkingHours::default())
    }

    pub fn ladder(&self) -> Effective<Ladder> {
        let e = self.effective(SettingKind::EscalationLadder);
        Effective {
            value: match e.value {
                SettingValue::EscalationLadder(l) => l,
                _ => Ladder::default(),
            },
            source: e.source,
        }
    }

    pub fn household_band(&self) -> Effective<HouseholdBand> {
        let e = self.effective(SettingKind::HouseholdBand);
        Effective {
            value: match e.value {
                SettingValue::HouseholdBand(b) => b,
                _ => HouseholdBand::default(),
            },
            source: e.source,
        }
    }

    /// The nearest region's notification channels; none beyond the inbox by default.
    pub fn notify_channels(&self) -> crate::notify::NotifyChannels {
        match self.effective(SettingKind::NotifyChannels).value {
            SettingValue::NotifyChannels(n) => n,
            _ => crate::notify::NotifyChannels::default(),
        }
    }

    /// The card's phone display, where `default` is the deployment's configured one.
    pub fn card_phones(&self, default: PhoneShown) -> Effective<PhoneShown> {
        match self.effective(SettingKind::CardPhones) {
            Effective {
                value: SettingValue::CardPhones(p),
                source: s @ Source::Region { .. },
            } => Effective {
                value: p,
                source: s,
            },
            _ => Effective {
                value: default,
                source: Source::Default,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::LimitUnit;
    use crate::settings::{LimitRule, TimeLimits};
    use crate::workdays::LocalKind;

    fn layer(code: &str, path: &str, value: SettingValue) -> Layer {
        Layer {
            region_code: code.into(),
            region_name: format!("区划{code}"),
            path: path.into(),
            value,
        }
    }

    fn days(step: Step, amount: i64, grade: Option<Grade>) -> SettingValue {
        SettingValue::TimeLimits(TimeLimits(vec![LimitRule {
            category: None,
            grade,
            step,
            amount,
            unit: LimitUnit::WorkingDays,
        }]))
    }

    fn region(code: &str) -> Source {
        Source::Region {
            code: code.into(),
            name: format!("区划{code}"),
        }
    }

    #[test]
    fn the_nearest_region_wins_and_the_default_stands_behind() {
        let l = Layers::new(vec![
            layer("4202", "42/4202/", days(Step::Handle, 9, None)),
            layer(
                "420202",
                "42/4202/420202/",
                days(Step::Handle, 3, Some(Grade::Urgent)),
            ),
            layer(
                "4202",
                "42/4202/",
                SettingValue::HouseholdBand(HouseholdBand { min: 100, max: 200 }),
            ),
        ]);
        let urgent = l.limit("0101", Grade::Urgent, Step::Handle);
        assert_eq!((urgent.value.amount, urgent.source), (3, region("420202")));
        // The county's rule is for urgent matters only: the city's applies to the rest.
        let general = l.limit("0101", Grade::General, Step::Handle);
        assert_eq!((general.value.amount, general.source), (9, region("4202")));
        let accept = l.limit("0101", Grade::General, Step::Accept);
        assert_eq!(accept.source, Source::Default);
        assert_eq!(accept.value, default_limit(Grade::General, Step::Accept));
        assert_eq!(l.household_band().source, region("4202"));
        assert_eq!(l.ladder().source, Source::Default);
        assert_eq!(l.ladder().value.total_attempts(), 10);
        assert_eq!(
            l.card_phones(PhoneShown::Full),
            Effective {
                value: PhoneShown::Full,
                source: Source::Default
            }
        );
    }

    #[test]
    fn local_days_add_up_down_the_tree() {
        let day = |date, name: &str| LocalDay {
            date,
            kind: LocalKind::Holiday,
            name: name.into(),
        };
        let l = Layers::new(vec![
            layer(
                "45",
                "45/",
                SettingValue::LocalDays(vec![
                    day((2024, 4, 11), "三月三"),
                    day((2024, 4, 12), "三月三"),
                ]),
            ),
            layer(
                "4501",
                "45/4501/",
                SettingValue::LocalDays(vec![
                    day((2024, 4, 12), "市三月三"),
                    day((2024, 5, 6), "市庆"),
                ]),
            ),
        ]);
        let got: Vec<_> = l
            .local_days()
            .into_iter()
            .map(|(d, s)| (d.date, d.name, s))
            .collect();
        assert_eq!(
            got,
            [
                ((2024, 4, 11), "三月三".to_owned(), region("45")),
                ((2024, 4, 12), "市三月三".to_owned(), region("4501")),
                ((2024, 5, 6), "市庆".to_owned(), region("4501")),
            ]
        );
        let cal = l.calendar().unwrap();
        assert_eq!(cal.is_working_day((2024, 4, 11)), Ok(false));
        assert_eq!(cal.is_working_day((2024, 5, 6)), Ok(false));
        assert_eq!(cal.is_working_day((2024, 5, 7)), Ok(true));
    }
}
