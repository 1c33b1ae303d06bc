//! `gridgov import persons|buildings|houses|links|organizations|places FILE` and
//! `gridgov template KIND`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_store::Store;
use gridgov_store::base::{
    BaseImportOptions, BaseImportProgress, BaseImportReport, import_report_csv, template_csv,
};
use gridgov_store::sheets::SheetReader;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::BaseImportArgs;

/// Files larger than this are refused before reading: far beyond any real county's persons
/// (2.5 million rows of the template are about 300 MB).
pub const MAX_FILE_BYTES: u64 = 4 << 30;

pub async fn run(file: Option<&Path>, kind: RecordKind, a: BaseImportArgs) -> Result<()> {
    let config = super::load_config(file, &a.db, None)?;
    let mut store = super::open_store(&config).await?;
    store
        .confirm_data_key(&config.protector()?)
        .await
        .context("checking the data key")?;
    let report = import_file(
        &store,
        &Actor::system(),
        kind,
        &a.path,
        &a.source,
        a.accept_valid,
    )
    .await
    .with_context(|| format!("importing {}", a.path.display()))?;
    store.close().await;
    print_report(&report);
    if !report.faults.is_empty() {
        let out = a.report.unwrap_or_else(|| report_path(&a.path));
        std::fs::write(&out, import_report_csv(kind, &report.faults))
            .with_context(|| format!("writing {}", out.display()))?;
        println!(
            "row report / 逐行报告: {} ({} rows)",
            out.display(),
            report.faults.len()
        );
    }
    if !report.committed {
        bail!(
            "the file was rejected and nothing was written; fix the rows in the report, or use \
             --accept-valid to keep the valid rows / 文件被拒绝，未写入任何数据"
        );
    }
    Ok(())
}

/// Imports one file with a progress bar on stderr.
pub async fn import_file(
    store: &Store,
    actor: &Actor,
    kind: RecordKind,
    path: &Path,
    source: &str,
    accept_valid: bool,
) -> Result<BaseImportReport> {
    let src = SheetReader::open(path, MAX_FILE_BYTES)
        .map_err(|e| anyhow::anyhow!("{} / {}", e.zh, e.en))?;
    let size = src.progress().1;
    let bar = ProgressBar::new(size);
    // CSV progress counts bytes of the file; XLSX (converted when opened) counts rows.
    let in_bytes = std::fs::metadata(path)
        .map(|m| m.len() == size)
        .unwrap_or(false);
    let template = if in_bytes {
        "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})"
    } else {
        "{spinner} {msg} [{bar:30}] {pos}/{len} rows ({eta})"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("{} / {}", kind.as_str(), kind.zh()));
    let b = bar.clone();
    let progress = Arc::new(move |p: BaseImportProgress| match p {
        BaseImportProgress::Reading { done, .. } => b.set_position(done),
        BaseImportProgress::Written { rows } => {
            b.set_message(format!("{rows} rows written / 已写入 {rows} 行"));
        }
        BaseImportProgress::Indexing => b.set_message("building indexes / 建立索引"),
        BaseImportProgress::Committing => b.set_message("committing / 提交"),
    });
    let opts = BaseImportOptions {
        accept_valid,
        source: source.to_owned(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let result = store
        .import_base(actor, kind, Box::new(src), &opts, progress)
        .await;
    bar.finish_and_clear();
    Ok(result?)
}

pub fn print_report(r: &BaseImportReport) {
    let verdict = if r.committed {
        "written / 已写入"
    } else {
        "REJECTED, nothing written / 已拒绝，未写入"
    };
    println!(
        "{}: read {}, inserted {}, updated {}, unchanged {}, rejected {}, warnings {} in {:.2} s \
         ({:.0} rows/s){} — {verdict}",
        r.kind,
        r.rows_read,
        r.inserted,
        r.updated,
        r.unchanged,
        r.rejected,
        r.warnings,
        r.seconds,
        r.rows_read as f64 / r.seconds.max(1e-9),
        if r.first_load { ", first load" } else { "" },
    );
    println!(
        "读取 {} 行，新增 {}，更新 {}，未变 {}，拒绝 {}，提示 {}",
        r.rows_read, r.inserted, r.updated, r.unchanged, r.rejected, r.warnings
    );
    for f in r.faults.iter().take(10) {
        println!(
            "  row {} {}{}: {} / {}",
            f.row,
            f.column,
            if f.value.is_empty() {
                String::new()
            } else {
                format!(" = {}", f.value)
            },
            f.zh,
            f.en
        );
    }
    if r.faults.len() > 10 {
        println!("  … {} more in the report", r.faults.len() - 10);
    }
}

/// `persons.csv` → `persons.report.csv` beside it.
pub fn report_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    path.with_file_name(format!("{stem}.report.csv"))
}

pub fn template(kind: RecordKind, out: Option<PathBuf>) -> Result<()> {
    let text = template_csv(kind);
    match out {
        Some(p) => std::fs::write(&p, text).with_context(|| format!("writing {}", p.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
