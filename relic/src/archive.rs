//! A `.zip` upload: a `.gltf` with its buffers and textures (or one `.glb`). Entry names,
//! counts and sizes are checked before anything is unpacked, and unpacking stops at the
//! limit whatever the headers say.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use crate::document::Parts;
use crate::problem::{Found, Issue};
use crate::{Limits, glb};

/// Whether a zip entry's name is a plain relative path.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && !name.contains('\0')
        && !name.split('/').any(|s| s == "..")
}

/// Unpacks the zip in `bytes` within the limits and finds its one model.
pub(crate) fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Parts<'a>, Found> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Found::new("upload", Issue::ZipInvalid(e.to_string())))?;
    if zip.len() > limits.max_entries {
        return Err(Found::new(
            "upload",
            Issue::ZipTooManyEntries {
                max: limits.max_entries,
            },
        ));
    }
    let mut files = HashMap::new();
    let mut seen = HashSet::new();
    let mut left = limits.max_unpacked;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| Found::new(format!("entry {i}"), Issue::ZipInvalid(e.to_string())))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if !safe_name(&name) {
            return Err(Found::new(format!("entry {i}"), Issue::ZipPath(name)));
        }
        if entry.is_dir() {
            continue;
        }
        if !seen.insert(name.to_lowercase()) {
            return Err(Found::new(name.clone(), Issue::ZipDuplicate(name)));
        }
        if entry.size() > left {
            return Err(Found::new(
                name,
                Issue::ZipTooLarge {
                    max: limits.max_unpacked,
                },
            ));
        }
        let mut data = Vec::new();
        // Headers can lie: never read more than what is left.
        (&mut entry)
            .take(left + 1)
            .read_to_end(&mut data)
            .map_err(|e| Found::new(name.clone(), Issue::ZipInvalid(e.to_string())))?;
        if data.len() as u64 > left {
            return Err(Found::new(
                name,
                Issue::ZipTooLarge {
                    max: limits.max_unpacked,
                },
            ));
        }
        left -= data.len() as u64;
        files.insert(name, data);
    }
    let models: Vec<String> = files
        .keys()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            (n.ends_with(".gltf") || n.ends_with(".glb")) && !n.starts_with("__macosx/")
        })
        .cloned()
        .collect();
    let model = match models.as_slice() {
        [] => return Err(Found::new("upload", Issue::ZipNoGltf)),
        [one] => one.clone(),
        many => return Err(Found::new("upload", Issue::ZipManyGltf(many.len()))),
    };
    let data = files.remove(&model).unwrap_or_default();
    let base = match model.rfind('/') {
        Some(i) => model[..=i].to_owned(),
        None => String::new(),
    };
    if model.to_ascii_lowercase().ends_with(".glb") {
        let (json, bin) = glb::split(&data).map_err(|f| Found::new(model.clone(), f.issue))?;
        return Ok(Parts {
            json: Cow::Owned(json.to_vec()),
            bin: bin.map(|b| Cow::Owned(b.to_vec())),
            files: Some(files),
            base,
        });
    }
    Ok(Parts {
        json: Cow::Owned(data),
        bin: None,
        files: Some(files),
        base,
    })
}
