//! A progress display on stderr for region imports, fed by the store's `ImportProgress`.

use std::time::Duration;

use gridgov_store::regions::ImportProgress;
use indicatif::{ProgressBar, ProgressStyle};

/// A spinner while the source is read and checked, then a bar while rows are written.
/// Draws nothing when stderr is not a terminal.
pub struct ImportBar {
    bar: ProgressBar,
}

impl ImportBar {
    pub fn new() -> Self {
        let bar = ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message("reading / 读取中");
        ImportBar { bar }
    }

    pub fn update(&self, p: ImportProgress) {
        match p {
            ImportProgress::Read { rows } => {
                self.bar.set_message(format!(
                    "read {rows} rows, checking / 已读取 {rows} 行，校验中"
                ));
            }
            ImportProgress::Finished { inserted } => {
                self.bar
                    .set_message(format!("{inserted} new regions / 新增 {inserted} 个区划"));
            }
            ImportProgress::Written { done, total } => {
                if self.bar.length() != Some(total) {
                    self.bar.set_length(total);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{spinner} checking and writing / 校验并写入 [{bar:40}] {pos}/{len} ({per_sec})",
                    ) {
                        self.bar.set_style(style.progress_chars("=> "));
                    }
                }
                self.bar.set_position(done);
            }
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A bar counting up to `total` things (generated rows, exported records), with their rate.
pub fn counter(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "[{{bar:40}}] {{pos}}/{{len}} {what} ({{per_sec}})"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
