//! The tables an import writes, as data: columns in row order, the natural key an upsert
//! matches on, and which columns decide whether a matched row changed.

use gridgov_core::scope::ScopePath;

use crate::scope::ScopeRange;

/// One value of a row, as both databases take it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    OptFloat(Option<f64>),
}

pub(crate) type Row = Vec<Value>;

pub(crate) struct TableSpec {
    pub table: &'static str,
    /// Columns in the order of every row's values.
    pub columns: &'static [&'static str],
    /// The natural key: what `ON CONFLICT` matches (a unique index of the table).
    pub key: &'static [&'static str],
    /// Columns an upsert compares and overwrites; a matched row none of them differs in is left
    /// alone, so importing the same file twice writes nothing the second time.
    pub compare: &'static [&'static str],
    /// Sealed columns with their blind index: sealing draws a fresh nonce each time, so a sealed
    /// value is replaced only when its index (the value) changed.
    pub sealed: &'static [(&'static str, &'static str)],
    /// Whether the table has `version` and `updated_batch` to bump on change.
    pub versioned: bool,
    /// The last columns, the same for every row of an import (its batch and time): the writer
    /// fills them in, so millions of rows do not each carry four copies.
    pub stamps: &'static [Stamp],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    Batch,
    Now,
}

/// created_batch, updated_batch, created_at, updated_at.
const BATCH_AND_TIMES: &[Stamp] = &[Stamp::Batch, Stamp::Batch, Stamp::Now, Stamp::Now];

pub(crate) const PERSONS: TableSpec = TableSpec {
    table: "persons",
    columns: &[
        "id",
        "county_code",
        "grid_id",
        "path",
        "name",
        "id_card_sealed",
        "id_card_bidx",
        "gender",
        "birth_date",
        "id_flags",
        "ethnicity",
        "phone_sealed",
        "phone_bidx",
        "registered_address",
        "residence_type",
        "tags",
        "created_batch",
        "updated_batch",
        "created_at",
        "updated_at",
    ],
    key: &["id_card_bidx", "county_code"],
    compare: &[
        "grid_id",
        "path",
        "name",
        "gender",
        "birth_date",
        "id_flags",
        "ethnicity",
        "phone_bidx",
        "registered_address",
        "residence_type",
        "tags",
    ],
    sealed: &[("phone_sealed", "phone_bidx")],
    versioned: true,
    stamps: BATCH_AND_TIMES,
};

/// A second source of persons, loaded for a comparison (see `verify`): the persons' columns
/// behind the comparison and the row of the file, keyed by comparison and the persons' key.
pub(crate) const SOURCE_PERSONS: TableSpec = TableSpec {
    table: "source_persons",
    columns: &[
        "comparison_id",
        "row_no",
        "id",
        "county_code",
        "grid_id",
        "path",
        "name",
        "id_card_sealed",
        "id_card_bidx",
        "gender",
        "birth_date",
        "id_flags",
        "ethnicity",
        "phone_sealed",
        "phone_bidx",
        "registered_address",
        "residence_type",
        "tags",
        "created_batch",
        "updated_batch",
        "created_at",
        "updated_at",
    ],
    key: &["comparison_id", "county_code", "id_card_bidx"],
    compare: PERSONS.compare,
    sealed: PERSONS.sealed,
    versioned: false,
    stamps: BATCH_AND_TIMES,
};

pub(crate) const BUILDINGS: TableSpec = TableSpec {
    table: "buildings",
    columns: &[
        "id",
        "county_code",
        "grid_id",
        "path",
        "code",
        "address",
        "floors",
        "units",
        "building_head_id",
        "created_batch",
        "updated_batch",
        "created_at",
        "updated_at",
    ],
    key: &["county_code", "grid_id", "code"],
    compare: &["path", "address", "floors", "units", "building_head_id"],
    sealed: &[],
    versioned: true,
    stamps: BATCH_AND_TIMES,
};

pub(crate) const HOUSES: TableSpec = TableSpec {
    table: "houses",
    columns: &[
        "id",
        "county_code",
        "grid_id",
        "path",
        "building_id",
        "unit",
        "number",
        "house_use",
        "area_m2",
        "created_batch",
        "updated_batch",
        "created_at",
        "updated_at",
    ],
    key: &["county_code", "building_id", "unit", "number"],
    compare: &["grid_id", "path", "house_use", "area_m2"],
    sealed: &[],
    versioned: true,
    stamps: BATCH_AND_TIMES,
};

pub(crate) const ORGANIZATIONS: TableSpec = TableSpec {
    table: "organizations",
    columns: &[
        "id",
        "county_code",
        "grid_id",
        "path",
        "name",
        "kind",
        "credit_code",
        "address",
        "contact",
        "phone",
        "created_batch",
        "updated_batch",
        "created_at",
        "updated_at",
    ],
    key: &["county_code", "grid_id", "name"],
    compare: &["path", "kind", "credit_code", "address", "contact", "phone"],
    sealed: &[],
    versioned: true,
    stamps: BATCH_AND_TIMES,
};

