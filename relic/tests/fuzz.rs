//! A mutation fuzzer over the model checks (stable Rust, no cargo-fuzz): valid scans (GLB,
//! zip, glTF with data URIs) are damaged by bit flips, truncations, lying lengths, spliced
//! JSON numbers and cut ranges; every result must be a clear problem list or a valid model —
//! never a panic — and memory must stay bounded. A short run here; `cargo xtask fuzz` runs it
//! long (`DISAN_FUZZ_ITERATIONS`, `DISAN_FUZZ_SEED`).

use base64::Engine;
use disan_assetgen::scan::{ScanSpec, glb};
use disan_relic::{Limits, check};
use serde_json::{Value, json};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: [u64; 10] = [
    0,
    1,
    3,
    255,
    65_535,
    65_536,
    0x7FFF_FFFF,
    0xFFFF_FFFF,
    1 << 40,
    u64::MAX,
];

/// Replaces one number somewhere in `v` (the `k`-th met) with `n`.
fn splice(v: &mut Value, k: &mut usize, n: &Value) -> bool {
    match v {
        Value::Number(_) => {
            if *k == 0 {
                *v = n.clone();
                return true;
            }
            *k -= 1;
            false
        }
        Value::Array(a) => a.iter_mut().any(|x| splice(x, k, n)),
        Value::Object(o) => o.values_mut().any(|x| splice(x, k, n)),
        _ => false,
    }
}

fn mutate(seed: &[u8], json: &Value, bin: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    match rng.below(7) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        1 => b.truncate(rng.below(b.len())),
        2 => {
            let i = rng.below(b.len().saturating_sub(4));
            let v = INTERESTING[rng.below(INTERESTING.len())] as u32;
            b[i..i + 4].copy_from_slice(&v.to_le_bytes());
        }
        3 => {
            // A chunk length that lies (the JSON chunk's or the binary chunk's).
            let at = if rng.below(2) == 0 || b.len() < 24 {
                12
            } else {
                let json_len = u32::from_le_bytes(b[12..16].try_into().unwrap()) as usize;
                (20 + json_len).min(b.len() - 4)
            };
            let v = INTERESTING[rng.below(INTERESTING.len())] as u32;
            if at + 4 <= b.len() {
                b[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
        }
        4 | 5 => {
            // A number of the JSON replaced: counts, offsets, indices, sizes.
            let mut j = json.clone();
            let n = match rng.below(4) {
                0 => json!(INTERESTING[rng.below(INTERESTING.len())]),
                1 => json!(-1 - rng.below(1000) as i64),
                2 => json!(1e308),
                _ => json!(rng.below(40)),
            };
            let mut k = rng.below(400);
            splice(&mut j, &mut k, &n);
            b = glb(&j, bin);
        }
        _ => {
            // A range cut out or repeated.
            let i = rng.below(b.len());
            let len = rng.below((b.len() - i).min(4096));
            if rng.below(2) == 0 {
                b.drain(i..i + len);
            } else {
                let piece = b[i..i + len].to_vec();
                b.splice(i..i, piece);
            }
        }
    }
    b
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn damaged_models_get_problems_never_panics() {
    let iterations: usize = std::env::var("DISAN_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let seed: u64 = std::env::var("DISAN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00D1_5A11);
    let scan = ScanSpec {
        cells: 6,
        tiles: 2,
        texture_px: 16,
        ..ScanSpec::default()
    }
    .generate();
    let glb_bytes = scan.to_glb();
    let json_len = u32::from_le_bytes(glb_bytes[12..16].try_into().unwrap()) as usize;
    let glb_json: Value = serde_json::from_slice(&glb_bytes[20..20 + json_len]).unwrap();
    let glb_bin = glb_bytes[28 + json_len..].to_vec();
    let zip_bytes = scan.to_zip("");
    // A .gltf alone, its buffer and images as data URIs.
    let mut embedded = scan.json.clone();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    embedded["buffers"][0]["uri"] = json!(format!(
        "data:application/octet-stream;base64,{}",
        b64(&scan.bin)
    ));
    for (n, t) in scan.textures.iter().enumerate() {
        embedded["images"][n]["uri"] = json!(format!("data:image/jpeg;base64,{}", b64(t)));
    }
    let gltf_bytes = serde_json::to_vec(&embedded).unwrap();
    let limits = Limits::default();
    // And compressed as the scanning tools write it (fixtures made by glTF Transform).
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compressed");
    let mut seeds = vec![
        (glb_bytes, Some((glb_json.clone(), glb_bin.clone()))),
        (zip_bytes, None),
        (gltf_bytes, None),
    ];
    for name in ["draco.glb", "meshopt.glb", "quantize.glb"] {
        let bytes = std::fs::read(fixtures.join(name)).unwrap();
        let len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let json: Value = serde_json::from_slice(&bytes[20..20 + len]).unwrap();
        let bin = bytes[28 + len..].to_vec();
        seeds.push((bytes, Some((json, bin))));
    }
    for (seed_bytes, _) in &seeds {
        assert!(check(seed_bytes, &limits).is_ok(), "the seeds are valid");
    }

    let mut rng = Rng(seed | 1);
    let (mut accepted, mut refused) = (0, 0);
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    let started = std::time::Instant::now();
    for i in 0..iterations {
        let (seed_bytes, parts) = &seeds[i % seeds.len()];
        let (json, bin) = parts
            .as_ref()
            .map_or((&glb_json, &glb_bin), |(j, b)| (j, b));
        let input = mutate(seed_bytes, json, bin, &mut rng);
        let result = std::panic::catch_unwind(|| check(&input, &limits));
        match result {
            Ok(Ok(_)) => accepted += 1,
            Ok(Err(r)) => {
                assert!(!r.0.is_empty(), "a refusal names its problems");
                for p in r.problems() {
                    *codes.entry(p.code).or_default() += 1;
                }
                refused += 1;
            }
            Err(_) => {
                let path = std::env::temp_dir().join(format!("disan-fuzz-crash-{i}.bin"));
                std::fs::write(&path, &input).ok();
                panic!("iteration {i} panicked; input saved to {}", path.display());
            }
        }
    }
    let peak_mb = peak_rss_kb() / 1024;
    eprintln!(
        "fuzz: {iterations} inputs in {:.1} s: {accepted} accepted, {refused} refused, peak RSS {peak_mb} MB; codes: {codes:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(refused > iterations / 4, "the mutations must break things");
    // A panic of the glTF library, caught and refused: allowed, but each one is a check to add
    // before it (the long run reports them).
    let unreadable = codes.get("unreadable").copied().unwrap_or(0);
    assert!(unreadable * 100 <= iterations, "{unreadable} caught panics");
    assert!(peak_mb < 1024, "memory stayed bounded: {peak_mb} MB");
}
