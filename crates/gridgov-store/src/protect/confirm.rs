//! Making sure the configured data key is the one this database's personal data was sealed with.

use super::Protector;
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// Records the key's check on a database's first start; afterwards refuses a different key.
    /// Once confirmed, the store (and every clone made after) seals personal data with it.
    pub async fn confirm_data_key(&mut self, protector: &Protector) -> StoreResult<()> {
        let check = protector.key_check();
        sqlx::query(
            "INSERT INTO data_key_check (id, key_check, created_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(check)
        .bind(self.now_ms())
        .execute(self.writer())
        .await?;
        let (stored,): (String,) =
            sqlx::query_as("SELECT key_check FROM data_key_check WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        if stored != check {
            return Err(StoreError::Config(format!(
                "the configured data key (check {check}) is not the key this database's personal \
                 data was sealed with (check {stored}); set data_key / GRIDGOV_DATA_KEY to that key"
            )));
        }
        self.protector = Some(protector.clone());
        Ok(())
    }

    /// The data key's protector, or a configuration error for a store opened without one.
    pub(crate) fn protector(&self) -> StoreResult<&Protector> {
        self.protector.as_ref().ok_or_else(|| {
            StoreError::Config(
                "no data key: personal data cannot be sealed or opened by this store".into(),
            )
        })
    }
}