pub(crate) const PLACES: TableSpec = TableSpec {
    table: "places",
    columns: &[
        "id",
        "county_code",
        "grid_id",
        "path",
        "name",
        "kind",
        "address",
        "lng",
        "lat",
        "created_batch",
        "updated_batch",
        "created_at",
        "updated_at",
    ],
    key: &["county_code", "grid_id", "name"],
    compare: &["path", "kind", "address", "lng", "lat"],
    sealed: &[],
    versioned: true,
    stamps: BATCH_AND_TIMES,
};

pub(crate) const PERSON_HOUSES: TableSpec = TableSpec {
    table: "person_houses",
    columns: &[
        "county_code",
        "person_id",
        "house_id",
        "relation",
        "since",
        "created_batch",
        "created_at",
        "updated_at",
    ],
    key: &["county_code", "person_id", "house_id"],
    compare: &["relation", "since"],
    sealed: &[],
    versioned: false,
    stamps: &[Stamp::Batch, Stamp::Now, Stamp::Now],
};

/// Links as read from the file, before persons and houses are joined to them in the database.
pub(crate) const LINK_STAGE: TableSpec = TableSpec {
    table: "link_stage",
    columns: &[
        "row_no",
        "county_code",
        "id_card_bidx",
        "building_id",
        "unit",
        "number",
        "relation",
        "since",
    ],
    key: &[],
    compare: &[],
    sealed: &[],
    versioned: false,
    stamps: &[],
};

impl TableSpec {
    pub(crate) fn column_list(&self) -> String {
        self.columns.join(", ")
    }

    /// `ON CONFLICT (key) DO UPDATE SET … WHERE <a compared column differs>`, the same text on
    /// both databases (SQLite has `IS DISTINCT FROM` since 3.39). `within` keeps the update to
    /// rows inside the importer's scope: a natural key need not name the grid (a person's is
    /// county and ID number), and a matched row elsewhere must not be overwritten and pulled
    /// into the importer's grid. The checker reports such rows; this guard makes sure of it.
    pub(crate) fn upsert_clause(&self, within: Option<&ScopePath>) -> String {
        let t = self.table;
        let mut sets: Vec<String> = self
            .compare
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        for (sealed, index) in self.sealed {
            sets.push(format!(
                "{sealed} = CASE WHEN {t}.{index} IS NOT DISTINCT FROM excluded.{index} \
                 THEN {t}.{sealed} ELSE excluded.{sealed} END"
            ));
        }
        sets.push("updated_at = excluded.updated_at".into());
        if self.versioned {
            sets.push("updated_batch = excluded.updated_batch".into());
            sets.push(format!("version = {t}.version + 1"));
        }
        let changed: Vec<String> = self
            .compare
            .iter()
            .map(|c| format!("{t}.{c} IS DISTINCT FROM excluded.{c}"))
            .collect();
        let guard = match within {
            Some(scope) if !scope.is_root() && self.columns.contains(&"path") => {
                // The clause is shared by statements built in bulk: the range is written in.
                format!(
                    " AND {}",
                    ScopeRange::of_path(scope).sql_literal(&format!("{t}.path"))
                )
            }
            _ => String::new(),
        };
        format!(
            "ON CONFLICT ({}) DO UPDATE SET {} WHERE ({}){guard}",
            self.key.join(", "),
            sets.join(", "),
            changed.join(" OR ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upserts_change_only_what_differs() {
        let c = PERSONS.upsert_clause(None);
        assert!(c.starts_with("ON CONFLICT (id_card_bidx, county_code) DO UPDATE SET grid_id"));
        assert!(c.contains("persons.phone_bidx IS NOT DISTINCT FROM excluded.phone_bidx"));
        assert!(c.contains("version = persons.version + 1"));
        assert!(c.ends_with("persons.tags IS DISTINCT FROM excluded.tags)"));
        assert!(!PERSON_HOUSES.upsert_clause(None).contains("version"));
        // Inside a scope, only rows already inside it are updated.
        let village = ScopePath::from_path("42/4202/420202/420202001/420202001001/");
        assert!(PERSONS.upsert_clause(Some(&village)).ends_with(&format!(
            "persons.tags IS DISTINCT FROM excluded.tags) AND {}",
            ScopeRange::of_path(&village).sql_literal("persons.path")
        )));
        assert_eq!(
            PERSONS.upsert_clause(Some(&ScopePath::root())),
            PERSONS.upsert_clause(None)
        );
        assert!(!PERSON_HOUSES.upsert_clause(Some(&village)).contains("path"));
        // A source row is a person row behind its comparison and file row.
        assert_eq!(&SOURCE_PERSONS.columns[2..], PERSONS.columns);
        for spec in [
            &PERSONS,
            &BUILDINGS,
            &HOUSES,
            &ORGANIZATIONS,
            &PLACES,
            &PERSON_HOUSES,
            &SOURCE_PERSONS,
        ] {
            for c in spec.key.iter().chain(spec.compare) {
                assert!(spec.columns.contains(c), "{}.{c}", spec.table);
            }
        }
    }
}
