//! What a district holds, read behind the app's back: counts and version sums of every table
//! scoped by path, the audit records of the district, claims, pairings, revoked tokens. Two
//! equal fingerprints mean a refused request changed nothing there.

use gridgov_store::Store;

/// Reads of one district; each names what it measures, so a difference says what changed.
fn queries(lo: &str) -> Vec<(&'static str, String)> {
    let hi = format!("{lo}~");
    let inside = |col: &str| format!("{col} >= '{lo}' AND {col} < '{hi}'");
    let sum = |expr: &str| format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)");
    let mut q = vec![
        (
            "audit records",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE {}",
                inside("scope_path")
            ),
        ),
        (
            "users",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 + {} * 1000000 FROM users WHERE {}",
                sum("version"),
                sum("disabled"),
                inside("scope_path")
            ),
        ),
        (
            "revoked tokens",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.revoked_at IS NOT NULL AND {}",
                inside("u.scope_path")
            ),
        ),
        (
            "grids retired or paired",
            format!(
                "SELECT CAST(COUNT(valid_to) + COUNT(police_user_id) * 1000 AS BIGINT) FROM grids \
                 WHERE {}",
                inside("path")
            ),
        ),
        (
            "region settings",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 FROM region_settings WHERE {}",
                sum("version"),
                inside("path")
            ),
        ),
        (
            "incidents",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 FROM incidents WHERE {}",
                sum("version"),
                inside("path")
            ),
        ),
        (
            "reminders",
            format!(
                "SELECT {} FROM incidents WHERE {}",
                sum("reminders"),
                inside("path")
            ),
        ),
        (
            "supervision cards",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 FROM supervision_cards c \
                 JOIN incidents i ON i.county_code = c.county_code AND i.id = c.incident_id \
                 WHERE {}",
                sum("c.version"),
                inside("i.path")
            ),
        ),
        (
            "extensions",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 FROM incident_extensions x \
                 JOIN incidents i ON i.county_code = x.county_code AND i.id = x.incident_id \
                 WHERE {}",
                sum("CASE WHEN x.state = 'pending' THEN 0 ELSE 1 END"),
                inside("i.path")
            ),
        ),
        (
            "grid staff",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM grid_staff s JOIN grids g ON g.id = s.grid_id \
                 WHERE {}",
                inside("g.path")
            ),
        ),
        (
            "micro-grids",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM micro_grids m JOIN grids g ON g.id = m.grid_id \
                 WHERE {}",
                inside("g.path")
            ),
        ),
        (
            "links",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM person_houses l JOIN persons p \
                 ON p.county_code = l.county_code AND p.id = l.person_id WHERE {}",
                inside("p.path")
            ),
        ),
        (
            "tasks claimed or decided",
            format!(
                "SELECT CAST(COUNT(claimed_by) + COUNT(decision) * 1000 AS BIGINT) \
                 FROM verification_tasks WHERE {}",
                inside("path")
            ),
        ),
        (
            "unmask log",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM unmask_log WHERE {}",
                inside("path")
            ),
        ),
        (
            "region outlines",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM region_boundaries b JOIN regions r \
                 ON r.code = b.code WHERE {}",
                inside("r.path")
            ),
        ),
        (
            "departments",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 + {} * 1000000 FROM departments \
                 WHERE {}",
                sum("version"),
                sum("active"),
                inside("path")
            ),
        ),
        (
            "department members",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM department_members m \
                 JOIN departments d ON d.id = m.department_id WHERE {}",
                inside("d.path")
            ),
        ),
        (
            "notices read",
            format!(
                "SELECT CAST(COUNT(n.read_at) AS BIGINT) FROM notices n JOIN users u \
                 ON u.id = n.user_id WHERE {}",
                inside("u.scope_path")
            ),
        ),
        (
            "notice deliveries",
            format!(
                "SELECT CAST(COUNT(*) + {} * 1000 AS BIGINT) FROM notice_deliveries WHERE {}",
                sum("CASE WHEN state = 'dead' THEN 1 ELSE 0 END"),
                inside("path")
            ),
        ),
        (
            "bridges",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 FROM bridges WHERE {}",
                sum("version"),
                inside("path")
            ),
        ),
        (
            "bridge pushes",
            format!(
                "SELECT CAST(COUNT(*) + {} * 1000 AS BIGINT) FROM bridge_pushes WHERE {}",
                sum("CASE WHEN state = 'dead' THEN 1 ELSE 0 END"),
                inside("path")
            ),
        ),
        (
            "form values",
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM form_values WHERE {}",
                inside("path")
            ),
        ),
    ];
    for t in [
        "grids",
        "persons",
        "buildings",
        "houses",
        "organizations",
        "places",
        "cameras",
    ] {
        q.push((
            t,
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) + {} * 1000 FROM {t} WHERE {}",
                sum("version"),
                inside("path")
            ),
        ));
    }
    q
}

/// The district's fingerprint under its scope path, read in one statement.
pub async fn of(store: &Store, path: &str) -> Vec<(&'static str, i64)> {
    let q = queries(path);
    let sql = q
        .iter()
        .enumerate()
        .map(|(i, (_, one))| format!("SELECT {i} AS k, ({one}) AS v"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let sql = format!("SELECT v FROM ({sql}) t ORDER BY k");
    let values = store
        .scalars_for_tests(&sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    q.into_iter().map(|(what, _)| what).zip(values).collect()
}

/// What differs between two fingerprints, for the failure message.
pub fn changes(before: &[(&str, i64)], after: &[(&str, i64)]) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, a)| format!("{}: {} → {}", b.0, b.1, a.1))
        .collect()
}
