//! A request posted through a key becomes a citizen incident of the key's city: checked whole
//! first (the spec's fields, the service, the place, the attributes), then reported through the
//! one report path (`report_incident`'s) by the key's door, with the request's own row (token,
//! service code, the reporter's contact, sealed) written in the same transaction.

use gridgov_core::FieldError;
use gridgov_core::ids::Phone;
use gridgov_core::open311::{AttributeValue, DESCRIPTION_MAX};
use serde_json::json;
use sqlx::AnyConnection;

use super::ApiKey;
use crate::auth::random_token;
use crate::incidents::ReportInput;
use crate::protect::FieldKind;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// A request as the client sent it (the spec's fields, text as typed).
#[derive(Debug, Clone, Default)]
pub struct Open311Report {
    pub service_code: String,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: String,
    pub address_id: String,
    pub email: String,
    pub device_id: String,
    pub account_id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub description: String,
    pub media_url: String,
    /// `attribute[code]=value` pairs, code and value.
    pub attributes: Vec<(String, String)>,
}

/// What the client is told: the request's id (the incident number), its token and a notice.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Posted {
    pub service_request_id: String,
    pub token: String,
    pub account_id: String,
}

/// The request's own row, written inside the report's transaction.
pub(crate) struct Open311Extra {
    token: String,
    key_id: String,
    region_code: String,
    service_code: String,
    first_name: String,
    last_name: String,
    email_sealed: Option<String>,
    phone_sealed: Option<String>,
    device_id: String,
    account_id: String,
    address_id: String,
    media_url: String,
}

impl Open311Extra {
    pub(crate) async fn write(
        &self,
        conn: &mut AnyConnection,
        county: &str,
        incident_id: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO open311_requests (token, county_code, incident_id, region_code, key_id, \
             service_code, first_name, last_name, email_sealed, phone_sealed, device_id, \
             account_id, address_id, media_url, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&self.token)
        .bind(county)
        .bind(incident_id)
        .bind(&self.region_code)
        .bind(&self.key_id)
        .bind(&self.service_code)
        .bind(&self.first_name)
        .bind(&self.last_name)
        .bind(&self.email_sealed)
        .bind(&self.phone_sealed)
        .bind(&self.device_id)
        .bind(&self.account_id)
        .bind(&self.address_id)
        .bind(&self.media_url)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// What the incident's first audit record says of the door (no personal data).
    pub(crate) fn summary(&self) -> serde_json::Value {
        json!({"key": self.key_id, "service_code": self.service_code, "token": self.token})
    }
}

/// Short free text: trimmed, at most `max` characters, no control characters.
fn short(faults: &mut Vec<FieldError>, field: &str, v: &str, max: usize) -> String {
    let v = v.trim();
    if v.chars().count() > max || v.chars().any(char::is_control) {
        faults.push(FieldError::new(
            field,
            "bad_text",
            format!("最多 {max} 个字符，不含控制字符"),
            format!("at most {max} characters, without control characters"),
        ));
        return String::new();
    }
    v.to_owned()
}

fn coordinate(faults: &mut Vec<FieldError>, field: &str, v: &str) -> Option<f64> {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            faults.push(FieldError::new(
                field,
                "not_a_number",
                "应为十进制度数（WGS84）",
                "a number of decimal degrees (WGS84)",
            ));
            None
        }
    }
}

/// The first characters of the description, as the incident's title.
fn title_from(description: &str, fallback: &str) -> String {
    let line = description.lines().next().unwrap_or("").trim();
    let t: String = line.chars().take(30).collect();
    if gridgov_core::text::visible_chars(&t) >= 2 {
        t
    } else {
        fallback.to_owned()
    }
}

