//! Site models: a loader for binary glTF (`.glb`, read with the `gltf` crate) that makes bevy
//! meshes, [`Surface`]s and textures, and the node tree the site spawns. Smaller in the
//! wasm file than bevy's own glTF plugin, which also builds scenes, animations and skins.

use std::collections::HashMap;

use bevy::asset::io::Reader;
use bevy::asset::{AssetLoader, LoadContext, RenderAssetUsages};
use bevy::image::{
    CompressedImageFormats, ImageAddressMode, ImageSampler, ImageSamplerDescriptor, ImageType,
};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use crate::shading::{Alpha, Surface};

pub(super) fn plugin(app: &mut App) {
    app.init_asset::<Model>().register_asset_loader(GlbLoader);
}

/// A loaded model: its nodes, parents before children.
#[derive(Asset, TypePath, Debug)]
pub struct Model {
    pub nodes: Vec<ModelNode>,
}

/// One node of a model: where it sits in its parent and what it draws.
#[derive(Debug)]
pub struct ModelNode {
    /// Index of the parent in [`Model::nodes`]; `None` for a root of the scene.
    pub parent: Option<usize>,
    pub transform: Transform,
    pub parts: Vec<(Handle<Mesh>, Handle<Surface>)>,
}

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("could not read the model: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a valid glTF file: {0}")]
    Gltf(#[from] gltf::Error),
    #[error(
        "the model refers to data outside the file (buffer or image {0}); use a .glb with everything inside"
    )]
    External(usize),
    #[error("image {index} could not be decoded: {reason}")]
    Image { index: usize, reason: String },
    #[error("the model has no scene")]
    NoScene,
}

#[derive(TypePath)]
struct GlbLoader;

impl AssetLoader for GlbLoader {
    type Asset = Model;
    type Settings = ();
    type Error = ModelError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _: &(),
        context: &mut LoadContext<'_>,
    ) -> Result<Model, ModelError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        read(&bytes, context)
    }

    fn extensions(&self) -> &[&str] {
        &["glb"]
    }
}

fn read(bytes: &[u8], context: &mut LoadContext<'_>) -> Result<Model, ModelError> {
    let gltf = gltf::Gltf::from_slice(bytes)?;
    let mut buffers = Vec::new();
    for buffer in gltf.buffers() {
        match (buffer.source(), &gltf.blob) {
            (gltf::buffer::Source::Bin, Some(blob)) => buffers.push(blob.as_slice()),
            _ => return Err(ModelError::External(buffer.index())),
        }
    }
    let scene = gltf
        .default_scene()
        .or_else(|| gltf.scenes().next())
        .ok_or(ModelError::NoScene)?;

    let mut images: HashMap<usize, Handle<Image>> = HashMap::new();
    let mut surfaces: HashMap<Option<usize>, Handle<Surface>> = HashMap::new();
    let mut meshes: HashMap<(usize, usize), Handle<Mesh>> = HashMap::new();
    let mut nodes = Vec::new();
    // Nodes with their parent's index; a glTF scene is a forest (the format forbids cycles),
    // and the count bound keeps a broken file from looping.
    let mut stack: Vec<(gltf::Node, Option<usize>)> = scene.nodes().map(|n| (n, None)).collect();
    while let Some((node, parent)) = stack.pop() {
        if nodes.len() > gltf.nodes().len() {
            break;
        }
        let (t, r, s) = node.transform().decomposed();
        let transform = Transform {
            translation: Vec3::from(t),
            rotation: Quat::from_array(r),
            scale: Vec3::from(s),
        };
        let mut parts = Vec::new();
        if let Some(mesh) = node.mesh() {
            for primitive in mesh.primitives() {
                let key = (mesh.index(), primitive.index());
                let handle = match meshes.get(&key) {
                    Some(h) => h.clone(),
                    None => {
                        let Some(m) = read_mesh(&primitive, &buffers) else {
                            continue;
                        };
                        let label = format!("Mesh{}/{}", key.0, key.1);
                        let h = context.add_labeled_asset(label, m);
                        meshes.insert(key, h.clone());
                        h
                    }
                };
                let material = primitive.material();
                let surface = match surfaces.get(&material.index()) {
                    Some(h) => h.clone(),
                    None => {
                        let surface = read_material(&material, &buffers, &mut images, context)?;
                        let label = material
                            .index()
                            .map_or("DefaultMaterial".to_owned(), |i| format!("Material{i}"));
                        let h = context.add_labeled_asset(label, surface);
                        surfaces.insert(material.index(), h.clone());
                        h
                    }
                };
                parts.push((handle, surface));
            }
        }
        let index = nodes.len();
        nodes.push(ModelNode {
            parent,
            transform,
            parts,
        });
        stack.extend(node.children().map(|c| (c, Some(index))));
    }
    Ok(Model { nodes })
}

