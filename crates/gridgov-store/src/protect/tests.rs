use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;

use super::keys::{self, DataKey};
use super::{FieldKind, Protector};
use crate::error::StoreError;

/// Bytes 0x00..=0x1f: fixed, so the known answers below can be recomputed elsewhere.
const KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const ID: &str = "11010519491231002X";
const PHONE: &str = "13800138000";

fn protector() -> Protector {
    Protector::new(&DataKey::from_hex(KEY_HEX).unwrap())
}

fn other_protector() -> Protector {
    Protector::new(&DataKey::from_hex(&DataKey::generate_hex()).unwrap())
}

fn internal_message(e: StoreError) -> String {
    match e {
        StoreError::Internal(m) => m,
        other => panic!("expected StoreError::Internal, got {other:?}"),
    }
}

#[test]
fn round_trip() {
    let p = protector();
    for (kind, value) in [
        (FieldKind::IdCardNo, ID),
        (FieldKind::Phone, PHONE),
        (FieldKind::Phone, ""),
        (FieldKind::Phone, "0571-8888 8888 转 12"),
    ] {
        let sealed = p.seal(kind, value).unwrap();
        assert!(sealed.starts_with("v1."), "{sealed}");
        assert!(!sealed.contains(value) || value.is_empty());
        assert_eq!(p.open(kind, &sealed).unwrap(), value);
        // A clone shares the keys.
        assert_eq!(p.clone().open(kind, &sealed).unwrap(), value);
    }
    // The sizes the schema is planned with.
    assert_eq!(p.seal(FieldKind::IdCardNo, ID).unwrap().len(), 65);
    assert_eq!(p.seal(FieldKind::Phone, PHONE).unwrap().len(), 55);
}

#[test]
fn each_seal_uses_a_fresh_nonce() {
    let p = protector();
    let sealed: Vec<String> = (0..100)
        .map(|_| p.seal(FieldKind::Phone, PHONE).unwrap())
        .collect();
    let mut nonces: Vec<Vec<u8>> = sealed
        .iter()
        .map(|s| URL_SAFE_NO_PAD.decode(&s[3..]).unwrap()[..12].to_vec())
        .collect();
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 100);
    let mut texts = sealed.clone();
    texts.dedup();
    assert_eq!(texts.len(), 100);
    for s in &sealed {
        assert_eq!(p.open(FieldKind::Phone, s).unwrap(), PHONE);
    }
}

#[test]
fn blind_index_is_deterministic_and_separated_by_kind_and_key() {
    let p = protector();
    let a = p.blind_index(FieldKind::Phone, PHONE);
    assert_eq!(a, p.blind_index(FieldKind::Phone, PHONE));
    assert_eq!(a, p.clone().blind_index(FieldKind::Phone, PHONE));
    assert_eq!(a.len(), 22);
    assert_ne!(a, p.blind_index(FieldKind::IdCardNo, PHONE));
    assert_ne!(a, p.blind_index(FieldKind::Phone, "13800138001"));
    assert_ne!(a, other_protector().blind_index(FieldKind::Phone, PHONE));
    // The separator keeps label and value apart: no kind's index equals a shifted input's.
    assert_ne!(
        p.blind_index(FieldKind::Phone, ""),
        p.blind_index(FieldKind::IdCardNo, "")
    );
}

/// Values computed independently (Python's hmac and `cryptography` AES-GCM) from the
/// construction in the module documentation. If this fails, stored data would stop opening or
/// matching: change the labels or the format only with a new version.
#[test]
fn known_answers() {
    let p = protector();
    assert_eq!(
        p.blind_index(FieldKind::IdCardNo, ID),
        "oK9Csx3owbCpr2w5vUoeew"
    );
    assert_eq!(
        p.blind_index(FieldKind::Phone, PHONE),
        "vMm1iuCXiYhvNmyMl7BFkA"
    );
    assert_eq!(p.key_check(), "oyEb08EoQ38");
    // Sealed with the nonce 100..112.
    let id = "v1.ZGVmZ2hpamtsbW5vAObbKZHTILYmWubsVzd2Cqu62NBfeArBlz2RgNvg0Cze4w";
    let phone = "v1.ZGVmZ2hpamtsbW5vAOTTKJHXIrciU-eJQFtY24EuA3o2px4ZSAJx";
    assert_eq!(p.open(FieldKind::IdCardNo, id).unwrap(), ID);
    assert_eq!(p.open(FieldKind::Phone, phone).unwrap(), PHONE);
}

