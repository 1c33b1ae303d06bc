#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The data key that seals personal data, on both backends.

use gridgov_store::StoreError;
use gridgov_store::on_both;

on_both!(a_database_keeps_the_data_key_it_was_first_given, |db| {
    use gridgov_store::protect::{DataKey, Protector};
    // Test databases start with the fixed test key.
    let first = gridgov_store::testing::test_protector();
    let mut store = db.store.clone();
    store.confirm_data_key(&first).await.unwrap();
    store.confirm_data_key(&first).await.unwrap();
    let other = Protector::new(&DataKey::from_hex(&DataKey::generate_hex()).unwrap());
    match store.confirm_data_key(&other).await {
        Err(StoreError::Config(m)) => assert!(m.contains(first.key_check()), "{m}"),
        r => panic!("expected the other key refused, got {r:?}"),
    }
});
