//! The incident's descriptive vocabularies: grade, source, the reporter's rating and the level
//! at which it was resolved.

use crate::regions::RegionLevel;
use crate::vocab::vocabulary;

vocabulary!(
    /// How grave the matter is; deadlines and escalation read it.
    Grade, "unknown_grade", "事件等级", "grade", {
        General => ("general", "一般", "general"),
        Serious => ("serious", "较大", "serious"),
        Major => ("major", "重大", "major"),
        Urgent => ("urgent", "紧急", "urgent"),
    }
);

vocabulary!(
    /// Where the report came from.
    Source, "unknown_source", "事件来源", "source", {
        GridPatrol => ("grid_patrol", "网格巡查", "grid patrol"),
        Citizen => ("citizen", "群众上报", "citizen"),
        Department => ("department", "部门推送", "department"),
        Hotline12345 => ("hotline_12345", "12345热线", "12345 hotline"),
        Police110 => ("police_110", "110警情", "110 police feed"),
        HigherCenter => ("higher_center", "上级交办", "higher center"),
    }
);

vocabulary!(
    /// The reporter's rating after closure (回访评价).
    Evaluation, "unknown_evaluation", "评价", "evaluation", {
        Satisfied => ("satisfied", "满意", "satisfied"),
        BasicallySatisfied => ("basically_satisfied", "基本满意", "basically satisfied"),
        Unsatisfied => ("unsatisfied", "不满意", "unsatisfied"),
    }
);

impl Evaluation {
    /// Only an unsatisfied rating opens the way back (`reopen`).
    pub fn allows_reopen(self) -> bool {
        self == Evaluation::Unsatisfied
    }
}

vocabulary!(
    /// The level at which an incident was resolved: "小事不出村，大事不出镇" is the share closed
    /// at grid, village and township.
    ResolutionLevel, "unknown_resolution_level", "化解层级", "resolution level", {
        Grid => ("grid", "网格", "grid"),
        Village => ("village", "村（社区）", "village/community"),
        Township => ("township", "乡镇（街道）", "township"),
        County => ("county", "县（区）", "county"),
        City => ("city", "市", "city"),
    }
);

impl ResolutionLevel {
    /// The level of the center that closed it. A province closing a matter counts as the top of
    /// the ladder, the city: the ladder is per city, and a province-level figure would sit alone.
    /// `Grid` is not a center level; the store records it when the grid's own staff settled the
    /// matter (a territorial task on the grid and no department).
    pub fn of_region(level: RegionLevel) -> ResolutionLevel {
        match level {
            RegionLevel::Province | RegionLevel::City => ResolutionLevel::City,
            RegionLevel::County => ResolutionLevel::County,
            RegionLevel::Township => ResolutionLevel::Township,
            RegionLevel::Village => ResolutionLevel::Village,
        }
    }

    /// Resolved no higher than the township: what "小事不出村，大事不出镇" counts.
    pub fn within_township(self) -> bool {
        matches!(
            self,
            ResolutionLevel::Grid | ResolutionLevel::Village | ResolutionLevel::Township
        )
    }
}
