//! The official schedule: public holidays and adjusted working weekends (调休) as the General
//! Office of the State Council announces them each year in its notice
//! 《国务院办公厅关于<year>年部分节假日安排的通知》.
//!
//! Written by hand from the notices' text, one entry per sentence of a notice, so a reader can
//! hold this file beside the notice and check it. A test compares every day with an
//! independent, maintained dataset (see `tests/official_holidays.rs` of this crate).

use crate::ids::Ymd;

/// The festival a notice names for a span of days off or an adjusted working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Festival {
    NewYear,
    SpringFestival,
    QingMing,
    Labour,
    DragonBoat,
    MidAutumn,
    National,
    /// Years when the notice joins the two into one span (中秋节、国庆节).
    MidAutumnAndNational,
}

impl Festival {
    pub fn zh(self) -> &'static str {
        match self {
            Festival::NewYear => "元旦",
            Festival::SpringFestival => "春节",
            Festival::QingMing => "清明节",
            Festival::Labour => "劳动节",
            Festival::DragonBoat => "端午节",
            Festival::MidAutumn => "中秋节",
            Festival::National => "国庆节",
            Festival::MidAutumnAndNational => "中秋节、国庆节",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Festival::NewYear => "New Year's Day",
            Festival::SpringFestival => "Spring Festival",
            Festival::QingMing => "Qingming Festival",
            Festival::Labour => "Labour Day",
            Festival::DragonBoat => "Dragon Boat Festival",
            Festival::MidAutumn => "Mid-Autumn Festival",
            Festival::National => "National Day",
            Festival::MidAutumnAndNational => "Mid-Autumn Festival and National Day",
        }
    }
}

/// Days off from `first` to `last`, both included, as the notice gives them ("…至…放假调休").
/// A span may hold ordinary weekend days; they are days off either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub festival: Festival,
    pub first: Ymd,
    pub last: Ymd,
}

/// A Saturday or Sunday made a working day to pay for a longer holiday ("…上班").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdjustedWorkday {
    pub festival: Festival,
    pub date: Ymd,
}

/// One year's notice, as in force (with any later amendment applied, named in `amended`).
#[derive(Debug, Clone, Copy)]
pub struct Notice {
    pub year: i32,
    /// The day the notice was issued.
    pub issued: Ymd,
    /// A later notice that changed this one, in words, or empty.
    pub amended: &'static str,
    pub holidays: &'static [Holiday],
    pub workdays: &'static [AdjustedWorkday],
}

/// The first day the official schedule covers.
pub const FIRST_DAY: Ymd = (2020, 1, 1);
/// The last day the official schedule covers: the end of the latest year whose notice is here.
/// Extend [`NOTICES`] and this together when a new notice is published.
pub const LAST_DAY: Ymd = (2026, 12, 31);

const fn off(festival: Festival, first: Ymd, last: Ymd) -> Holiday {
    Holiday {
        festival,
        first,
        last,
    }
}

const fn work(festival: Festival, date: Ymd) -> AdjustedWorkday {
    AdjustedWorkday { festival, date }
}

use Festival::*;

