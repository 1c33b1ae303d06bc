//! The `gridgov` binary: parses the command line, sets up logging and the runtime, runs one
//! command and reports any error once, in Chinese and English where the error has both.

mod bench;
mod cli;
mod commands;
mod config;
mod demo;
mod demo_bridges;
mod demo_departments;
mod demo_incidents;
mod demo_network;
mod demo_open311;
mod demo_people;
mod demo_settings;
mod demo_supervision;
mod incident_text;
mod progress;
mod report;
mod text;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // Dropping a runtime waits for every blocking task; a stopped server must not wait on
    // work nobody needs any more (cancelled work ends at its next check).
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report::print_error(&e);
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = cli.config.as_deref();
    match cli.command {
        Command::Serve { db, listen } => commands::serve::run(file, &db, listen).await,
        Command::Migrate { db } => commands::migrate::run(file, &db).await,
        Command::Import { what } => commands::import::run(file, what).await,
        Command::Compare {
            path,
            source,
            area,
            accept_valid,
            report,
            db,
        } => {
            commands::compare::run(
                file,
                &db,
                commands::compare::CompareArgs {
                    path,
                    source,
                    area,
                    accept_valid,
                    report,
                },
            )
            .await
        }
        Command::Template { kind, out } => commands::import_base::template(kind.into(), out),
        Command::User { db, action } => commands::user::run(file, &db, action).await,
        Command::Grids { db, action } => commands::grids::run(file, &db, action).await,
        Command::Audit { db, action } => commands::audit::run(file, &db, action).await,
        Command::Backup { out, db } => commands::backup::backup(file, &db, &out).await,
        Command::Restore { from, force, db } => {
            commands::backup::restore(file, &db, &from, force).await
        }
        Command::Demo { data_dir, listen } => demo::run(file, data_dir, listen).await,
        Command::Bench { which } => bench::run(which).await,
    }
}
