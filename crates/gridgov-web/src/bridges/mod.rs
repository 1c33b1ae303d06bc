//! The bridges' HTTP side: the signature both directions use (`signature.rs`), and the push
//! pass the `bridge_push` job runs (`push.rs`). The inbound endpoint is an API handler
//! (`crate::api::bridges`); the desk pages are `crate::pages::bridges`.

mod push;
mod signature;

pub use push::{PushPass, PushSender, push_due};
pub use signature::{
    BRIDGE_HEADER, SIGNATURE_HEADER, SignatureFault, TIMESTAMP_HEADER, sign, verify,
};
