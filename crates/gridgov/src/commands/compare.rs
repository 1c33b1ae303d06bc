//! `gridgov compare FILE --source S`: a second source of persons compared with the records,
//! raising verification tasks for the grids' workers (人房比对).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_store::base::{BaseImportProgress, import_report_csv};
use gridgov_store::sheets::SheetReader;
use gridgov_store::verify::CompareOptions;
use indicatif::ProgressBar;

use super::import_base::{MAX_FILE_BYTES, report_path};
use crate::cli::DbArgs;

pub struct CompareArgs {
    pub path: PathBuf,
    pub source: String,
    pub area: Option<String>,
    pub accept_valid: bool,
    pub report: Option<PathBuf>,
}

pub async fn run(file: Option<&Path>, db: &DbArgs, a: CompareArgs) -> Result<()> {
    let config = super::load_config(file, db, None)?;
    let mut store = super::open_store(&config).await?;
    store
        .confirm_data_key(&config.protector()?)
        .await
        .context("checking the data key")?;
    let src = SheetReader::open(&a.path, MAX_FILE_BYTES)
        .map_err(|e| anyhow::anyhow!("{} / {}", e.zh, e.en))?;
    let bar = ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar.set_message("reading the source / 读取来源");
    let b = bar.clone();
    let progress = Arc::new(move |p: BaseImportProgress| match p {
        BaseImportProgress::Reading { .. } => {}
        BaseImportProgress::Written { rows } => {
            b.set_message(format!("{rows} rows loaded / 已载入 {rows} 行"));
        }
        BaseImportProgress::Indexing => b.set_message("indexing / 建立索引"),
        BaseImportProgress::Committing => b.set_message("comparing / 比对中"),
    });
    let opts = CompareOptions {
        source: a.source.clone(),
        file_name: a
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        accept_valid: a.accept_valid,
        area: a.area.clone(),
    };
    let r = store
        .compare_source(&Actor::system(), Box::new(src), &opts, progress)
        .await
        .with_context(|| format!("comparing {}", a.path.display()));
    bar.finish_and_clear();
    let r = r?;
    store.close().await;
    println!(
        "source {}: read {}, loaded {}, rejected {}; tasks: {} differ, {} missing in the records, \
         {} missing in the source (load {:.2} s, compare {:.2} s)",
        a.source,
        r.rows_read,
        r.rows_loaded,
        r.rejected,
        r.counts.differs,
        r.counts.missing_in_records,
        r.counts.missing_in_source,
        r.load_seconds,
        r.compare_seconds
    );
    println!(
        "读取 {} 行，载入 {}，拒绝 {}；核对任务：不一致 {}，台账缺失 {}，来源缺失 {}",
        r.rows_read,
        r.rows_loaded,
        r.rejected,
        r.counts.differs,
        r.counts.missing_in_records,
        r.counts.missing_in_source
    );
    if !r.faults.is_empty() {
        let out = a.report.unwrap_or_else(|| report_path(&a.path));
        std::fs::write(&out, import_report_csv(RecordKind::Persons, &r.faults))
            .with_context(|| format!("writing {}", out.display()))?;
        println!(
            "row report / 逐行报告: {} ({} rows)",
            out.display(),
            r.faults.len()
        );
    }
    if !r.committed {
        bail!(
            "the source was refused and nothing was compared; fix the rows in the report, or use \
             --accept-valid / 来源文件被拒绝，未进行比对"
        );
    }
    Ok(())
}
