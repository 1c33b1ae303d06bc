//! `gridgov bench suggest`: category suggestion on the public labelled government messages.
//!
//! Accuracy: 5-fold cross-validation (stratified, fixed seed) of the two classical baselines
//! and gridgov's suggester, top-1 and top-3, beside the targets. Each fold's model
//! learns from the other four folds only; the suggester also reads the collection's unlabelled
//! messages (for its term statistics) and the category taxonomy's names (one short example per
//! category), never a test fold. Then classification throughput on this thread beside the
//! segmenter alone (the floor: cutting the same texts and nothing else), and training on
//! 100,000 incidents made from the unlabelled messages (a random stretch of each, labelled by
//! the suggester trained on the labelled set) beside the time to read their terms once.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::suggest::{
    Accuracy, Analyzer, Example, Model, Recipe, cross_validate, document, names_example, recipes,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const DEFAULT_DIR: &str = "../shared/data/incidents/cn_gov_messages_tipdm2020";
const LABELLED: &str = "tipdm2020_messages_labeled_subset.csv";
const UNLABELLED: &[&str] = &[
    "tipdm2020_messages_hot.csv",
    "tipdm2020_messages_with_replies.csv",
];
const TAXONOMY: &str = "tipdm2020_category_taxonomy.csv";

const FOLDS: usize = 5;
const TARGET_TOP1: f64 = 0.82;
const TARGET_TOP3: f64 = 0.97;
const TARGET_RATE: f64 = 5_000.0;
const TARGET_TRAIN_S: f64 = 30.0;
/// Classification is timed over at least this long.
const TIMED_S: f64 = 2.0;

pub fn run(dir: Option<PathBuf>, seed: u64, incidents: usize) -> Result<()> {
    let dir = dir.unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
    if !dir.join(LABELLED).is_file() {
        println!(
            "no labelled messages in {} ({LABELLED}); nothing to measure (pass --data DIR)",
            dir.display()
        );
        return Ok(());
    }
    println!("machine: {}", super::machine());
    let labelled = read_labelled(&dir.join(LABELLED))?;
    let known: HashSet<&str> = labelled.iter().map(|e| e.text.as_str()).collect();
    let mut unlabelled = Vec::new();
    for name in UNLABELLED {
        let path = dir.join(name);
        if path.is_file() {
            unlabelled.extend(read_texts(&path)?);
        }
    }
    // A labelled message also among the unlabelled ones would let a test fold in.
    unlabelled.retain(|t| !known.contains(t.as_str()));
    let labels: BTreeSet<&str> = labelled.iter().map(|e| e.label.as_str()).collect();
    let taxonomy = read_taxonomy(&dir.join(TAXONOMY), &labels)?;
    let reading: Vec<&str> = unlabelled.iter().map(String::as_str).collect();
    println!(
        "{} labelled messages in {} categories, {} unlabelled messages, {} taxonomy examples; \
         {FOLDS}-fold cross-validation, seed {seed}",
        labelled.len(),
        labels.len(),
        unlabelled.len(),
        taxonomy.len()
    );

    let plain = |recipe: Recipe| move |train: &[Example]| Model::train(&recipe, train, &[]);
    let nb = timed_cv(&labelled, seed, &plain(recipes::naive_bayes_bigrams()));
    let svm = timed_cv(&labelled, seed, &plain(recipes::svm_char_grams()));
    let ours_recipe = recipes::suggester();
    let ours = timed_cv(&labelled, seed, &|train: &[Example]| {
        let mut train = train.to_vec();
        train.extend(taxonomy.iter().cloned());
        Model::train(&ours_recipe, &train, &reading)
    });
    println!("{:<46} {:>6} {:>6} {:>8}", "", "top-1", "top-3", "time");
    for (name, (a, s)) in [
        ("baseline: char-bigram naive Bayes", nb),
        ("baseline: TF-IDF char 1-3-gram linear SVM", svm),
        ("gridgov suggester", ours),
    ] {
        println!("{name:<46} {:>6.3} {:>6.3} {:>7.1}s", a.top1, a.top3, s);
    }
    println!(
        "{:<46} {:>6.2} {:>6.2}   (suggester {})",
        "target",
        TARGET_TOP1,
        TARGET_TOP3,
        if ours.0.top1 >= TARGET_TOP1 && ours.0.top3 >= TARGET_TOP3 {
            "met"
        } else {
            "MISSED"
        }
    );

    // The model of the whole labelled set, as a deployment would train it.
    let mut all = labelled.clone();
    all.extend(taxonomy.iter().cloned());
    let model = Model::train(&ours_recipe, &all, &reading);
    throughput(&model, &labelled);
    training(&model, &unlabelled, incidents, seed)
}

fn timed_cv(
    examples: &[Example],
    seed: u64,
    train: &dyn Fn(&[Example]) -> Model,
) -> (Accuracy, f64) {
    let t = Instant::now();
    let a = cross_validate(examples, FOLDS, seed, train);
    (a, t.elapsed().as_secs_f64())
}

