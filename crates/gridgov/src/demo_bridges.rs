//! The demo's bridges: the city's 12345 hotline and the district police's 110 feed, configured
//! as a system administrator configures them, and a few orders each has sent, reported through
//! the same store call the inbound door uses. Placed where the demo's own reports lie, so each
//! lands in a grid. Only when the demo has no bridge yet.

use anyhow::Result;
use gridgov_core::auth::Actor;
use gridgov_core::bridges::MappedOrder;
use gridgov_store::Store;
use gridgov_store::bridges::BridgeInput;
use gridgov_store::incidents::IncidentFilter;

const HOTLINE_MAPPING: &str = r#"{"external_no": "/gdbh", "title": "/bt", "description": "/nr",
  "category": "/lb", "category_map": {"市容环境": "0601", "治安": "0201", "矛盾纠纷": "0101"},
  "default_category": "0601", "address": "/dz", "lng": "/jd", "lat": "/wd", "crs": "gcj02",
  "occurred_at": "/slsj", "caller_name": "/ldr/xm", "caller_phone": "/ldr/dh"}"#;
const POLICE_MAPPING: &str = r#"{"external_no": "/jqbh", "title": "/jqmc", "description": "/bjnr",
  "category": "/jqlb", "category_map": {"纠纷": "0101", "治安": "0201"}, "address": "/fadz",
  "lng": "/x", "lat": "/y", "crs": "wgs84", "occurred_at": "/bjsj",
  "caller_name": "/bjr", "caller_phone": "/lxdh"}"#;

/// (bridge, order number, title, what the caller said, category, caller).
const ORDERS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "hs-12345",
        "HS12345-20260601-0031",
        "小区门口占道摆摊",
        "来电人反映小区南门早市摊贩占用人行道，老人出行不便。",
        "0601",
        "王女士",
    ),
    (
        "hs-12345",
        "HS12345-20260601-0047",
        "楼道堆放杂物",
        "来电人反映3栋2单元楼道长期堆放纸箱，存在消防隐患。",
        "0601",
        "陈先生",
    ),
    (
        "hs-12345",
        "HS12345-20260602-0012",
        "邻里噪音纠纷",
        "来电人反映楼上住户深夜装修噪音扰民，协商未果。",
        "0101",
        "刘先生",
    ),
    (
        "hs-110",
        "JQ420202-20260602-0105",
        "夜间聚集喧哗",
        "报警人称烧烤店门口多人饮酒喧哗，影响周边休息。",
        "0201",
        "赵先生",
    ),
    (
        "hs-110",
        "JQ420202-20260603-0021",
        "车位纠纷",
        "报警人称与邻居因车位发生争执，现场已平息，需社区调解。",
        "0101",
        "孙女士",
    ),
];

/// Configures the two bridges and reports their orders; how many orders were received.
pub async fn seed(store: &Store) -> Result<usize> {
    let sys = Actor::system();
    if !store.bridges(&sys).await?.is_empty() {
        return Ok(0);
    }
    for (id, kind, name, region, url, mapping) in [
        (
            "hs-12345",
            "hotline_12345",
            "黄石市12345政务服务便民热线",
            "4202",
            "https://12345.huangshi.example/gridgov/status",
            HOTLINE_MAPPING,
        ),
        (
            "hs-110",
            "police_110",
            "黄石港公安分局110警情推送",
            "420202",
            "",
            POLICE_MAPPING,
        ),
    ] {
        store
            .save_bridge(
                &sys,
                &BridgeInput {
                    id: id.into(),
                    kind: kind.into(),
                    name: name.into(),
                    region_code: region.into(),
                    // A demo's secret, published with it: never one of a real deployment.
                    secret: format!("demo-{id}-shared-secret"),
                    push_url: url.into(),
                    mapping: mapping.into(),
                    active: true,
                    version: 0,
                },
            )
            .await?;
    }
    // Where the district's own reports lie: inside its grids.
    let recent = store
        .incidents(
            &sys,
            &IncidentFilter {
                region: "420202".into(),
                limit: Some(40),
                ..IncidentFilter::default()
            },
        )
        .await?;
    let mut points = Vec::new();
    for i in &recent.items {
        let v = store.incident(&sys, &i.county_code, &i.id).await?;
        if let (Some(lng), Some(lat)) = (v.lng, v.lat)
            && let (Ok(lng), Ok(lat)) = (lng.parse::<f64>(), lat.parse::<f64>())
        {
            points.push((lng, lat, v.address));
        }
        if points.len() == ORDERS.len() {
            break;
        }
    }
    let mut made = 0;
    for ((bridge, no, title, said, category, caller), (lng, lat, address)) in
        ORDERS.iter().zip(points)
    {
        let door = store.bridge_door(bridge).await?;
        let order = MappedOrder {
            external_no: (*no).into(),
            title: (*title).into(),
            description: (*said).into(),
            category: (*category).into(),
            address,
            lng: Some(lng),
            lat: Some(lat),
            // The points are the demo's own WGS84 positions.
            crs: "wgs84".into(),
            occurred_at: None,
            caller_name: (*caller).into(),
            caller_phone: format!("1390714{:04}", 1000 + made),
        };
        store.receive_order(&door, &order).await?;
        made += 1;
    }
    Ok(made)
}
