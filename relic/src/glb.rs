//! The GLB container: a 12-byte header (magic, version 2, total length), a JSON chunk, then an
//! optional binary chunk; every length checked against the bytes there are.

use crate::problem::{Found, Issue};

const JSON: u32 = 0x4E4F_534A;
const BIN: u32 = 0x004E_4942;

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The JSON chunk and the binary chunk (if any) of a GLB.
pub(crate) fn split(bytes: &[u8]) -> Result<(&[u8], Option<&[u8]>), Found> {
    let at = "upload";
    let (Some(version), Some(length)) = (u32_at(bytes, 4), u32_at(bytes, 8)) else {
        return Err(Found::new(
            at,
            Issue::GlbLength {
                said: 12,
                is: bytes.len() as u64,
            },
        ));
    };
    if version != 2 {
        return Err(Found::new(at, Issue::GlbVersion(version)));
    }
    if u64::from(length) != bytes.len() as u64 {
        return Err(Found::new(
            at,
            Issue::GlbLength {
                said: length.into(),
                is: bytes.len() as u64,
            },
        ));
    }
    let mut offset = 12usize;
    let mut json = None;
    let mut bin = None;
    let mut n = 0;
    while offset < bytes.len() {
        let left = (bytes.len() - offset) as u64;
        let (Some(len), Some(kind)) = (u32_at(bytes, offset), u32_at(bytes, offset + 4)) else {
            return Err(Found::new(
                format!("chunk {n}"),
                Issue::ChunkLength { n, length: 8, left },
            ));
        };
        let start = offset + 8;
        let end = start as u64 + u64::from(len);
        if end > bytes.len() as u64 {
            return Err(Found::new(
                format!("chunk {n}"),
                Issue::ChunkLength {
                    n,
                    length: len.into(),
                    left: left.saturating_sub(8),
                },
            ));
        }
        let data = &bytes[start..end as usize];
        match (n, kind) {
            (0, JSON) => json = Some(data),
            (0, _) => return Err(Found::new("chunk 0", Issue::NoJsonChunk)),
            (1, BIN) => bin = Some(data),
            // Chunks of other kinds are skipped, as the format says.
            _ => {}
        }
        offset = end as usize;
        n += 1;
    }
    let json = json.ok_or_else(|| Found::new("chunk 0", Issue::NoJsonChunk))?;
    Ok((json, bin))
}
