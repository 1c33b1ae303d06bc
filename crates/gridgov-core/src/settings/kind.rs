//! Which settings a region may set.

use crate::vocab::vocabulary;

vocabulary!(
    /// A kind of setting. Later issues add theirs here.
    SettingKind, "unknown_setting", "设置项", "setting", {
        /// Limits per category × grade × step, in working days or hours (办理时限).
        TimeLimits => ("time_limits", "办理时限", "time limits"),
        /// The levels an unresolved matter climbs and the attempts at each (5级10次).
        EscalationLadder => ("escalation_ladder", "逐级化解阶梯", "escalation ladder"),
        /// Holidays and working days of the region over the State Council's (本地节假日).
        LocalDays => ("local_days", "本地节假日与调休", "local days"),
        /// The households a grid should hold; outside the band it is flagged.
        HouseholdBand => ("household_band", "网格户数标准", "household band of grids"),
        /// How the public grid card shows staff phones.
        CardPhones => ("card_phones", "网格公示牌电话显示", "grid card phone display"),
        /// Where notices go besides the inbox: an SMS gateway, WeCom and DingTalk group robots,
        /// and the quiet hours of SMS (通知渠道).
        NotifyChannels => ("notify_channels", "通知渠道", "notification channels"),
    }
);
