fn main() -> anyhow::Result<()> {
    let dir = std::path::Path::new("assets");
    for w in disan_assetgen::write_all(dir)? {
        println!("{} {} {}", w.slug, w.bytes, w.triangles);
    }
    Ok(())
}
