//! What the viewer holds for the GPU: its meshes (vertex and index bytes) and textures (texels,
//! mipmaps included), counted from bevy's asset stores each frame. The page reads it as
//! `data-meshes`, `data-textures` and `data-gpu-bytes` on `<body>`: the browser test checks
//! that the light level is freed once the full one replaces it.

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Memory>();
}

/// The meshes and textures held, and their bytes.
#[derive(Resource, Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Memory {
    pub meshes: usize,
    pub textures: usize,
    pub bytes: u64,
}

/// Counts what the asset stores hold (ordered before the page is written: `lib.rs`).
pub(super) fn count(
    meshes: Res<Assets<Mesh>>,
    images: Res<Assets<Image>>,
    mut memory: ResMut<Memory>,
) {
    let mut bytes = 0u64;
    for (_, mesh) in meshes.iter() {
        bytes += mesh_bytes(mesh);
    }
    for (_, image) in images.iter() {
        bytes += texture_bytes(image);
    }
    let now = Memory {
        meshes: meshes.len(),
        textures: images.len(),
        bytes,
    };
    if *memory != now {
        *memory = now;
    }
}

/// A texture's bytes on the GPU, its mipmaps included: from its size and format, so textures
/// whose pixels the browser copies straight to the GPU (no data in the `Image`) count as well.
pub fn texture_bytes(image: &Image) -> u64 {
    let d = &image.texture_descriptor;
    let texel = u64::from(d.format.block_copy_size(None).unwrap_or(4));
    let layers = u64::from(d.size.depth_or_array_layers.max(1));
    (0..d.mip_level_count)
        .map(|level| {
            let side = |v: u32| u64::from((v >> level).max(1));
            side(d.size.width) * side(d.size.height) * texel * layers
        })
        .sum()
}

/// A mesh's vertex and index bytes (none once its data lives only on the GPU).
pub fn mesh_bytes(mesh: &Mesh) -> u64 {
    let vertices: u64 = mesh
        .try_attributes()
        .map(|a| a.map(|(_, v)| v.get_bytes().len() as u64).sum())
        .unwrap_or(0);
    let indices = mesh.try_indices().map_or(0, |i| match i {
        bevy::mesh::Indices::U16(v) => v.len() as u64 * 2,
        bevy::mesh::Indices::U32(v) => v.len() as u64 * 4,
    });
    vertices + indices
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::asset::RenderAssetUsages;
    use bevy::mesh::{Indices, PrimitiveTopology};

    #[test]
    fn a_mesh_counts_its_vertices_and_indices() {
        let mut mesh = Mesh::new(
            PrimitiveTopology::TriangleList,
            RenderAssetUsages::default(),
        );
        mesh.insert_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32; 3]; 4]);
        mesh.insert_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0f32, 1.0, 0.0]; 4]);
        mesh.insert_indices(Indices::U32(vec![0, 1, 2, 0, 2, 3]));
        assert_eq!(mesh_bytes(&mesh), 4 * 12 + 4 * 12 + 6 * 4);
    }

    #[test]
    fn a_texture_counts_its_texels_and_mipmaps_with_or_without_its_pixels() {
        use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
        let size = Extent3d {
            width: 4,
            height: 2,
            depth_or_array_layers: 1,
        };
        let (d2, srgb) = (TextureDimension::D2, TextureFormat::Rgba8UnormSrgb);
        let usage = RenderAssetUsages::default();
        let mut held = Image::new(size, d2, vec![0; 4 * 2 * 4], srgb, usage);
        assert_eq!(texture_bytes(&held), 4 * 2 * 4);
        held.texture_descriptor.mip_level_count = 3;
        // 4 × 2, 2 × 1, 1 × 1.
        assert_eq!(texture_bytes(&held), (8 + 2 + 1) * 4);
        let mut empty = Image::new_uninit(size, d2, srgb, usage);
        empty.texture_descriptor.mip_level_count = 3;
        assert_eq!(texture_bytes(&empty), (8 + 2 + 1) * 4);
    }
}