/// Messages ranked per second on this thread, beside cutting them alone.
fn throughput(model: &Model, examples: &[Example]) {
    let rate = |f: &mut dyn FnMut(&str) -> usize| {
        let (mut done, mut sink) = (0usize, 0usize);
        let t = Instant::now();
        while t.elapsed().as_secs_f64() < TIMED_S {
            for e in examples {
                sink = sink.wrapping_add(f(&e.text));
            }
            done += examples.len();
        }
        std::hint::black_box(sink);
        done as f64 / t.elapsed().as_secs_f64()
    };
    let classify = rate(&mut |t| model.rank(t, 3).len());
    let mut terms = Vec::new();
    let segment = rate(&mut |t| {
        terms.clear();
        Analyzer::Words { pairs: false }.terms(t, &mut terms);
        terms.len()
    });
    let chars: usize = examples.iter().map(|e| e.text.chars().count()).sum();
    println!(
        "classification, one thread: {classify:.0} messages/s (target {TARGET_RATE:.0}; floor, \
         jieba cutting the same texts alone: {segment:.0}/s; {:.0} characters a message)",
        chars as f64 / examples.len().max(1) as f64
    );
}

/// Training on `n` incidents made from the unlabelled messages.
fn training(model: &Model, unlabelled: &[String], n: usize, seed: u64) -> Result<()> {
    if unlabelled.is_empty() {
        println!("training: no unlabelled messages to make incidents of; skipped");
        return Ok(());
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let incidents: Vec<Example> = (0..n)
        .map(|_| {
            let text = &unlabelled[rng.gen_range(0..unlabelled.len())];
            let len = text.chars().count();
            let from = rng.gen_range(0..len.max(1));
            let take = rng.gen_range(60..=200);
            let text: String = text
                .chars()
                .skip(from.min(len.saturating_sub(60)))
                .take(take)
                .collect();
            let label = model
                .rank(&text, 1)
                .first()
                .map(|r| r.label.clone())
                .unwrap_or_default();
            Example { text, label }
        })
        .collect();
    let chars: usize = incidents.iter().map(|e| e.text.chars().count()).sum();
    let t = Instant::now();
    let mut terms = Vec::new();
    let mut count = 0usize;
    for e in &incidents {
        terms.clear();
        Analyzer::Chars { min: 1, max: 3 }.terms(&e.text, &mut terms);
        Analyzer::Words { pairs: false }.terms(&e.text, &mut terms);
        count += terms.len();
    }
    let floor = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let trained = Model::train(&recipes::suggester(), &incidents, &[]);
    let took = t.elapsed().as_secs_f64();
    let size = trained.to_json().map(|j| j.len()).unwrap_or(0);
    println!(
        "training on {n} incidents ({:.0} characters each): {took:.1} s (target {TARGET_TRAIN_S:.0} \
         s; floor, reading their {count} terms once on one thread: {floor:.1} s); model {:.1} MB \
         as JSON",
        chars as f64 / n.max(1) as f64,
        size as f64 / 1e6
    );
    Ok(())
}

fn reader(path: &Path) -> Result<(csv::Reader<std::fs::File>, csv::StringRecord)> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = r.headers()?.clone();
    Ok((r, headers))
}

fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize> {
    headers
        .iter()
        .position(|h| h.trim() == name)
        .with_context(|| format!("no column {name} in {}", path.display()))
}

/// The labelled messages: subject and details as the text, the first-level category as label.
fn read_labelled(path: &Path) -> Result<Vec<Example>> {
    let (mut r, h) = reader(path)?;
    let (title, detail, label) = (
        column(&h, "留言主题", path)?,
        column(&h, "留言详情", path)?,
        column(&h, "一级分类", path)?,
    );
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        if get(label).is_empty() {
            continue;
        }
        out.push(Example {
            text: document(get(title), get(detail)),
            label: get(label).to_owned(),
        });
    }
    Ok(out)
}

fn read_texts(path: &Path) -> Result<Vec<String>> {
    let (mut r, h) = reader(path)?;
    let (title, detail) = (column(&h, "留言主题", path)?, column(&h, "留言详情", path)?);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        out.push(document(get(title), get(detail)));
    }
    Ok(out)
}

/// One example per labelled first-level category: the names of its second- and third-level
/// categories. Categories no message is labelled with are left out.
fn read_taxonomy(path: &Path, labels: &BTreeSet<&str>) -> Result<Vec<Example>> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let (mut r, _) = reader(path)?;
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec?;
        let (Some(first), Some(second), Some(third)) = (rec.get(0), rec.get(1), rec.get(2)) else {
            continue;
        };
        let entry = names.entry(first.trim().to_owned()).or_default();
        for name in [second.trim(), third.trim()] {
            if !name.is_empty() && !entry.iter().any(|n| n == name) {
                entry.push(name.to_owned());
            }
        }
    }
    Ok(names
        .iter()
        .filter(|(label, _)| labels.contains(label.as_str()))
        .map(|(label, ns)| {
            let ns: Vec<&str> = ns.iter().map(String::as_str).collect();
            names_example(label, &ns)
        })
        .collect())
}
