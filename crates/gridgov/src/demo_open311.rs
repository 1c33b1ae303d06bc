//! The demo's Open311 door: a key for the demo city's citizen app, printed with the logins so
//! a person can try `POST /open311/v2/requests.json` at once. Keys are kept only as digests, so
//! each start revokes the previous demo key and issues a new one (one write, no wait).

use anyhow::Result;
use gridgov_core::auth::Actor;
use gridgov_store::Store;

/// The demo city: Huangshi.
pub const CITY: &str = "4202";
const APP: &str = "演示随手拍 demo app";

/// The demo app's key and a position inside one of the city's grids to try it with.
pub struct DemoDoor {
    pub key: String,
    pub lng: f64,
    pub lat: f64,
}

/// A fresh key for the demo app (the earlier one revoked), and a position that a grid holds.
pub async fn key(store: &Store) -> Result<DemoDoor> {
    let sys = Actor::system();
    for k in store.open311_keys(&sys).await? {
        if k.name == APP && k.revoked_at.is_none() {
            store.revoke_open311_key(&sys, &k.id).await?;
        }
    }
    let key = store.issue_open311_key(&sys, CITY, APP, None).await?.key;
    let (mut lng, mut lat) = (115.05, 30.2);
    for g in store.bulk_ground(&sys).await?.grids {
        let Some([x0, y0, x1, y1]) = g.bbox else {
            continue;
        };
        let (x, y) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        if let Some(found) = store.locate(&sys, gridgov_geo::LngLat::new(x, y)).await?
            && found.grid.grid.id == g.id
        {
            (lng, lat) = (x, y);
            break;
        }
    }
    Ok(DemoDoor { key, lng, lat })
}

/// What the welcome prints about the door.
pub fn lines(host: &str, door: &DemoDoor) -> Vec<String> {
    let (key, lng, lat) = (&door.key, door.lng, door.lat);
    vec![
        format!("Open311 api_key / 开放接口密钥 (jurisdiction_id {CITY}): {key}"),
        format!("  curl http://{host}/open311/v2/services.json?jurisdiction_id={CITY}"),
        format!(
            "  curl -d api_key={key} -d service_code=0601 -d lat={lat:.6} -d long={lng:.6} \
             -d description=井盖缺失 http://{host}/open311/v2/requests.json"
        ),
    ]
}
