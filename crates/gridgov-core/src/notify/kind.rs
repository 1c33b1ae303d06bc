//! The kinds of notice and the states of an outbound delivery.

use crate::vocab::vocabulary;

vocabulary!(
    /// What a notice tells its recipient.
    NoticeKind, "unknown_notice_kind", "通知类型", "kind of notice", {
        /// A task was given to the recipient's department or grid (派单).
        Assigned => ("assigned", "派单", "assigned"),
        /// A task came back to the dispatching center, or a result back to work (退回).
        SentBack => ("sent_back", "退回", "sent back"),
        /// The recipient's department was summoned by a whistle (吹哨).
        Summoned => ("summoned", "吹哨报到", "summoned"),
        /// The reporter rated the handling (评价).
        Evaluated => ("evaluated", "评价", "evaluated"),
        /// 80 % of the time limit is used (临期).
        DueSoon => ("due_soon", "即将到期", "due soon"),
        /// Past its time limit (超期).
        Overdue => ("overdue", "已超期", "overdue"),
        /// Climbed a level of the escalation ladder (升级).
        Escalated => ("escalated", "升级", "escalated"),
        /// A higher center pressed with a reminder or a supervision card (督办).
        Supervised => ("supervised", "督办", "supervised"),
    }
);

vocabulary!(
    /// Where an outbound delivery stands.
    DeliveryState, "unknown_delivery_state", "发送状态", "delivery state", {
        /// Waiting for its time (a backoff, the end of quiet hours) and a sender (待发).
        Pending => ("pending", "待发送", "pending"),
        /// Claimed by one sender under a lease (发送中).
        Sending => ("sending", "发送中", "sending"),
        /// The gateway took it (已发).
        Sent => ("sent", "已发送", "sent"),
        /// Every attempt failed: on the dead-letter list until someone resends it (失败).
        Dead => ("dead", "发送失败", "dead"),
    }
);
