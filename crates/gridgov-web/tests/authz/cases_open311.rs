//! The Open311 routes: the GeoReport v2 door is public (a key in the body is what lets a POST
//! in, and the store decides the rest), and the desk's page of keys and service mapping needs
//! the settings permission, inside a scope that covers the city.

use super::case::{Access, Case, Send, Target, need::*};

const PUBLIC: Access = Access::Public(
    "Open311 GeoReport v2: public reads of a city's requests without personal data; a POST \
     needs an application's api_key, not a login",
);

pub fn cases() -> Vec<Case> {
    use Target::*;
    vec![
        Case::get("/open311/v2/{file}", PUBLIC, Side)
            .fixed(&[("file", "requests.json")])
            .send(|_| Send::query(&[("jurisdiction_id", "4202")])),
        Case::post("/open311/v2/{file}", PUBLIC, Side)
            .fixed(&[("file", "requests.json")])
            .send(|_| Send::form(&[("api_key", "o311_wrong"), ("service_code", "01")])),
        Case::get("/open311/v2/services/{file}", PUBLIC, Side)
            .fixed(&[("file", "01.xml")])
            .send(|_| Send::query(&[("jurisdiction_id", "4202")])),
        Case::get("/open311/v2/requests/{file}", PUBLIC, Side)
            .fixed(&[("file", "SJ-000000-20260101-0001.json")])
            .send(|_| Send::query(&[("jurisdiction_id", "4202")])),
        Case::get("/open311/v2/tokens/{file}", PUBLIC, Side)
            .fixed(&[("file", "unknown.json")])
            .send(|_| Send::query(&[("jurisdiction_id", "4202")])),
        Case::get("/admin/open311", MANAGE_SETTINGS, Side),
        Case::post("/admin/open311/keys", MANAGE_SETTINGS, Side)
            .send(|c| Send::form(&[("city", &c.side.county[..4]), ("name", "随手拍")])),
        Case::post("/admin/open311/keys/{id}/revoke", MANAGE_SETTINGS, Side)
            .fixed(&[("id", "no-such-key")])
            .send(|_| Send::form(&[])),
        Case::post("/admin/open311/services/{city}/seed", MANAGE_SETTINGS, Side)
            .fixed(&[("city", "4202")])
            .send(|_| Send::form(&[])),
        Case::post(
            "/admin/open311/services/{city}/{code}",
            MANAGE_SETTINGS,
            Side,
        )
        .fixed(&[("city", "4202"), ("code", "01")])
        .send(|_| {
            Send::form(&[
                ("service_code", "01"),
                ("name", "矛盾纠纷"),
                ("active", "1"),
                ("version", "1"),
            ])
        }),
    ]
}