#[test]
fn tampering_with_any_byte_fails() {
    let p = protector();
    let sealed = p.seal(FieldKind::IdCardNo, ID).unwrap();
    let bytes = URL_SAFE_NO_PAD.decode(&sealed[3..]).unwrap();
    // Every byte: nonce, ciphertext and tag.
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x01;
        let forged = format!("v1.{}", URL_SAFE_NO_PAD.encode(&t));
        let msg = internal_message(p.open(FieldKind::IdCardNo, &forged).unwrap_err());
        assert!(msg.contains("authentication failed"), "byte {i}: {msg}");
    }
    // Cut or extended.
    for forged in [
        format!("v1.{}", URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() - 1])),
        format!("v1.{}", URL_SAFE_NO_PAD.encode([&bytes[..], &[0]].concat())),
    ] {
        assert!(p.open(FieldKind::IdCardNo, &forged).is_err());
    }
    // A changed character of the text fails too, whether or not it still decodes.
    let mut chars: Vec<char> = sealed.chars().collect();
    for i in 3..chars.len() {
        let orig = chars[i];
        chars[i] = if orig == 'A' { 'B' } else { 'A' };
        let forged: String = chars.iter().collect();
        assert!(p.open(FieldKind::IdCardNo, &forged).is_err(), "char {i}");
        chars[i] = orig;
    }
}

#[test]
fn another_key_fails() {
    let sealed = protector().seal(FieldKind::Phone, PHONE).unwrap();
    let msg = internal_message(
        other_protector()
            .open(FieldKind::Phone, &sealed)
            .unwrap_err(),
    );
    assert!(msg.contains("authentication failed"), "{msg}");
}

#[test]
fn another_kind_fails() {
    let p = protector();
    let sealed = p.seal(FieldKind::Phone, PHONE).unwrap();
    let msg = internal_message(p.open(FieldKind::IdCardNo, &sealed).unwrap_err());
    assert!(msg.contains("authentication failed"), "{msg}");
    assert!(msg.contains("id_card_no"), "{msg}");
}

#[test]
fn malformed_values_are_named_without_being_quoted() {
    let p = protector();
    let sealed = p.seal(FieldKind::Phone, PHONE).unwrap();
    let v2 = sealed.replacen("v1.", "v2.", 1);
    let msg = internal_message(p.open(FieldKind::Phone, &v2).unwrap_err());
    assert!(msg.contains("v2 is unknown"), "{msg}");
    assert!(!msg.contains(&v2[3..]), "{msg}");

    for (input, expect) in [
        (PHONE, "not a sealed value"),
        ("", "not a sealed value"),
        ("v1.", "too short"),
        ("v1.AAAA", "too short"),
        ("v1.not base64!", "not valid base64url"),
        ("v1.AAAA==", "not valid base64url"),
    ] {
        let msg = internal_message(p.open(FieldKind::Phone, input).unwrap_err());
        assert!(msg.contains(expect), "{input:?}: {msg}");
        assert!(input.is_empty() || !msg.contains(input), "{input:?}: {msg}");
    }
}

