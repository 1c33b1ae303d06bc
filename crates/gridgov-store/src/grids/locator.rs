//! Point → grid for the whole product: an in-memory snapshot of every current grid's boundary
//! with its R-tree, rebuilt when the network's generation moves.
//!
//! Each node keeps its own snapshot. A change on this node forces a generation check on the next
//! lookup; changes made by other nodes are seen within `RECHECK_MS`, the longest a snapshot is
//! trusted without asking the database.

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

/// Every current grid with a boundary, as of one generation of the network.
pub struct NetworkSnapshot {
    pub generation: i64,
    pub grids: Vec<SnapshotGrid>,
    index: GridIndex,
}

impl NetworkSnapshot {
    /// The grid containing the point (WGS84), if any.
    pub fn locate(&self, p: LngLat) -> Option<&SnapshotGrid> {
        self.index.locate(p).map(|slot| &self.grids[slot as usize])
    }

    /// The grid nearest to the point among those whose path passes `keep`, with the distance in
    /// metres: what an error about a point outside every grid can name.
    pub fn nearest(&self, p: LngLat, keep: impl Fn(&str) -> bool) -> Option<(&SnapshotGrid, f64)> {
        self.index
            .nearest(p, |slot| keep(&self.grids[slot as usize].path))
            .map(|(slot, m)| (&self.grids[slot as usize], m))
    }

    /// The grids whose path lies under this one, in path order.
    pub fn under<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a SnapshotGrid> + 'a {
        // Sorted by path on load, so the range is one binary search away.
        let start = self.grids.partition_point(|g| g.path.as_str() < path);
        self.grids[start..]
            .iter()
            .take_while(move |g| g.path.starts_with(path))
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
    /// The snapshot of the current network, rebuilt if the network changed.
    pub async fn network_snapshot(&self) -> StoreResult<Arc<NetworkSnapshot>> {
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
