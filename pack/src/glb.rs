//! The GLB container: a 12-byte header, a JSON chunk, an optional binary chunk.

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The JSON chunk and the binary chunk (if any) of a GLB, or why it is not one. (The upload
/// checks have their own, with every problem in both languages.)
pub fn split(bytes: &[u8]) -> Result<(&[u8], Option<&[u8]>), String> {
    if bytes.get(..4) != Some(b"glTF") || u32_at(bytes, 4) != Some(2) {
        return Err("it is not a binary glTF 2.0 file".into());
    }
    let mut offset = 12usize;
    let mut chunks = Vec::new();
    while offset < bytes.len() && chunks.len() < 2 {
        let (Some(len), Some(kind)) = (u32_at(bytes, offset), u32_at(bytes, offset + 4)) else {
            return Err("a chunk header is cut off".into());
        };
        let start = offset + 8;
        let end = start
            .checked_add(len as usize)
            .filter(|&e| e <= bytes.len())
            .ok_or("a chunk is longer than the file")?;
        chunks.push((kind, &bytes[start..end]));
        offset = end;
    }
    match chunks.as_slice() {
        [(0x4E4F_534A, json)] => Ok((json, None)),
        [(0x4E4F_534A, json), (0x004E_4942, bin), ..] => Ok((json, Some(bin))),
        [(0x4E4F_534A, json), ..] => Ok((json, None)),
        _ => Err("its first chunk is not JSON".into()),
    }
}

/// A GLB of `json` and `bin` (no binary chunk when `bin` is empty), both padded to four bytes.
pub fn glb(json: &serde_json::Value, bin: &[u8]) -> Vec<u8> {
    let mut j = serde_json::to_vec(json).unwrap_or_else(|_| b"{}".to_vec());
    while !j.len().is_multiple_of(4) {
        j.push(b' ');
    }
    let pad = (4 - bin.len() % 4) % 4;
    let total = 12
        + 8
        + j.len()
        + if bin.is_empty() {
            0
        } else {
            8 + bin.len() + pad
        };
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(j.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&j);
    if !bin.is_empty() {
        out.extend_from_slice(&((bin.len() + pad) as u32).to_le_bytes());
        out.extend_from_slice(b"BIN\0");
        out.extend_from_slice(bin);
        out.extend(std::iter::repeat_n(0, pad));
    }
    out
}
