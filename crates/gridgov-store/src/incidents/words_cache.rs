//! The content words of incidents already reported, kept in memory for duplicate suggestions.
//! Every report is compared with up to 200 recent incidents of its grid and surroundings, and
//! segmenting their texts again each time was most of a report's work in a busy grid. An
//! incident's title and description never change once reported, so its words can be kept
//! against its key for as long as there is room.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gridgov_core::incidents::Words;

/// Incidents whose words are kept: a busy city's month of reports near each other, a few
/// megabytes. When full the cache starts again empty (simpler than an LRU, and a refill costs
/// only the segmentation this saves).
const CAPACITY: usize = 20_000;

#[derive(Debug, Default)]
pub(crate) struct WordsCache {
    words: Mutex<HashMap<(String, String), Arc<Words>>>,
}

impl WordsCache {
    /// The words of the incident `(county, id)` whose compared text is `text`, segmented on
    /// first sight.
    pub(crate) fn of(&self, county: &str, id: &str, text: impl FnOnce() -> String) -> Arc<Words> {
        let key = (county.to_owned(), id.to_owned());
        if let Some(w) = self.lock().get(&key) {
            return w.clone();
        }
        // Segmented outside the lock: other reports read the cache meanwhile.
        let words = Arc::new(Words::of(&text()));
        let mut map = self.lock();
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key, words.clone());
        words
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Arc<Words>>> {
        // A panic while holding the lock leaves a map that is still whole.
        self.words.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_segmented_once_per_incident() {
        let cache = WordsCache::default();
        let first = cache.of("420202", "a", || "桂花路占道经营".into());
        let again = cache.of("420202", "a", || panic!("segmented twice"));
        assert!(Arc::ptr_eq(&first, &again));
        let other = cache.of("420202", "b", || "夜间噪音扰民".into());
        assert!(!Arc::ptr_eq(&first, &other));
        assert!(!other.is_empty());
    }
}
