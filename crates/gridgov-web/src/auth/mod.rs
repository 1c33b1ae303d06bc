//! Who is calling: session cookies for the desk UI, bearer tokens for programs, CSRF tokens on
//! every form, and the login and logout pages.

pub mod client;
pub mod cookies;
pub mod csrf;
mod extract;
pub mod login;
pub mod next;

pub use extract::{ApiUser, PageUser};
