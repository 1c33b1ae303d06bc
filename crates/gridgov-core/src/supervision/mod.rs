//! Pressure from above on the incident loop (督办): reminders (催办) and supervision cards
//! (督办单: yellow, red, black) from a higher center, and extensions (延期) of a task's time asked
//! by its handler and decided by the dispatching center. Who may do what, the cards' states and
//! the checks of every input live here as data and plain functions; the store persists what
//! they decide.

mod card;
mod due;
mod extension;
mod issue;

#[cfg(test)]
mod tests;

pub use card::{
    CARD_TRANSITIONS, CardAction, CardColour, CardSide, CardSides, CardState, card_allowed,
    card_check, is_overdue,
};
pub use due::{CardDue, MAX_DUE_DAYS, card_due_at};
pub use extension::{
    DEFAULT_MAX_EXTENSION_DAYS, ExtensionState, MAX_EXTENSION_DAYS_LIMIT, check_extension_days,
    check_max_extension_days,
};
pub use issue::{AddresseeFacts, check_addressee, check_reply_text, is_higher_center};