/// Every notice from 2020 on, oldest first.
pub const NOTICES: &[Notice] = &[
    Notice {
        year: 2020,
        issued: (2019, 11, 21),
        // 《国务院办公厅关于延长2020年春节假期的通知》 (2020-01-27), in the COVID-19 outbreak:
        // the Spring Festival holiday ran on to 2 February and the working Saturday of
        // 1 February was dropped.
        amended: "国务院办公厅关于延长2020年春节假期的通知 (2020-01-27)",
        holidays: &[
            off(NewYear, (2020, 1, 1), (2020, 1, 1)),
            off(SpringFestival, (2020, 1, 24), (2020, 2, 2)),
            off(QingMing, (2020, 4, 4), (2020, 4, 6)),
            off(Labour, (2020, 5, 1), (2020, 5, 5)),
            off(DragonBoat, (2020, 6, 25), (2020, 6, 27)),
            off(MidAutumnAndNational, (2020, 10, 1), (2020, 10, 8)),
        ],
        workdays: &[
            work(SpringFestival, (2020, 1, 19)),
            work(Labour, (2020, 4, 26)),
            work(Labour, (2020, 5, 9)),
            work(DragonBoat, (2020, 6, 28)),
            work(MidAutumnAndNational, (2020, 9, 27)),
            work(MidAutumnAndNational, (2020, 10, 10)),
        ],
    },
    Notice {
        year: 2021,
        issued: (2020, 11, 25),
        amended: "",
        holidays: &[
            off(NewYear, (2021, 1, 1), (2021, 1, 3)),
            off(SpringFestival, (2021, 2, 11), (2021, 2, 17)),
            off(QingMing, (2021, 4, 3), (2021, 4, 5)),
            off(Labour, (2021, 5, 1), (2021, 5, 5)),
            off(DragonBoat, (2021, 6, 12), (2021, 6, 14)),
            off(MidAutumn, (2021, 9, 19), (2021, 9, 21)),
            off(National, (2021, 10, 1), (2021, 10, 7)),
        ],
        workdays: &[
            work(SpringFestival, (2021, 2, 7)),
            work(SpringFestival, (2021, 2, 20)),
            work(Labour, (2021, 4, 25)),
            work(Labour, (2021, 5, 8)),
            work(MidAutumn, (2021, 9, 18)),
            work(National, (2021, 9, 26)),
            work(National, (2021, 10, 9)),
        ],
    },
    Notice {
        year: 2022,
        issued: (2021, 10, 25),
        amended: "",
        holidays: &[
            off(NewYear, (2022, 1, 1), (2022, 1, 3)),
            off(SpringFestival, (2022, 1, 31), (2022, 2, 6)),
            off(QingMing, (2022, 4, 3), (2022, 4, 5)),
            off(Labour, (2022, 4, 30), (2022, 5, 4)),
            off(DragonBoat, (2022, 6, 3), (2022, 6, 5)),
            off(MidAutumn, (2022, 9, 10), (2022, 9, 12)),
            off(National, (2022, 10, 1), (2022, 10, 7)),
        ],
        workdays: &[
            work(SpringFestival, (2022, 1, 29)),
            work(SpringFestival, (2022, 1, 30)),
            work(QingMing, (2022, 4, 2)),
            work(Labour, (2022, 4, 24)),
            work(Labour, (2022, 5, 7)),
            work(National, (2022, 10, 8)),
            work(National, (2022, 10, 9)),
        ],
    },
    Notice {
        year: 2023,
        issued: (2022, 12, 8),
        amended: "",
        holidays: &[
            // The 2023 notice begins its New Year span on the last day of 2022.
            off(NewYear, (2022, 12, 31), (2023, 1, 2)),
            off(SpringFestival, (2023, 1, 21), (2023, 1, 27)),
            off(QingMing, (2023, 4, 5), (2023, 4, 5)),
            off(Labour, (2023, 4, 29), (2023, 5, 3)),
            off(DragonBoat, (2023, 6, 22), (2023, 6, 24)),
            off(MidAutumnAndNational, (2023, 9, 29), (2023, 10, 6)),
        ],
        workdays: &[
            work(SpringFestival, (2023, 1, 28)),
            work(SpringFestival, (2023, 1, 29)),
            work(Labour, (2023, 4, 23)),
            work(Labour, (2023, 5, 6)),
            work(DragonBoat, (2023, 6, 25)),
            work(MidAutumnAndNational, (2023, 10, 7)),
            work(MidAutumnAndNational, (2023, 10, 8)),
        ],
    },
    Notice {
        year: 2024,
        issued: (2023, 10, 25),
        amended: "",
        holidays: &[
            // "1月1日放假，与周末连休": the day itself; the weekend before is ordinary.
            off(NewYear, (2024, 1, 1), (2024, 1, 1)),
            // New Year's Eve (9 February) was only "encouraged" as a day off, not given.
            off(SpringFestival, (2024, 2, 10), (2024, 2, 17)),
            off(QingMing, (2024, 4, 4), (2024, 4, 6)),
            off(Labour, (2024, 5, 1), (2024, 5, 5)),
            off(DragonBoat, (2024, 6, 10), (2024, 6, 10)),
            off(MidAutumn, (2024, 9, 15), (2024, 9, 17)),
            off(National, (2024, 10, 1), (2024, 10, 7)),
        ],
        workdays: &[
            work(SpringFestival, (2024, 2, 4)),
            work(SpringFestival, (2024, 2, 18)),
            work(QingMing, (2024, 4, 7)),
            work(Labour, (2024, 4, 28)),
            work(Labour, (2024, 5, 11)),
            work(MidAutumn, (2024, 9, 14)),
            work(National, (2024, 9, 29)),
            work(National, (2024, 10, 12)),
        ],
    },
    Notice {
        year: 2025,
        // The first notice under the amended 《全国年节及纪念日放假办法》 (2024-11-12), which
        // added New Year's Eve and 2 May as public holidays.
        issued: (2024, 11, 12),
        amended: "",
        holidays: &[
            off(NewYear, (2025, 1, 1), (2025, 1, 1)),
            off(SpringFestival, (2025, 1, 28), (2025, 2, 4)),
            off(QingMing, (2025, 4, 4), (2025, 4, 6)),
            off(Labour, (2025, 5, 1), (2025, 5, 5)),
            off(DragonBoat, (2025, 5, 31), (2025, 6, 2)),
            off(MidAutumnAndNational, (2025, 10, 1), (2025, 10, 8)),
        ],
        workdays: &[
            work(SpringFestival, (2025, 1, 26)),
            work(SpringFestival, (2025, 2, 8)),
            work(Labour, (2025, 4, 27)),
            work(MidAutumnAndNational, (2025, 9, 28)),
            work(MidAutumnAndNational, (2025, 10, 11)),
        ],
    },
    Notice {
        year: 2026,
        issued: (2025, 11, 4),
        amended: "",
        holidays: &[
            off(NewYear, (2026, 1, 1), (2026, 1, 3)),
            off(SpringFestival, (2026, 2, 15), (2026, 2, 23)),
            off(QingMing, (2026, 4, 4), (2026, 4, 6)),
            off(Labour, (2026, 5, 1), (2026, 5, 5)),
            off(DragonBoat, (2026, 6, 19), (2026, 6, 21)),
            off(MidAutumn, (2026, 9, 25), (2026, 9, 27)),
            off(National, (2026, 10, 1), (2026, 10, 7)),
        ],
        workdays: &[
            work(NewYear, (2026, 1, 4)),
            work(SpringFestival, (2026, 2, 14)),
            work(SpringFestival, (2026, 2, 28)),
            work(Labour, (2026, 5, 9)),
            work(National, (2026, 9, 20)),
            work(National, (2026, 10, 10)),
        ],
    },
];
