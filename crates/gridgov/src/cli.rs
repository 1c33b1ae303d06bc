//! The command line: every command and flag of the `gridgov` binary, parsed by clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "gridgov",
    version,
    about = "网格化社会治理平台 / grid-based social governance platform"
)]
pub struct Cli {
    /// A TOML settings file (keys: data_dir, database_url, listen, secret_key, cookie_secure,
    /// body_limit_bytes, request_timeout_secs, card_phones = full|masked|hidden,
    /// public_url, data_key).
    #[arg(long, global = true, env = "GRIDGOV_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import base data.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Compare a second source of persons (e.g. a community survey against household
    /// registration) with the records, field by field, and raise verification tasks (人房比对).
    Compare {
        /// A persons file in the import template's layout (CSV or XLSX).
        path: PathBuf,
        /// The source's name, kept as the provenance of values taken from it.
        #[arg(long, value_name = "SOURCE")]
        source: String,
        /// The region the source covers (a township or village code); records outside it are
        /// not reported missing. Default: everywhere.
        #[arg(long, value_name = "CODE")]
        area: Option<String>,
        /// Keep the valid rows of a file with faults (by default one fault refuses the file).
        #[arg(long)]
        accept_valid: bool,
        /// Where to write the row-by-row report of faults (default `<name>.report.csv`).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write the import template of a kind of base data (CSV with Chinese headers and an
    /// example row, readable by Excel).
    Template {
        #[arg(value_enum)]
        kind: RecordKindChoice,
        /// File to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Manage user accounts.
    User {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: UserCommand,
    },
    /// The grid network: export boundaries, one grid per village.
    Grids {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: GridCommand,
    },
    /// Check the audit trail, or write a digest of it.
    Audit {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Back the database up into a file while the server may be running: on SQLite a consistent
    /// copy of the database, on PostgreSQL a pg_dump archive (custom format). The data key and
    /// the secret key are not in it: keep them separately.
    Backup {
        /// The file to write (must not exist); written under a temporary name and renamed when
        /// complete, readable by its owner only.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Restore a backup into the configured database, then migrate it, verify its audit chain
    /// and check the data key. Refuses a database that holds data unless --force, and a data key
    /// that cannot open the backup's sealed ID numbers and phones.
    Restore {
        /// A file written by `gridgov backup`.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A ready-to-try city (Huangshi) with a login for every role, served at once.
    Demo {
        /// Where the demo keeps its SQLite database and secret key.
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Measure gridgov against a comparison and print both.
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
}

/// Where the database is, for commands that use one.
#[derive(Debug, Clone, Default, Args)]
pub struct DbArgs {
    /// Data directory (default ./gridgov-data).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://FILE or postgres://… (default: SQLite file in the data directory).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
}

/// The arguments every base data import takes.
#[derive(Debug, Clone, Args)]
pub struct BaseImportArgs {
    /// A CSV (UTF-8 or GB18030) or XLSX file with the template's columns, Chinese or English
    /// headers in any order (`gridgov template KIND` writes the template).
    pub path: PathBuf,
    /// Keep the valid rows of a file with faults (by default one fault rejects the whole file).
    #[arg(long)]
    pub accept_valid: bool,
    /// Where the data comes from, kept as every row's provenance (e.g. 户籍, 社区摸排).
    #[arg(long, value_name = "SOURCE", default_value = "import")]
    pub source: String,
    /// Where to write the row-by-row report (default: next to the file, `<name>.report.csv`),
    /// written whenever there is a fault or a warning.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Persons (人口): grid, name, ID number, residence type…; deduplicated by ID number.
    Persons(BaseImportArgs),
    /// Buildings (楼栋) of grids, by grid and building code.
    Buildings(BaseImportArgs),
    /// Houses (房屋) of buildings, by building, unit and door number.
    Houses(BaseImportArgs),
    /// Who lives where (人房关系): ID number and house.
    Links(BaseImportArgs),
    /// Organizations (组织) of grids.
    Organizations(BaseImportArgs),
    /// Places (场所) of grids.
    Places(BaseImportArgs),
    /// Grid boundaries from GeoJSON (features with `region` and `code`; new grids also `name`
    /// and `household_target`): checked whole, overlaps and gaps included, then all or nothing.
    Grids {
        path: PathBuf,
        #[arg(long, value_enum, default_value = "wgs84")]
        crs: CrsChoice,
        /// Accept gaps inside a village's boundary (a network still being drawn).
        #[arg(long)]
        allow_gaps: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Boundaries of regions from GeoJSON (features with `code`).
    RegionBoundaries {
        path: PathBuf,
        #[arg(long, value_enum, default_value = "wgs84")]
        crs: CrsChoice,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Administrative divisions: an NBS directory or a `level,code,parent_code,name` CSV.
    Regions {
        path: PathBuf,
        /// Label stored with each region (default: the directory or file name).
        #[arg(long, value_name = "LABEL")]
        source: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// A kind of base data record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordKindChoice {
    Persons,
    Buildings,
    Houses,
    Links,
    Organizations,
    Places,
}

impl From<RecordKindChoice> for gridgov_core::base_data::RecordKind {
    fn from(k: RecordKindChoice) -> Self {
        use gridgov_core::base_data::RecordKind as K;
        match k {
            RecordKindChoice::Persons => K::Persons,
            RecordKindChoice::Buildings => K::Buildings,
            RecordKindChoice::Houses => K::Houses,
            RecordKindChoice::Links => K::Links,
            RecordKindChoice::Organizations => K::Organizations,
            RecordKindChoice::Places => K::Places,
        }
    }
}

/// The coordinate system of a GeoJSON file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CrsChoice {
    /// WGS84 (RFC 7946), as GPS and most GIS software write.
    Wgs84,
    /// GCJ-02, as Chinese web maps (Amap, Tencent) give; converted to WGS84 on reading.
    Gcj02,
}

#[derive(Debug, Subcommand)]
pub enum GridCommand {
    /// Write the current grids (under a region) as a GeoJSON FeatureCollection.
    Export {
        /// Region code; the whole network when absent.
        #[arg(long, value_name = "CODE")]
        region: Option<String>,
        /// Output file (standard output when absent).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Rural mode (一村一格): one grid for every village under a region that has none.
    OnePerVillage {
        /// A township or higher region code.
        region: String,
        /// Household target of each new grid.
        #[arg(long, default_value_t = 300)]
        households: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read as one line from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// One of the role names, e.g. grid_worker, center_operator, system_admin.
        #[arg(long)]
        role: String,
        /// Region code of the account's scope; empty or omitted for the whole country.
        #[arg(long, default_value = "")]
        scope: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Required: passwords are never taken as arguments (they would stay in shell history).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable an account (ends its sessions, stops its tokens).
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// List accounts.
    List {
        /// Part of a username or display name.
        #[arg(long)]
        search: Option<String>,
    },
    /// Change an account's role.
    SetRole { username: String, role: String },
    /// Change an account's scope (region code; empty for the whole country).
    SetScope { username: String, scope: String },
    /// Set a new password, read as one line from standard input.
    ResetPassword {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Create an API token for the account and print its secret once.
    Token {
        username: String,
        #[arg(long)]
        name: String,
        /// Days until it expires (default: never).
        #[arg(long)]
        days: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every hash chain and every digest, and report the first thing that does not
    /// hold.
    Verify,
    /// Write a digest of every stream's head now (the server writes one about hourly), and
    /// print it: kept outside the database, its hash is proof of what the trail held.
    Digest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    Sqlite,
    Postgres,
    Both,
}

impl BackendChoice {
    pub fn sqlite(self) -> bool {
        matches!(self, BackendChoice::Sqlite | BackendChoice::Both)
    }

    pub fn postgres(self) -> bool {
        matches!(self, BackendChoice::Postgres | BackendChoice::Both)
    }
}

/// Which databases a benchmark runs on.
#[derive(Debug, Clone, Args)]
pub struct BackendArgs {
    #[arg(long, value_enum, default_value = "sqlite")]
    pub backend: BackendChoice,
    /// A PostgreSQL server URL; each run creates its own database there and drops it after.
    #[arg(
        long,
        env = "GRIDGOV_BENCH_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub pg_url: String,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// The whole country's regions into a fresh database, beside sqlite3 .import / psql \copy.
    ImportRegions {
        /// NBS directory (default ../shared/data/divisions/nbs2023).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Time from `gridgov demo` on an empty directory to its first healthy answer.
    DemoStartup {
        /// Number of runs.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Latency of the region pages over keep-alive HTTP, with the whole country loaded.
    RegionBrowser {
        /// NBS directory (default ../shared/data/divisions/nbs2023).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        #[command(flatten)]
        backend: BackendArgs,
        #[arg(long, default_value_t = 1000)]
        requests: usize,
    },
    /// Point → grid lookups in gridgov's index, beside PostGIS on the same polygons and points.
    Locate(LocateArgs),
    /// A synthetic city's base data (buildings, houses, persons, links) as template CSV files,
    /// on the grids of a database (the demo's by default), with faults at known rates.
    Gen {
        #[arg(long, default_value_t = 2_500_000)]
        persons: usize,
        #[arg(long, default_value_t = 1_500_000)]
        houses: usize,
        /// Output directory.
        #[arg(long, default_value = "gen")]
        out: PathBuf,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Counties people come from (`code,name,…`; default: the national list in the shared
        /// data when present, else the grids' own counties).
        #[arg(long, value_name = "CSV")]
        counties: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Base data of a synthetic city (persons, houses, buildings, links) imported with full
    /// checks and sealing, beside the database's own bulk tool loading the same rows.
    ImportBase {
        #[arg(long, default_value_t = 2_500_000)]
        persons: usize,
        #[arg(long, default_value_t = 1_500_000)]
        houses: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// A county's grid boundaries imported with full network checks into a fresh database.
    ImportGrids {
        /// Number of grids (whole villages of ten).
        #[arg(long, default_value_t = 15_000)]
        grids: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Source comparison (人房比对): a city's persons as records, a survey of them with
    /// differences at known rates, loaded and compared; tasks counted against what was injected.
    Compare {
        #[arg(long, default_value_t = 2_500_000)]
        persons: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// The SVG map page of a county with 2,000 grids: server time and size.
    GridMap {
        #[arg(long, default_value_t = 2_000)]
        grids: usize,
        #[arg(long, default_value_t = 50)]
        requests: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Years of incidents on the grids of a database (the demo's or any other), for other
    /// benchmarks and for trying the work lists at volume.
    Fill {
        #[arg(long, default_value_t = 1_000_000)]
        incidents: u64,
        /// Reports spread over this many years up to now.
        #[arg(long, default_value_t = 10)]
        years: u32,
        #[arg(long, default_value_t = 11)]
        seed: u64,
        /// Set up the demo city (regions, users, departments, grids) first, for a new database.
        #[arg(long)]
        city: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Exports of the county and city centers' whole incident lists as CSV and XLSX over years
    /// of incidents on the demo city: rows/s and peak memory beside the targets and a bare
    /// keyset SELECT walk of the same rows.
    Export {
        #[arg(long, default_value_t = 1_000_000)]
        incidents: u64,
        /// A kept database already holding the demo city and its incidents (made with `gridgov
        /// bench fill --city`), read instead of filling a fresh one; --backend is then ignored.
        #[arg(long, value_name = "URL")]
        filled: Option<String>,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// The desk's work lists (first and next pages) for four kinds of user over years of
    /// incidents on the demo city, beside the target and the page's bare SELECT.
    Worklists {
        #[arg(long, default_value_t = 1_000_000)]
        incidents: u64,
        /// A kept database already holding the demo city and its incidents (made with `gridgov
        /// bench fill --city`), read instead of filling a fresh one; --backend is then ignored.
        #[arg(long, value_name = "URL")]
        filled: Option<String>,
        /// Times each first page is asked (each followed by five next pages).
        #[arg(long, default_value_t = 20)]
        samples: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Duplicate suggestions for drafts near last month's reports, over years of incidents on
    /// the demo city, beside the candidate queries alone.
    Duplicates {
        #[arg(long, default_value_t = 1_000_000)]
        incidents: u64,
        /// A kept database already holding the demo city and its incidents (made with `gridgov
        /// bench fill --city`), read instead of filling a fresh one; --backend is then ignored.
        #[arg(long, value_name = "URL")]
        filled: Option<String>,
        /// Drafts timed.
        #[arg(long, default_value_t = 500)]
        samples: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Complete incident lifecycles (seven requests each) over HTTP, beside the same
    /// transitions as direct store calls.
    Lifecycle {
        /// Clients working at once, each on its own keep-alive connection.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 2_000)]
        lifecycles: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// The escalation pass over open incidents of which 5 % are overdue (rows written by bulk
    /// SQL into a fresh database), beside the bare UPDATE of the same rows and the bare probe.
    Escalation {
        #[arg(long, default_value_t = 1_000_000)]
        incidents: i64,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Deadlines on the working-day calendar: working days and hours added on one thread,
    /// beside plain i64 addition and a day-by-day walk.
    /// Due times recomputed after the city's calendar changes, over open incidents in
    /// progress with two live tasks each.
    Recompute {
        /// Open incidents (each with two live tasks).
        #[arg(long, default_value_t = 500_000)]
        incidents: u64,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Category suggestion on the public labelled government messages: 5-fold cross-validated
    /// top-1/top-3 of two baselines and the suggester, classification throughput on one thread,
    /// and training time on many incidents.
    Suggest {
        /// The directory of the labelled messages (default: the shared reference data).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// The seed of the folds.
        #[arg(long, default_value_t = 2020)]
        seed: u64,
        /// Incidents the training is timed on.
        #[arg(long, default_value_t = 100_000)]
        incidents: usize,
    },
    Workdays {
        /// Additions timed in each loop.
        #[arg(long, default_value_t = 50_000_000)]
        additions: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Notice deliveries end to end (claim by lease, send, mark) to an SMS gateway on
    /// loopback, beside the same requests with no database.
    Notify {
        #[arg(long, default_value_t = 10_000)]
        deliveries: u64,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Open311 GeoReport v2 over HTTP: the rate of POSTed requests (photos off) beside a bare
    /// INSERT of the same rows, and GET of requests with the spec's filters over years of
    /// incidents on the demo city beside the same SELECT alone.
    Open311 {
        /// Requests POSTed (0: skip the POST rate).
        #[arg(long, default_value_t = 5_000)]
        posts: usize,
        /// Clients posting at once, each on its own keep-alive connection.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Incidents in the city for the GET measurement (0: skip it).
        #[arg(long, default_value_t = 1_000_000)]
        incidents: u64,
        /// A kept database already holding the demo city and its incidents (made with `gridgov
        /// bench fill --city`), read for the GET measurement instead of filling a fresh one.
        #[arg(long, value_name = "URL")]
        filled: Option<String>,
        /// GET requests timed.
        #[arg(long, default_value_t = 500)]
        samples: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Inbound 12345 orders through the real HTTP stack (HMAC checked, mapped, reported), 10 %
    /// of them repeated deliveries, beside the bare store report of the same orders.
    Bridges {
        /// Deliveries sent, repeats included.
        #[arg(long, default_value_t = 10_000)]
        orders: usize,
        /// Clients at once, each on its own keep-alive connection.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[command(flatten)]
        backend: BackendArgs,
    },
}

/// The made-up city and the PostGIS server for `bench locate`.
#[derive(Debug, Clone, Args)]
pub struct LocateArgs {
    /// Number of grid polygons.
    #[arg(long, default_value_t = 15_000)]
    pub grids: usize,
    /// Number of random points looked up.
    #[arg(long, default_value_t = 1_000_000)]
    pub points: usize,
    /// Pieces in each grid edge (4 edges a grid, so 6 gives 24 vertices).
    #[arg(long, default_value_t = 6)]
    pub segments: usize,
    /// Points asked of PostGIS one prepared query each (the batch forms get every point).
    #[arg(long, default_value_t = 20_000)]
    pub sample: usize,
    /// Seed of the grids and the points.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A PostgreSQL server with PostGIS available; the run creates its own database there and
    /// drops it after.
    #[arg(
        long,
        env = "GRIDGOV_BENCH_PG_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub pg_url: String,
}
