//! The words of an incident's text, for telling duplicates apart: Chinese segmented by jieba
//! (its dictionary is built into the binary, so this does no I/O), stop words, numbers and
//! punctuation dropped, Latin letters lower-cased.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jieba_rs::Jieba;

/// The segmenter, built once on first use and shared by every thread: building it parses the
/// 350,000-word dictionary (tenths of a second), which no single request should pay for twice.
pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Words that say nothing about which matter a report is about: function words, pronouns, and
/// the formulas every complaint is written in (反映, 希望尽快处理). Sharing them makes no two
/// reports alike.
const STOP_WORDS: &[&str] = &[
    "的", "了", "在", "是", "有", "和", "与", "及", "或", "等", "也", "都", "就", "还", "又", "很",
    "被", "把", "对", "从", "向", "给", "让", "到", "为", "以", "于", "由", "将", "之", "其", "而",
    "但", "并", "且", "则", "这", "那", "此", "该", "个", "些", "着", "过", "吗", "呢", "吧", "啊",
    "我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "她们", "它们", "大家", "自己",
    "这个", "那个", "这些", "那些", "这里", "那里", "这样", "那样", "一个", "一些", "一直", "已经",
    "没有", "不是", "就是", "还是", "但是", "因为", "所以", "如果", "虽然", "而且", "以及", "或者",
    "可以", "能够", "需要", "进行", "目前", "现在", "时候", "之前", "之后", "非常", "十分", "特别",
    "比较", "严重", "经常", "多次", "一下", "不", "没", "请", "望", "反映", "反应", "问题", "情况",
    "希望", "要求", "尽快", "及时", "处理", "解决", "相关", "部门", "有关", "领导", "政府", "市民",
    "群众", "居民", "住户", "你好", "您好", "谢谢", "感谢", "麻烦", "请问", "关于", "存在", "造成",
    "导致", "影响", "出现", "发现", "附近",
];

/// The content words of a text, each with its weight. A longer word is a more specific one
/// (井盖 says more than 井, 下水道堵塞 more than 堵), so a word weighs its length in characters,
/// up to [`WEIGHT_MAX`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Words(BTreeMap<String, f64>);

/// The most a single word weighs.
pub const WEIGHT_MAX: usize = 4;

impl Words {
    /// Segments `text` into its content words.
    pub fn of(text: &str) -> Words {
        let mut words = BTreeMap::new();
        for token in JIEBA.cut(text, true) {
            let word = token.word.trim();
            if !is_content(word) {
                continue;
            }
            let word = word.to_lowercase();
            let weight = word.chars().count().min(WEIGHT_MAX) as f64;
            words.insert(word, weight);
        }
        Words(words)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    fn total(&self) -> f64 {
        self.0.values().sum()
    }

    /// How alike two texts are, from 0 (no word shared) to 1 (the same words): the weighted Dice
    /// coefficient, twice the weight of the shared words over the weight of both; with the shared
    /// words, heaviest first, to show why.
    pub fn similarity(&self, other: &Words) -> (f64, Vec<String>) {
        let total = self.total() + other.total();
        if total == 0.0 {
            return (0.0, Vec::new());
        }
        let mut shared: Vec<(&String, f64)> = self
            .0
            .iter()
            .filter(|(w, _)| other.0.contains_key(*w))
            .map(|(w, weight)| (w, *weight))
            .collect();
        let score = 2.0 * shared.iter().map(|(_, w)| w).sum::<f64>() / total;
        shared.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        (score, shared.into_iter().map(|(w, _)| w.clone()).collect())
    }
}

/// A word worth comparing: it holds a letter (Chinese characters are letters to Rust; numbers,
/// punctuation and spaces are not) and is no stop word.
pub(crate) fn is_content(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !STOP_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        Words::of(text).0.into_keys().collect()
    }

    #[test]
    fn chinese_is_cut_into_words_without_stop_words_numbers_or_punctuation() {
        let w = words("您好，桂花路12号门前的井盖缺失了，希望尽快处理！");
        assert!(w.contains(&"井盖".to_owned()), "{w:?}");
        assert!(w.contains(&"缺失".to_owned()), "{w:?}");
        for gone in ["您好", "的", "了", "希望", "尽快", "处理", "12", "，", "！"] {
            assert!(!w.contains(&gone.to_owned()), "{gone} in {w:?}");
        }
    }

    #[test]
    fn latin_words_are_compared_without_case() {
        let a = Words::of("ABC小区路灯坏了");
        let b = Words::of("abc小区的路灯又坏了，晚上很黑");
        let (score, shared) = a.similarity(&b);
        assert!(shared.contains(&"abc".to_owned()), "{shared:?}");
        assert!(shared.contains(&"路灯".to_owned()), "{shared:?}");
        assert!(score > 0.4, "{score}");
    }

    #[test]
    fn the_same_matter_told_twice_scores_higher_than_another_matter_nearby() {
        let first = Words::of("桂花路井盖缺失 桂花路12号门前人行道上的井盖丢了，晚上很危险");
        let again = Words::of("井盖丢失 桂花路人行道井盖没了，有行人差点掉下去");
        let other = Words::of("桂花路占道经营 早市摊贩占用人行道，行人只能走机动车道");
        let (same, shared) = first.similarity(&again);
        let (different, _) = first.similarity(&other);
        assert!(same > different, "{same} vs {different}");
        assert_eq!(
            shared[0], "人行道",
            "the heaviest shared word first: {shared:?}"
        );
        assert!(shared.contains(&"井盖".to_owned()), "{shared:?}");
    }

    #[test]
    fn texts_score_between_nothing_and_everything() {
        let a = Words::of("楼道堆放杂物");
        assert_eq!(a.similarity(&a).0, 1.0);
        assert_eq!(a.similarity(&Words::of("噪音扰民")).0, 0.0);
        assert_eq!(Words::of("").similarity(&a).0, 0.0);
        assert!(Words::of("，。！ 123").is_empty());
    }
}
