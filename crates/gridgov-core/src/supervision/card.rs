//! A supervision card (督办单): its colour, its states, the actions on it and who takes them.

use crate::vocab::vocabulary;

vocabulary!(
    /// How hard the pressure is: yellow (a warning), red (serious), black (the gravest, a
    /// named failure).
    CardColour, "unknown_card_colour", "督办等级", "card colour", {
        Yellow => ("yellow", "黄牌督办", "yellow card"),
        Red => ("red", "红牌督办", "red card"),
        Black => ("black", "黑牌督办", "black card"),
    }
);

vocabulary!(
    /// Where a card stands. `issued` waits for the addressee's written reply; a reply sent back
    /// returns it to `issued`; `accepted` and `closed` end it.
    CardState, "unknown_card_state", "督办单状态", "card state", {
        Issued => ("issued", "待回复", "awaiting reply"),
        Replied => ("replied", "已回复", "replied"),
        Accepted => ("accepted", "已认可", "accepted"),
        Closed => ("closed", "已撤销", "closed"),
    }
);

vocabulary!(
    /// What may be done to a card after it is issued.
    CardAction, "unknown_card_action", "督办操作", "card action", {
        /// The addressee's written reply (书面回复).
        Reply => ("reply", "书面回复", "reply"),
        /// The issuing side accepts the reply: the card is done.
        Accept => ("accept", "认可回复", "accept the reply"),
        /// The issuing side finds the reply wanting and asks for a better one.
        SendBack => ("send_back", "退回重报", "send the reply back"),
        /// The issuing side withdraws the card.
        Close => ("close", "撤销督办", "close"),
    }
);

/// How a caller stands to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardSide {
    /// A center role whose scope is the issuing center's or contains it.
    Issuer,
    /// The center the card is addressed to (a center role of exactly that scope), or a handler
    /// of the department it is addressed to.
    Addressee,
}

/// The sides a caller stands on (both, in principle, for an administrator of a wide scope
/// addressed through a center they also issue from: the rules then read each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CardSides {
    pub issuer: bool,
    pub addressee: bool,
}

impl CardSides {
    fn has(self, side: CardSide) -> bool {
        match side {
            CardSide::Issuer => self.issuer,
            CardSide::Addressee => self.addressee,
        }
    }
}

/// The card's table: action, the states it may be taken from, the state it leads to, and the
/// side that takes it.
pub const CARD_TRANSITIONS: &[(CardAction, &[CardState], CardState, CardSide)] = &[
    (
        CardAction::Reply,
        &[CardState::Issued],
        CardState::Replied,
        CardSide::Addressee,
    ),
    (
        CardAction::Accept,
        &[CardState::Replied],
        CardState::Accepted,
        CardSide::Issuer,
    ),
    (
        CardAction::SendBack,
        &[CardState::Replied],
        CardState::Issued,
        CardSide::Issuer,
    ),
    (
        CardAction::Close,
        &[CardState::Issued, CardState::Replied],
        CardState::Closed,
        CardSide::Issuer,
    ),
];

/// Why a card action was refused: the stable code (the web layer answers
/// `action_not_from_state` with 409, the others with 403) and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRefusal {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// The state the action leads to, or why not: first the state (409), then the side (403).
pub fn card_check(
    action: CardAction,
    state: CardState,
    sides: CardSides,
) -> Result<CardState, CardRefusal> {
    let Some((_, _, to, side)) = CARD_TRANSITIONS
        .iter()
        .find(|(a, from, _, _)| *a == action && from.contains(&state))
    else {
        return Err(CardRefusal {
            code: "action_not_from_state",
            zh: format!(
                "督办单处于「{}」状态，不能「{}」",
                state.label_zh(),
                action.label_zh()
            ),
            en: format!(
                "a card that is {} cannot be given {}",
                state.as_str(),
                action.as_str()
            ),
        });
    };
    if sides.has(*side) {
        return Ok(*to);
    }
    Err(match side {
        CardSide::Addressee => CardRefusal {
            code: "not_addressee",
            zh: "只有督办单的承办对象可以回复".into(),
            en: "only the center or department the card is addressed to may reply".into(),
        },
        CardSide::Issuer => CardRefusal {
            code: "not_issuer",
            zh: format!("只有督办中心可以「{}」", action.label_zh()),
            en: format!(
                "only the issuing center (or one above it) may {}",
                action.as_str()
            ),
        },
    })
}

/// The actions open to a caller on a card in this state.
pub fn card_allowed(state: CardState, sides: CardSides) -> Vec<CardAction> {
    CardAction::ALL
        .iter()
        .copied()
        .filter(|a| card_check(*a, state, sides).is_ok())
        .collect()
}

/// A card waiting for a reply past its deadline. A reply sent back waits again, against the
/// same deadline.
pub fn is_overdue(state: CardState, due_at: i64, now: i64) -> bool {
    state == CardState::Issued && now > due_at
}
