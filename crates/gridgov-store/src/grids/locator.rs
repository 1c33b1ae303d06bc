//! Point → grid for the whole product: an in-memory snapshot of every current grid's boundary
//! with its R-tree, rebuilt when the network's generation moves.
//!
//! Each node keeps its own snapshot. A change on this node forces a generation check on the next
//! lookup; changes made by other nodes are seen within `RECHECK_MS`, the longest a snapshot is
//! trusted without asking the database.
//!
//! The snapshot holds every grid of the country, so it never leaves the store whole: callers get
//! [`ScopedShapes`], the grids under a path inside their scope, which shares the snapshot instead
//! of copying shapes.

use std::ops::Range;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use geo::MultiPolygon;
use gridgov_core::auth::{Actor, Permission};
use gridgov_geo::LngLat;
use gridgov_geo::index::GridIndex;
use serde::Serialize;

use super::GridRow;
use crate::regions::Region;
use crate::{Store, StoreError, StoreResult};

const RECHECK_MS: i64 = 2_000;

/// One current grid with a boundary.
pub struct SnapshotGrid {
    pub id: String,
    pub path: String,
    pub shape: MultiPolygon<f64>,
}

/// Every current grid with a boundary, as of one generation of the network. Unscoped: it stays
/// inside the store, and reaches callers only as [`ScopedShapes`].
pub(crate) struct NetworkSnapshot {
    pub(crate) generation: i64,
    pub(crate) grids: Vec<SnapshotGrid>,
    index: GridIndex,
}

impl NetworkSnapshot {
    /// The grid containing the point (WGS84), if any.
    pub(crate) fn locate(&self, p: LngLat) -> Option<&SnapshotGrid> {
        self.index.locate(p).map(|slot| &self.grids[slot as usize])
    }

    /// The grid nearest to the point among those whose path passes `keep`, with the distance in
    /// metres: what an error about a point outside every grid can name.
    pub(crate) fn nearest(
        &self,
        p: LngLat,
        keep: impl Fn(&str) -> bool,
    ) -> Option<(&SnapshotGrid, f64)> {
        self.index
            .nearest(p, |slot| keep(&self.grids[slot as usize].path))
            .map(|(slot, m)| (&self.grids[slot as usize], m))
    }

    /// The positions of the grids whose path lies under this one. Sorted by path on load, so
    /// they are one slice, two binary searches away.
    fn under(&self, path: &str) -> Range<usize> {
        let start = self.grids.partition_point(|g| g.path.as_str() < path);
        let len = self.grids[start..].partition_point(|g| g.path.starts_with(path));
        start..start + len
    }
}

/// The grids with a boundary under one path and inside one caller's scope, in path order, as of
/// one snapshot of the network. Holds the snapshot (an `Arc`), not copies of the shapes, and may
/// be moved to another thread to draw them.
pub struct ScopedShapes {
    snapshot: Arc<NetworkSnapshot>,
    path: String,
    grids: Range<usize>,
}

// Drawn on a CPU slot, away from the request's task.
const _: fn() = || {
    fn send_static<T: Send + Sync + 'static>() {}
    send_static::<ScopedShapes>();
};

impl ScopedShapes {
    /// The path the view covers: the one asked for, or the caller's scope where that is narrower.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn len(&self) -> usize {
        self.grids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, SnapshotGrid> {
        self.snapshot.grids[self.grids.clone()].iter()
    }
}

/// The cached snapshot of one node.
#[derive(Default)]
pub(crate) struct Locator {
    current: RwLock<Option<Arc<NetworkSnapshot>>>,
    /// When the generation was last compared with the database (ms), 0 to force a check.
    checked_at: AtomicI64,
    /// One rebuild at a time: concurrent lookups wait for it instead of each rebuilding.
    rebuilding: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locator").finish_non_exhaustive()
    }
}

impl Locator {
    /// Makes the next lookup compare generations (after a change on this node).
    pub(crate) fn invalidate(&self) {
        self.checked_at.store(0, Ordering::Relaxed);
    }

    fn cached(&self) -> Option<Arc<NetworkSnapshot>> {
        self.current.read().ok().and_then(|g| g.clone())
    }
}