/// A triangle primitive as a bevy mesh (positions, normals, texture coordinates, colours);
/// other topologies (points, lines) are left out.
fn read_mesh(primitive: &gltf::Primitive, buffers: &[&[u8]]) -> Option<Mesh> {
    if primitive.mode() != gltf::mesh::Mode::Triangles {
        return None;
    }
    let reader = primitive.reader(|b| buffers.get(b.index()).copied());
    let positions: Vec<[f32; 3]> = reader.read_positions()?.collect();
    let mut mesh = Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    );
    mesh.insert_attribute(Mesh::ATTRIBUTE_POSITION, positions);
    if let Some(uv) = reader.read_tex_coords(0) {
        mesh.insert_attribute(Mesh::ATTRIBUTE_UV_0, uv.into_f32().collect::<Vec<_>>());
    }
    if let Some(colors) = reader.read_colors(0) {
        mesh.insert_attribute(
            Mesh::ATTRIBUTE_COLOR,
            colors.into_rgba_f32().collect::<Vec<_>>(),
        );
    }
    if let Some(indices) = reader.read_indices() {
        mesh.insert_indices(Indices::U32(indices.into_u32().collect()));
    }
    match reader.read_normals() {
        Some(normals) => mesh.insert_attribute(Mesh::ATTRIBUTE_NORMAL, normals.collect::<Vec<_>>()),
        None => mesh.compute_normals(),
    }
    Some(mesh)
}

/// A glTF material as a [`Surface`]: base colour (factor and texture), emissive, alpha mode,
/// double-sidedness. Metallic and roughness are left out: the viewer's light has no highlights.
fn read_material(
    material: &gltf::Material,
    buffers: &[&[u8]],
    images: &mut HashMap<usize, Handle<Image>>,
    context: &mut LoadContext<'_>,
) -> Result<Surface, ModelError> {
    let pbr = material.pbr_metallic_roughness();
    let texture = match pbr.base_color_texture() {
        Some(info) => Some(read_image(&info.texture(), buffers, images, context)?),
        None => None,
    };
    let [r, g, b, a] = pbr.base_color_factor();
    let [er, eg, eb] = material.emissive_factor();
    Ok(Surface {
        color: LinearRgba::new(r, g, b, a),
        texture,
        emissive: LinearRgba::rgb(er, eg, eb),
        alpha: match material.alpha_mode() {
            gltf::material::AlphaMode::Opaque => Alpha::Opaque,
            gltf::material::AlphaMode::Mask => Alpha::Mask(material.alpha_cutoff().unwrap_or(0.5)),
            gltf::material::AlphaMode::Blend => Alpha::Blend,
        },
        double_sided: material.double_sided(),
        unlit: false,
    })
}

/// A texture's image (PNG or JPEG inside the file), decoded once per image, with the
/// texture's wrapping.
fn read_image(
    texture: &gltf::Texture,
    buffers: &[&[u8]],
    images: &mut HashMap<usize, Handle<Image>>,
    context: &mut LoadContext<'_>,
) -> Result<Handle<Image>, ModelError> {
    let source = texture.source();
    let index = source.index();
    if let Some(h) = images.get(&index) {
        return Ok(h.clone());
    }
    let gltf::image::Source::View { view, mime_type } = source.source() else {
        return Err(ModelError::External(index));
    };
    let bytes = buffers
        .get(view.buffer().index())
        .and_then(|b| b.get(view.offset()..view.offset() + view.length()))
        .ok_or_else(|| ModelError::Image {
            index,
            reason: "its bytes are outside the buffer".into(),
        })?;
    let sampler = texture.sampler();
    let wrap = |mode| match mode {
        gltf::texture::WrappingMode::ClampToEdge => ImageAddressMode::ClampToEdge,
        gltf::texture::WrappingMode::MirroredRepeat => ImageAddressMode::MirrorRepeat,
        gltf::texture::WrappingMode::Repeat => ImageAddressMode::Repeat,
    };
    let descriptor = ImageSamplerDescriptor {
        address_mode_u: wrap(sampler.wrap_s()),
        address_mode_v: wrap(sampler.wrap_t()),
        ..ImageSamplerDescriptor::linear()
    };
    let image = Image::from_buffer(
        bytes,
        ImageType::MimeType(mime_type),
        CompressedImageFormats::NONE,
        true,
        ImageSampler::Descriptor(descriptor),
        RenderAssetUsages::default(),
    )
    .map_err(|e| ModelError::Image {
        index,
        reason: e.to_string(),
    })?;
    let handle = context.add_labeled_asset(format!("Image{index}"), image);
    images.insert(index, handle.clone());
    Ok(handle)
}