#[test]
fn data_key_parsing() {
    assert!(DataKey::from_hex(&format!("  {}\n", KEY_HEX.to_uppercase())).is_ok());
    let secret = "f".repeat(63) + "0";
    for bad in [
        &KEY_HEX[..62],
        &format!("{KEY_HEX}00"),
        &format!("{}g", &secret[..63]),
        &"0".repeat(64),
        &"ab".repeat(32),
        "",
    ] {
        match DataKey::from_hex(bad) {
            Err(StoreError::Config(m)) => {
                assert!(m.starts_with("data key: "), "{m}");
                assert!(bad.len() < 8 || !m.contains(&bad[..8]), "{m}");
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    let g = DataKey::generate_hex();
    assert_eq!(g.len(), 64);
    assert!(DataKey::from_hex(&g).is_ok());
    assert_ne!(g, DataKey::generate_hex());
}

#[test]
fn debug_shows_no_key_material() {
    let key = DataKey::from_hex(KEY_HEX).unwrap();
    let p = Protector::new(&key);
    let shown = format!("{key:?} {key:#?} {p:?} {p:#?}");
    let mut secrets = vec![KEY_HEX.to_owned()];
    for label in [keys::ENCRYPT_LABEL, keys::INDEX_LABEL] {
        let sub = key.derive(label);
        secrets.push(hex::encode(sub));
        secrets.push(format!("{:?}", &sub[..4]).trim_end_matches(']').to_owned());
    }
    secrets.push(
        format!("{:?}", &[0u8, 1, 2, 3])
            .trim_end_matches(']')
            .to_owned(),
    );
    for s in &secrets {
        assert!(
            !shown.to_lowercase().contains(&s.to_lowercase()),
            "{s} in {shown}"
        );
    }
    assert!(shown.contains("DataKey(<redacted>)"), "{shown}");
    assert!(shown.contains("Protector"), "{shown}");
}

#[test]
fn subkeys_are_distinct_and_padded_hmac_is_plain_hmac() {
    let key = DataKey::from_hex(KEY_HEX).unwrap();
    let labels = [keys::ENCRYPT_LABEL, keys::INDEX_LABEL, keys::CHECK_LABEL];
    let subs: Vec<[u8; 32]> = labels.iter().map(|l| key.derive(l)).collect();
    assert_ne!(subs[0], subs[1]);
    assert_ne!(subs[1], subs[2]);
    assert_ne!(subs[0], subs[2]);

    let k = subs[0];
    let mut padded = keys::hmac_sha256(&k);
    let mut plain = hmac::Hmac::<sha2::Sha256>::new_from_slice(&k).unwrap();
    padded.update(b"same input");
    plain.update(b"same input");
    assert_eq!(
        padded.finalize().into_bytes(),
        plain.finalize().into_bytes()
    );
}

#[test]
fn key_check_tells_keys_apart() {
    assert_eq!(protector().key_check(), protector().key_check());
    assert_ne!(protector().key_check(), other_protector().key_check());
}

#[test]
fn protector_is_shareable() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Protector>();
    let p = protector();
    let sealed = std::thread::spawn(move || p.seal(FieldKind::Phone, PHONE).unwrap())
        .join()
        .unwrap();
    assert_eq!(protector().open(FieldKind::Phone, &sealed).unwrap(), PHONE);
}

/// The import budget: two seals and two indexes per row. Run in release:
/// `cargo test --release -p gridgov-store --lib protect::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore = "timing; run by hand in release"]
fn throughput() {
    use std::hint::black_box;
    use std::time::Instant;

    const ROWS: usize = 1_000_000;
    let p = protector();
    let rows: Vec<(String, String)> = (0..ROWS)
        .map(|i| {
            (
                format!("3301061990{:07}X", i % 10_000_000),
                format!("138{:08}", i),
            )
        })
        .collect();

    let start = Instant::now();
    for (id, phone) in &rows {
        black_box(p.seal(FieldKind::IdCardNo, id).unwrap());
        black_box(p.seal(FieldKind::Phone, phone).unwrap());
        black_box(p.blind_index(FieldKind::IdCardNo, id));
        black_box(p.blind_index(FieldKind::Phone, phone));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "seal 2 + index 2: {ROWS} rows in {secs:.3} s = {:.0} rows/s, {:.0} ns/row (one thread)",
        ROWS as f64 / secs,
        secs * 1e9 / ROWS as f64
    );

    // The parts, for the record.
    let sealed: Vec<String> = rows
        .iter()
        .map(|(_, phone)| p.seal(FieldKind::Phone, phone).unwrap())
        .collect();
    let start = Instant::now();
    for s in &sealed {
        black_box(p.open(FieldKind::Phone, s).unwrap());
    }
    let open_ns = start.elapsed().as_secs_f64() * 1e9 / ROWS as f64;
    let start = Instant::now();
    for (_, phone) in &rows {
        black_box(p.blind_index(FieldKind::Phone, phone));
    }
    let index_ns = start.elapsed().as_secs_f64() * 1e9 / ROWS as f64;
    let start = Instant::now();
    for (_, phone) in &rows {
        black_box(p.seal(FieldKind::Phone, phone).unwrap());
    }
    let seal_ns = start.elapsed().as_secs_f64() * 1e9 / ROWS as f64;
    // What a system call per nonce would cost instead of the thread's CSPRNG.
    let start = Instant::now();
    let mut nonce = [0u8; 12];
    for _ in 0..ROWS {
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        black_box(&nonce);
    }
    let os_ns = start.elapsed().as_secs_f64() * 1e9 / ROWS as f64;
    let start = Instant::now();
    for _ in 0..ROWS {
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut nonce);
        black_box(&nonce);
    }
    let thread_ns = start.elapsed().as_secs_f64() * 1e9 / ROWS as f64;
    println!(
        "per call: seal phone {seal_ns:.0} ns, open phone {open_ns:.0} ns, \
         blind index {index_ns:.0} ns; nonce from OsRng {os_ns:.0} ns vs thread_rng {thread_ns:.0} ns"
    );
}
