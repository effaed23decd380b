//! What an image's first bytes say: its type (JPEG, PNG, WebP) and its size, read from its
//! header before anything is decoded.

/// The MIME type `bytes` begin as: JPEG, PNG or WebP (files sometimes name the wrong one).
pub fn kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

/// An image's width and height read from its header (PNG, JPEG, WebP), before decoding it.
pub fn size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| {
        Some(u32::from(u16::from_be_bytes([
            *bytes.get(i)?,
            *bytes.get(i + 1)?,
        ])))
    };
    let le = |i: usize, n: usize| -> Option<u32> {
        let b = bytes.get(i..i + n)?;
        Some(b.iter().rev().fold(0u32, |v, &x| (v << 8) | u32::from(x)))
    };
    match kind(bytes)? {
        "image/png" => {
            let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        "image/jpeg" => {
            let mut i = 2;
            while i + 4 <= bytes.len() {
                if bytes[i] != 0xFF {
                    return None;
                }
                let marker = bytes[i + 1];
                match marker {
                    0xFF => i += 1,
                    0x01 | 0xD0..=0xD7 => i += 2,
                    0xC0..=0xCF if ![0xC4, 0xC8, 0xCC].contains(&marker) => {
                        return Some((be16(i + 7)?, be16(i + 5)?));
                    }
                    _ => i += 2 + be16(i + 2)? as usize,
                }
            }
            None
        }
        _ => match bytes.get(12..16)? {
            b"VP8 " => Some((le(26, 2)? & 0x3FFF, le(28, 2)? & 0x3FFF)),
            b"VP8L" => {
                let b = le(21, 4)?;
                Some((1 + (b & 0x3FFF), 1 + ((b >> 14) & 0x3FFF)))
            }
            b"VP8X" => Some((1 + le(24, 3)?, 1 + le(27, 3)?)),
            _ => None,
        },
    }
}
