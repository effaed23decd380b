//! The one rule for paths that name files in a store (model paths in site files, request paths
//! under `/assets/`): plain relative segments, no way out of the folder.

/// Checks that `path` is a plain relative path with no way out of its folder: no `..`, no
/// absolute or drive paths, no backslashes, no hidden names, no empty segments. The error says
/// which rule was broken.
pub fn safe_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.contains('\0') {
        return Err("NUL byte in path");
    }
    if path.contains('\\') {
        return Err("backslash in path");
    }
    if path.starts_with('/') {
        return Err("absolute path");
    }
    for segment in path.split('/') {
        match segment {
            "" => return Err("empty path segment"),
            "." | ".." => return Err("dot segment in path"),
            s if s.starts_with('.') => return Err("hidden file name in path"),
            s if s.contains(':') => return Err("':' in path"),
            s if s.chars().any(char::is_control) => return Err("control character in path"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn safe_paths() {
        for ok in ["a.glb", "models/a.glb", "x/y/z.png", "tours/đồi/1.jpg"] {
            assert!(safe_relative(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            ".git/config",
            "a\\b",
            "C:/x",
            "a\0b",
            "a\nb",
            "models/",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad:?}");
        }
    }
}