/// The answer to "where is this point": the grid and its chain of regions, top first.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    pub grid: GridRow,
    pub regions: Vec<Region>,
}

impl Store {
    /// The shapes of the current grids under a path (the caller's whole scope for `None`) that
    /// lie inside the caller's scope. A path wider than the scope is narrowed to the scope (a
    /// grid's village, seen by someone whose scope is that grid); a path beside it is `NotFound`.
    pub async fn network_view(
        &self,
        actor: &Actor,
        under_path: Option<&str>,
    ) -> StoreResult<ScopedShapes> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let scope = actor.scope.as_str();
        let path = match under_path.filter(|p| !p.is_empty()) {
            None => scope,
            Some(p) if actor.scope.contains(p) => p,
            Some(p) if scope.starts_with(p) => scope,
            Some(_) => return Err(StoreError::NotFound),
        };
        let snapshot = self.network_snapshot().await?;
        let grids = snapshot.under(path);
        Ok(ScopedShapes {
            snapshot,
            path: path.to_owned(),
            grids,
        })
    }

    /// The snapshot of the current network, rebuilt if the network changed. Unscoped: for the
    /// store's own use (locating a point, then checking the scope), never handed out.
    pub(crate) async fn network_snapshot(&self) -> StoreResult<Arc<NetworkSnapshot>> {
        let loc = &self.locator;
        let now = self.now_ms();
        let cached = loc.cached();
        if let Some(s) = &cached
            && now - loc.checked_at.load(Ordering::Relaxed) < RECHECK_MS
        {
            return Ok(s.clone());
        }
        let _one = loc.rebuilding.lock().await;
        let generation = self.network_generation().await?;
        if let Some(s) = loc.cached()
            && s.generation == generation
        {
            loc.checked_at.store(now, Ordering::Relaxed);
            return Ok(s);
        }
        let snap = Arc::new(self.load_snapshot(generation).await?);
        if let Ok(mut w) = loc.current.write() {
            *w = Some(snap.clone());
        }
        loc.checked_at.store(now, Ordering::Relaxed);
        Ok(snap)
    }

    async fn network_generation(&self) -> StoreResult<i64> {
        let (g,): (i64,) = sqlx::query_as("SELECT generation FROM grid_network WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(g)
    }

    async fn load_snapshot(&self, generation: i64) -> StoreResult<NetworkSnapshot> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, path, boundary FROM grids \
             WHERE valid_to IS NULL AND boundary IS NOT NULL ORDER BY path",
        )
        .fetch_all(&self.pool)
        .await?;
        // Parsing 15,000 boundaries takes a while; keep it off the async workers.
        tokio::task::spawn_blocking(move || build_snapshot(generation, rows))
            .await
            .map_err(|e| StoreError::Internal(format!("snapshot build: {e}")))?
    }

    /// The grid that contains the point, inside the actor's scope. A point in a grid outside
    /// the scope answers like a point outside every grid: the actor must not learn of it.
    pub async fn locate(&self, actor: &Actor, p: LngLat) -> StoreResult<Option<Located>> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let snap = self.network_snapshot().await?;
        let Some(hit) = snap.locate(p) else {
            return Ok(None);
        };
        if !actor.scope.contains(&hit.path) {
            return Ok(None);
        }
        let grid = match self.grid(actor, &hit.id).await {
            Ok(g) => g,
            // Retired between the snapshot and now: the next snapshot will not hold it.
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let regions = self.region_trail(actor, &grid.grid.path).await?;
        Ok(Some(Located { grid, regions }))
    }
}

fn build_snapshot(
    generation: i64,
    rows: Vec<(String, String, String)>,
) -> StoreResult<NetworkSnapshot> {
    let mut grids = Vec::with_capacity(rows.len());
    for (id, path, text) in rows {
        let shape = gridgov_geo::geometry::from_geojson(&text).map_err(|e| {
            StoreError::Internal(format!("stored boundary of grid {id} is unreadable: {e}"))
        })?;
        grids.push(SnapshotGrid { id, path, shape });
    }
    let index = GridIndex::build(
        grids
            .iter()
            .enumerate()
            .map(|(i, g)| (i as u32, g.shape.clone()))
            .collect(),
    );
    Ok(NetworkSnapshot {
        generation,
        grids,
        index,
    })
}