impl Store {
    /// Reports a request through `key`. Field errors name the spec's fields; an unknown service
    /// is `unknown_service` on `service_code` (the web answers 404), a place outside every grid
    /// of the city `outside_every_grid` (400). Nothing is written unless all of it is.
    pub async fn open311_report(&self, key: &ApiKey, r: &Open311Report) -> StoreResult<Posted> {
        let door = key.actor();
        let code = r.service_code.trim();
        if code.is_empty() {
            return Err(super::fault(
                "service_code",
                "required",
                "缺少 service_code",
                "service_code was not provided",
            ));
        }
        let service: Option<(String, String)> = sqlx::query_as(
            "SELECT s.category_code, s.name FROM open311_services s \
             JOIN incident_categories c ON c.code = s.category_code \
             WHERE s.region_code = $1 AND s.service_code = $2 AND s.active = 1 \
             AND c.public = 1 AND c.active = 1",
        )
        .bind(&key.region_code)
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        let Some((category, service_name)) = service else {
            return Err(super::fault(
                "service_code",
                "unknown_service",
                format!("本辖区没有服务代码 {code}"),
                format!("service_code {code} was not found in this jurisdiction"),
            ));
        };
        let mut faults = Vec::new();
        let description = r.description.trim();
        if description.chars().count() > DESCRIPTION_MAX {
            faults.push(FieldError::new(
                "description",
                "too_long",
                format!("描述最多 {DESCRIPTION_MAX} 个字符"),
                format!("description has at most {DESCRIPTION_MAX} characters"),
            ));
        }
        let attrs =
            AttributeValue::read(r.attributes.iter().map(|(c, v)| (c.as_str(), v.as_str())))
                .unwrap_or_else(|e| {
                    faults.extend(e);
                    AttributeValue::default()
                });
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let position = match (given(&r.lat), given(&r.long)) {
            (Some(lat), Some(lng)) => {
                let lat = coordinate(&mut faults, "lat", &lat);
                let lng = coordinate(&mut faults, "long", &lng);
                lat.zip(lng)
            }
            (None, None) => None,
            _ => {
                faults.push(FieldError::new(
                    "long",
                    "half_a_position",
                    "lat 和 long 须同时提供",
                    "lat and long must be sent together",
                ));
                None
            }
        };
        let address = short(&mut faults, "address_string", &r.address_string, 200);
        let address_id = short(&mut faults, "address_id", &r.address_id, 100);
        let first_name = short(&mut faults, "first_name", &r.first_name, 50);
        let last_name = short(&mut faults, "last_name", &r.last_name, 50);
        let device_id = short(&mut faults, "device_id", &r.device_id, 100);
        let account_id = short(&mut faults, "account_id", &r.account_id, 100);
        let media_url = short(&mut faults, "media_url", &r.media_url, 500);
        let is_link = media_url.starts_with("https://") || media_url.starts_with("http://");
        if !(media_url.is_empty() || is_link) {
            faults.push(FieldError::new(
                "media_url",
                "not_a_link",
                "media_url 应为 http 或 https 链接",
                "media_url must be an http or https link",
            ));
        }
        let email = r.email.trim();
        if !email.is_empty()
            && (email.len() > 254
                || email.chars().any(|c| c.is_whitespace() || c.is_control())
                || !email
                    .split_once('@')
                    .is_some_and(|(a, d)| !a.is_empty() && d.contains('.')))
        {
            faults.push(FieldError::new(
                "email",
                "bad_email",
                "电子邮箱格式有误",
                "not an e-mail address",
            ));
        }
        let phone = match r.phone.trim() {
            "" => None,
            p => Phone::parse("phone", p).map_err(|e| faults.push(e)).ok(),
        };
        if position.is_none() && address.is_empty() && address_id.is_empty() && faults.is_empty() {
            faults.push(FieldError::new(
                "lat",
                "no_location",
                "须提供位置：lat 和 long，或 address_string，或 address_id",
                "a location is required: lat and long, or address_string, or address_id",
            ));
        }
        if !faults.is_empty() {
            return Err(StoreError::Invalid(gridgov_core::Invalid(faults)));
        }
        // Without a position, the address names a building of the city (its id, or its
        // address as written in the base data), whose grid the request lies in.
        let (grid_id, address) =
            if position.is_none() {
                let (grid, at) = self
                .building_for(key, &address_id, &address)
                .await?
                .ok_or_else(|| {
                    let field = if address_id.is_empty() { "address_string" } else { "address_id" };
                    super::fault(
                        field,
                        "unknown_address",
                        "本辖区找不到该地址；请改用 lat 和 long",
                        "the address was not found in this jurisdiction; send lat and long instead",
                    )
                })?;
                (grid, if address.is_empty() { at } else { address })
            } else {
                (String::new(), address)
            };
        let seal = |kind: FieldKind, v: &str| -> StoreResult<Option<String>> {
            match v {
                "" => Ok(None),
                v => Ok(Some(self.protector()?.seal(kind, v)?)),
            }
        };
        let extra = Open311Extra {
            token: random_token(12),
            key_id: key.id.clone(),
            region_code: key.region_code.clone(),
            service_code: code.to_owned(),
            first_name,
            last_name,
            email_sealed: seal(FieldKind::Email, email)?,
            phone_sealed: seal(
                FieldKind::Phone,
                phone.as_ref().map(Phone::as_str).unwrap_or(""),
            )?,
            device_id,
            account_id: account_id.clone(),
            address_id,
            media_url,
        };
        let input = ReportInput {
            title: attrs
                .title
                .clone()
                .unwrap_or_else(|| title_from(description, &service_name)),
            description: if description.is_empty() {
                service_name.clone()
            } else {
                description.to_owned()
            },
            category,
            source: "citizen".into(),
            occurred_at: attrs.occurred_at,
            lng: position.map(|p| p.1),
            lat: position.map(|p| p.0),
            grid_id,
            address,
            ..Default::default()
        };
        let view = self
            .report_incident_through(&door, &input, Some(&extra))
            .await
            .map_err(rename_fields)?;
        Ok(Posted {
            service_request_id: view.number,
            token: extra.token,
            account_id,
        })
    }

    /// The grid and address of a building of the key's city, by id or by its address.
    async fn building_for(
        &self,
        key: &ApiKey,
        address_id: &str,
        address: &str,
    ) -> StoreResult<Option<(String, String)>> {
        let city =
            ScopeRange::of_path(&gridgov_core::scope::ScopePath::from_path(key.path.clone()));
        let (column, value) = if address_id.is_empty() {
            ("address", address)
        } else {
            ("id", address_id)
        };
        Ok(sqlx::query_as(&format!(
            "SELECT grid_id, address FROM buildings WHERE {column} = $1 AND {} \
             ORDER BY county_code, id LIMIT 1",
            city.sql("path", 2)
        ))
        .bind(value)
        .bind_scope(&city)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// The report's checks name the desk's fields; a client of the spec knows its own.
fn rename_fields(e: StoreError) -> StoreError {
    match e {
        StoreError::Invalid(mut inv) => {
            for f in &mut inv.0 {
                f.field = match f.field.as_str() {
                    "lng" => "long".into(),
                    "title" => "attribute[title]".into(),
                    "occurred_at" => "attribute[occurred_at]".into(),
                    "address" => "address_string".into(),
                    other => other.to_owned(),
                };
            }
            StoreError::Invalid(inv)
        }
        other => other,
    }
}
