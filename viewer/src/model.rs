//! Site models: a loader for binary glTF (`.glb`, read with the `gltf` crate) that makes bevy
//! meshes, [`Surface`]s and textures, and the node tree the site spawns. Smaller in the
//! wasm file than bevy's own glTF plugin, which also builds scenes, animations and skins.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bevy::asset::io::Reader;
use bevy::asset::{AssetLoader, LoadContext, RenderAssetUsages};
use bevy::image::{ImageAddressMode, ImageFilterMode, ImageSampler, ImageSamplerDescriptor};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::TextureFormat;
#[cfg(not(target_arch = "wasm32"))]
use bevy::render::render_resource::{Extent3d, TextureDimension};
use bevy::render::renderer::RenderDevice;
use bevy::render::{RenderApp, RenderStartup};

use crate::shading::{Alpha, Surface};

pub(super) fn plugin(app: &mut App) {
    let max_side = Arc::new(AtomicU32::new(0));
    let loader = GlbLoader {
        max_side: max_side.clone(),
        #[cfg(target_arch = "wasm32")]
        uploads: app.world().resource::<crate::upload::Uploads>().clone(),
    };
    app.init_asset::<Model>().register_asset_loader(loader);
    // The device's largest texture, once the renderer has it (and again after it is lost).
    if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
        render_app.add_systems(RenderStartup, move |device: Res<RenderDevice>| {
            let side = device.limits().max_texture_dimension_2d;
            max_side.store(side, Ordering::Relaxed);
        });
    }
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
    #[error("the model's compressed data could not be decoded: {0}")]
    Compressed(String),
    #[error("the model needs {}, which this viewer cannot show", .0.join(", "))]
    Unsupported(Vec<String>),
    #[error(
        "the model needs about {} MB of graphics memory, more than a phone's {} MB",
        .needs >> 20, GPU_BUDGET >> 20
    )]
    TooBig { needs: u64 },
}

/// The graphics memory a model may take on an inexpensive phone: a level that needs more is
/// not loaded (the light one stays on screen).
pub const GPU_BUDGET: u64 = 256 << 20;

/// The extensions `glb` requires that the viewer cannot read (once `disan_pack` has decoded
/// its own): the gltf crate refuses such a file with a validation error naming none.
fn unsupported(glb: &[u8]) -> Vec<String> {
    let Ok((json, _)) = disan_pack::split(glb) else {
        return Vec::new();
    };
    let Ok(root) = serde_json::from_slice::<serde_json::Value>(json) else {
        return Vec::new();
    };
    let required = root["extensionsRequired"].as_array().into_iter().flatten();
    required
        .filter_map(serde_json::Value::as_str)
        .filter(|e| !gltf::json::extensions::ENABLED_EXTENSIONS.contains(e))
        .map(str::to_owned)
        .collect()
}

/// The most a model's compressed geometry may unpack to: twice a phone's GPU budget.
const MAX_UNPACKED: u64 = 512 << 20;

#[derive(TypePath)]
struct GlbLoader {
    /// The longest texture side the device takes (0 until the renderer is up): a larger image
    /// is shown shrunk to fit.
    max_side: Arc<AtomicU32>,
    /// Where the browser's bitmaps wait for their GPU textures.
    #[cfg(target_arch = "wasm32")]
    uploads: crate::upload::Uploads,
}

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
        // Quantised and meshopt-compressed geometry (what the server ships) as plain floats.
        let bytes = disan_pack::readable_glb(&bytes, MAX_UNPACKED).map_err(|p| {
            let p: Vec<String> = p.iter().map(ToString::to_string).collect();
            ModelError::Compressed(p.join("; "))
        })?;
        // A file the gltf crate refuses is looked at again only then, for what it needs.
        let gltf = gltf::Gltf::from_slice(&bytes).map_err(|e| match unsupported(&bytes) {
            missing if missing.is_empty() => ModelError::Gltf(e),
            missing => ModelError::Unsupported(missing),
        })?;
        let buffers = buffers(&gltf)?;
        // Before any texture is decoded (the shipped file would do as well: the estimate
        // reads only the JSON and the images' headers).
        let needs = disan_pack::gpu_bytes(&bytes).unwrap_or(0);
        if needs > GPU_BUDGET {
            return Err(ModelError::TooBig { needs });
        }
        let max_side = self.max_side.load(Ordering::Relaxed);
        let pixels = decode_images(&gltf, &buffers, max_side).await?;
        let images = Images {
            made: HashMap::new(),
            both: both_ways(&gltf),
            #[cfg(target_arch = "wasm32")]
            uploads: self.uploads.clone(),
        };
        read(&gltf, &buffers, pixels, images, context)
    }

    fn extensions(&self) -> &[&str] {
        &["glb"]
    }
}

/// The file's buffers: only its own binary chunk.
fn buffers(gltf: &gltf::Gltf) -> Result<Vec<&[u8]>, ModelError> {
    let mut buffers = Vec::new();
    for buffer in gltf.buffers() {
        match (buffer.source(), &gltf.blob) {
            (gltf::buffer::Source::Bin, Some(blob)) => buffers.push(blob.as_slice()),
            _ => return Err(ModelError::External(buffer.index())),
        }
    }
    Ok(buffers)
}

/// The textures a material shows, each with whether it holds colours (sRGB: the base colour)
/// or data (linear: normal and occlusion maps, which an unlit surface does not use).
fn textures_of<'a>(material: &gltf::Material<'a>) -> Vec<(gltf::Texture<'a>, bool)> {
    let mut textures = Vec::new();
    if let Some(info) = material.pbr_metallic_roughness().base_color_texture() {
        textures.push((info.texture(), true));
    }
    if !material.unlit() {
        if let Some(normal) = material.normal_texture() {
            textures.push((normal.texture(), false));
        }
        if let Some(occlusion) = material.occlusion_texture() {
            textures.push((occlusion.texture(), false));
        }
    }
    textures
}

/// Every image a material shows, by image index, decoded before the model is built (in the
/// browser, decoding is asynchronous), at most `max_side` on a side.
async fn decode_images(
    gltf: &gltf::Gltf,
    buffers: &[&[u8]],
    max_side: u32,
) -> Result<HashMap<usize, crate::decode::Decoded>, ModelError> {
    let mut sources: Vec<crate::decode::Source> = Vec::new();
    for (texture, _) in gltf.materials().flat_map(|m| textures_of(&m)) {
        let source = texture.source();
        let index = source.index();
        if sources.iter().any(|(i, _, _)| *i == index) {
            continue;
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
        let mime = disan_pack::image::kind(bytes).unwrap_or(mime_type);
        sources.push((index, bytes, mime));
    }
    crate::decode::decode_all(&sources, max_side)
        .await
        .map_err(|(index, reason)| ModelError::Image { index, reason })
}

fn read(
    gltf: &gltf::Gltf,
    buffers: &[&[u8]],
    mut pixels: HashMap<usize, crate::decode::Decoded>,
    mut images: Images,
    context: &mut LoadContext<'_>,
) -> Result<Model, ModelError> {
    let scene = gltf
        .default_scene()
        .or_else(|| gltf.scenes().next())
        .ok_or(ModelError::NoScene)?;

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
                        let material = primitive.material();
                        let uv = UvMap::of(&material);
                        let Some(m) = read_mesh(&primitive, buffers, uv, second_set(&material, uv))
                        else {
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
                        let surface = read_material(&material, &mut pixels, &mut images, context)?;
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

/// Which texture coordinates a primitive's base colour texture reads, and how
/// `KHR_texture_transform` moves them (applied to the coordinates once, at load).
#[derive(Clone, Copy, Debug, PartialEq)]
struct UvMap {
    set: u32,
    offset: [f32; 2],
    rotation: f32,
    scale: [f32; 2],
}

impl UvMap {
    /// The base colour texture's; without one, the set the normal or occlusion map reads.
    fn of(material: &gltf::Material) -> UvMap {
        let info = material.pbr_metallic_roughness().base_color_texture();
        let data_set = || {
            let normal = material.normal_texture().map(|t| t.tex_coord());
            normal.or_else(|| material.occlusion_texture().map(|t| t.tex_coord()))
        };
        let mut map = UvMap {
            set: info
                .as_ref()
                .map_or_else(|| data_set().unwrap_or(0), |i| i.tex_coord()),
            offset: [0.0; 2],
            rotation: 0.0,
            scale: [1.0; 2],
        };
        if let Some(t) = info.as_ref().and_then(|i| i.texture_transform()) {
            map.set = t.tex_coord().unwrap_or(map.set);
            (map.offset, map.rotation, map.scale) = (t.offset(), t.rotation(), t.scale());
        }
        map
    }

    /// The extension's `translation * rotation * scale`: rotation counter-clockwise in UV
    /// space (the image turns clockwise).
    fn apply(&self, [u, v]: [f32; 2]) -> [f32; 2] {
        let (su, sv) = (u * self.scale[0], v * self.scale[1]);
        let (sin, cos) = self.rotation.sin_cos();
        [
            cos * su + sin * sv + self.offset[0],
            -sin * su + cos * sv + self.offset[1],
        ]
    }

    fn is_identity(&self) -> bool {
        self.offset == [0.0; 2] && self.rotation == 0.0 && self.scale == [1.0; 2]
    }
}

/// The other set of texture coordinates a material's normal or occlusion map reads, when it is
/// not the base colour's (`uv.set`): occlusion baked on a second set is common.
fn second_set(material: &gltf::Material, uv: UvMap) -> Option<u32> {
    if material.unlit() {
        return None;
    }
    let normal = material.normal_texture().map(|t| t.tex_coord());
    let occlusion = material.occlusion_texture().map(|t| t.tex_coord());
    [normal, occlusion]
        .into_iter()
        .flatten()
        .find(|&set| set != uv.set)
}

/// A triangle primitive as a bevy mesh: positions, normals (computed when missing), the base
/// colour's texture coordinates moved by its transform (`UV_0`), the maps' other set (`UV_1`,
/// when `second` names one), colours. Points and lines are left out.
fn read_mesh(
    primitive: &gltf::Primitive,
    buffers: &[&[u8]],
    uv: UvMap,
    second: Option<u32>,
) -> Option<Mesh> {
    let reader = primitive.reader(|b| buffers.get(b.index()).copied());
    let positions: Vec<[f32; 3]> = reader.read_positions()?.collect();
    let indices = match reader.read_indices() {
        Some(indices) => indices.into_u32().collect(),
        None => (0..positions.len() as u32).collect(),
    };
    let indices = disan_pack::triangle_list(primitive.mode().as_gl_enum(), indices)?;
    let mut mesh = Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    );
    mesh.insert_attribute(Mesh::ATTRIBUTE_POSITION, positions);
    if let Some(coords) = reader.read_tex_coords(uv.set) {
        let coords = coords.into_f32();
        let coords: Vec<[f32; 2]> = match uv.is_identity() {
            true => coords.collect(),
            false => coords.map(|c| uv.apply(c)).collect(),
        };
        mesh.insert_attribute(Mesh::ATTRIBUTE_UV_0, coords);
    }
    if let Some(coords) = second.and_then(|set| reader.read_tex_coords(set)) {
        let coords: Vec<[f32; 2]> = coords.into_f32().collect();
        mesh.insert_attribute(Mesh::ATTRIBUTE_UV_1, coords);
    }
    if let Some(colors) = reader.read_colors(0) {
        mesh.insert_attribute(
            Mesh::ATTRIBUTE_COLOR,
            colors.into_rgba_f32().collect::<Vec<_>>(),
        );
    }
    mesh.insert_indices(Indices::U32(indices));
    match reader.read_normals() {
        Some(normals) => mesh.insert_attribute(Mesh::ATTRIBUTE_NORMAL, normals.collect::<Vec<_>>()),
        None => mesh.compute_normals(),
    }
    Some(mesh)
}

/// A glTF material as a [`Surface`]: base colour (factor and texture), normal and occlusion
/// maps (linear data) with their scale and strength, emissive, alpha mode, double-sidedness,
/// `KHR_materials_unlit`. Metallic and roughness are left out: the viewer's light has no
/// highlights.
fn read_material(
    material: &gltf::Material,
    pixels: &mut HashMap<usize, crate::decode::Decoded>,
    images: &mut Images,
    context: &mut LoadContext<'_>,
) -> Result<Surface, ModelError> {
    let pbr = material.pbr_metallic_roughness();
    let texture = match pbr.base_color_texture() {
        Some(info) => Some(read_image(&info.texture(), true, pixels, images, context)?),
        None => None,
    };
    let unlit = material.unlit();
    let uv = UvMap::of(material);
    let mut surface = Surface {
        texture,
        ..Surface::default()
    };
    // Data textures: linear.
    let mut data = |t: gltf::Texture| read_image(&t, false, pixels, images, context);
    if let Some(normal) = material.normal_texture().filter(|_| !unlit) {
        surface.normal_map = Some(data(normal.texture())?);
        surface.maps.normal_scale = normal.scale();
        surface.maps.normal_second_set = normal.tex_coord() != uv.set;
    }
    if let Some(occlusion) = material.occlusion_texture().filter(|_| !unlit) {
        surface.occlusion_map = Some(data(occlusion.texture())?);
        surface.maps.occlusion_strength = occlusion.strength();
        surface.maps.occlusion_second_set = occlusion.tex_coord() != uv.set;
    }
    let [r, g, b, a] = pbr.base_color_factor();
    let [er, eg, eb] = material.emissive_factor();
    Ok(Surface {
        color: LinearRgba::new(r, g, b, a),
        emissive: LinearRgba::rgb(er, eg, eb),
        alpha: match material.alpha_mode() {
            gltf::material::AlphaMode::Opaque => Alpha::Opaque,
            gltf::material::AlphaMode::Mask => Alpha::Mask(material.alpha_cutoff().unwrap_or(0.5)),
            gltf::material::AlphaMode::Blend => Alpha::Blend,
        },
        double_sided: material.double_sided(),
        // Photogrammetry is usually lit already: shown exactly as captured.
        unlit,
        ..surface
    })
}

/// The textures made so far, by image and colour space, and the images some material shows
/// both as colours and as data (their pixels are kept until both are made).
struct Images {
    made: HashMap<(usize, bool), Handle<Image>>,
    both: std::collections::HashSet<usize>,
    #[cfg(target_arch = "wasm32")]
    uploads: crate::upload::Uploads,
}

/// The images shown both as colours (sRGB) and as data (linear).
fn both_ways(gltf: &gltf::Gltf) -> std::collections::HashSet<usize> {
    let uses: std::collections::HashSet<(usize, bool)> = gltf
        .materials()
        .flat_map(|m| textures_of(&m))
        .map(|(t, srgb)| (t.source().index(), srgb))
        .collect();
    uses.iter()
        .filter(|(i, srgb)| *srgb && uses.contains(&(*i, false)))
        .map(|(i, _)| *i)
        .collect()
}

/// A texture's image (decoded by [`decode_images`]) as a bevy image with mipmaps, made once
/// per image and colour space (`srgb` for colours, linear for data), with the texture's
/// wrapping.
fn read_image(
    texture: &gltf::Texture,
    srgb: bool,
    pixels: &mut HashMap<usize, crate::decode::Decoded>,
    images: &mut Images,
    context: &mut LoadContext<'_>,
) -> Result<Handle<Image>, ModelError> {
    let index = texture.source().index();
    if let Some(h) = images.made.get(&(index, srgb)) {
        return Ok(h.clone());
    }
    let rgba = match images.both.remove(&index) {
        // The other colour space still needs these pixels.
        true => pixels.get(&index).cloned(),
        false => pixels.remove(&index),
    };
    let rgba = rgba.ok_or_else(|| ModelError::Image {
        index,
        reason: "it was not decoded".into(),
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
        ..filters(sampler.mag_filter(), sampler.min_filter())
    };
    let format = match srgb {
        true => TextureFormat::Rgba8UnormSrgb,
        false => TextureFormat::Rgba8Unorm,
    };
    #[cfg(target_arch = "wasm32")]
    let mut image = crate::upload::Uploads::image(&rgba, format);
    #[cfg(not(target_arch = "wasm32"))]
    let mut image = {
        if rgba.width == 0
            || rgba.height == 0
            || rgba.data.len() != (rgba.width * rgba.height * 4) as usize
        {
            return Err(ModelError::Image {
                index,
                reason: "it has no pixels".into(),
            });
        }
        let size = Extent3d {
            width: rgba.width,
            height: rgba.height,
            depth_or_array_layers: 1,
        };
        let usage = RenderAssetUsages::default();
        let mut image = Image::new(size, TextureDimension::D2, rgba.data, format, usage);
        add_mipmaps(&mut image);
        image
    };
    image.sampler = ImageSampler::Descriptor(descriptor);
    let label = match srgb {
        true => format!("Image{index}"),
        false => format!("Image{index}/linear"),
    };
    let handle = context.add_labeled_asset(label, image);
    #[cfg(target_arch = "wasm32")]
    images.uploads.wait(handle.id(), rgba);
    images.made.insert((index, srgb), handle.clone());
    Ok(handle)
}

/// The sampler's filters: glTF's (linear and trilinear when unset). Mipmaps are always made; a
/// minification filter without mipmaps reads only the full-size level.
fn filters(
    mag: Option<gltf::texture::MagFilter>,
    min: Option<gltf::texture::MinFilter>,
) -> ImageSamplerDescriptor {
    use ImageFilterMode::{Linear, Nearest};
    use gltf::texture::{MagFilter, MinFilter};
    let (min_filter, mipmap_filter, mipmaps) = match min {
        Some(MinFilter::Nearest) => (Nearest, Nearest, false),
        Some(MinFilter::Linear) => (Linear, Nearest, false),
        Some(MinFilter::NearestMipmapNearest) => (Nearest, Nearest, true),
        Some(MinFilter::LinearMipmapNearest) => (Linear, Nearest, true),
        Some(MinFilter::NearestMipmapLinear) => (Nearest, Linear, true),
        Some(MinFilter::LinearMipmapLinear) | None => (Linear, Linear, true),
    };
    ImageSamplerDescriptor {
        mag_filter: match mag {
            Some(MagFilter::Nearest) => Nearest,
            Some(MagFilter::Linear) | None => Linear,
        },
        min_filter,
        mipmap_filter,
        lod_max_clamp: if mipmaps { 32.0 } else { 0.0 },
        ..ImageSamplerDescriptor::default()
    }
}

/// Adds the smaller versions (mipmaps) of an 8-bit RGBA texture, each half the size of the one
/// before down to one texel, averaged in linear light: far-off surfaces then show the
/// texture's average instead of a shimmer of single texels. Other formats are left as they are.
/// (In the browser the browser makes them: `decode.rs`.)
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn add_mipmaps(image: &mut Image) {
    let srgb = match image.texture_descriptor.format {
        TextureFormat::Rgba8UnormSrgb => true,
        TextureFormat::Rgba8Unorm => false,
        _ => return,
    };
    let (mut w, mut h) = (image.width() as usize, image.height() as usize);
    let Some(data) = image.data.as_mut() else {
        return;
    };
    if data.len() != w * h * 4 || image.texture_descriptor.mip_level_count != 1 {
        return;
    }
    let to_linear: Vec<f32> = (0..=255u8)
        .map(|v| {
            let v = f32::from(v) / 255.0;
            if srgb { Srgba::gamma_function(v) } else { v }
        })
        .collect();
    let to_byte = |v: f32| {
        let v = if srgb {
            Srgba::gamma_function_inverse(v)
        } else {
            v
        };
        (v.clamp(0.0, 1.0) * 255.0).round() as u8
    };
    let mut start = 0;
    let mut levels = 1;
    while w > 1 || h > 1 {
        let (next_w, next_h) = ((w / 2).max(1), (h / 2).max(1));
        let mut next = Vec::with_capacity(next_w * next_h * 4);
        for y in 0..next_h {
            for x in 0..next_w {
                let mut sum = [0.0f32; 4];
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (sx, sy) = ((2 * x + dx).min(w - 1), (2 * y + dy).min(h - 1));
                    let texel = &data[start + (sy * w + sx) * 4..][..4];
                    for c in 0..3 {
                        sum[c] += to_linear[usize::from(texel[c])];
                    }
                    sum[3] += f32::from(texel[3]) / 255.0;
                }
                next.extend([
                    to_byte(sum[0] / 4.0),
                    to_byte(sum[1] / 4.0),
                    to_byte(sum[2] / 4.0),
                    (sum[3] / 4.0 * 255.0).round() as u8,
                ]);
            }
        }
        start = data.len();
        data.extend_from_slice(&next);
        (w, h) = (next_w, next_h);
        levels += 1;
    }
    image.texture_descriptor.mip_level_count = levels;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_extensions_the_viewer_lacks_are_named() {
        let glb = |required: serde_json::Value| {
            disan_pack::glb(
                &serde_json::json!({"asset": {"version": "2.0"},
                    "extensionsUsed": required, "extensionsRequired": required}),
                &[],
            )
        };
        let needs = glb(serde_json::json!([
            "KHR_materials_unlit",
            "KHR_draco_mesh_compression",
            "KHR_texture_basisu"
        ]));
        assert_eq!(
            unsupported(&needs),
            ["KHR_draco_mesh_compression", "KHR_texture_basisu"]
        );
        assert_eq!(
            ModelError::Unsupported(unsupported(&needs)).to_string(),
            "the model needs KHR_draco_mesh_compression, KHR_texture_basisu, which this viewer cannot show"
        );
        assert!(unsupported(&glb(serde_json::json!(["KHR_texture_transform"]))).is_empty());
        // What the server ships is decoded before the check.
        let meshopt = glb(serde_json::json!(["EXT_meshopt_compression"]));
        let shipped = disan_pack::plain_glb(&meshopt, 1 << 20).unwrap();
        assert!(unsupported(&shipped).is_empty());
    }

    #[test]
    fn a_model_over_the_budget_names_its_need() {
        assert_eq!(
            ModelError::TooBig { needs: 300 << 20 }.to_string(),
            "the model needs about 300 MB of graphics memory, more than a phone's 256 MB"
        );
    }

    #[test]
    fn samplers_keep_their_filters() {
        use gltf::texture::{MagFilter, MinFilter};
        let pixel_art = filters(Some(MagFilter::Nearest), Some(MinFilter::Nearest));
        assert_eq!(pixel_art.mag_filter, ImageFilterMode::Nearest);
        assert_eq!(pixel_art.min_filter, ImageFilterMode::Nearest);
        assert_eq!(pixel_art.lod_max_clamp, 0.0, "no mipmaps read");
        let unset = filters(None, None);
        assert_eq!(
            (unset.mag_filter, unset.min_filter, unset.mipmap_filter),
            (
                ImageFilterMode::Linear,
                ImageFilterMode::Linear,
                ImageFilterMode::Linear
            )
        );
        assert!(unset.lod_max_clamp >= 12.0, "every mipmap level read");
        let blocky_far = filters(None, Some(MinFilter::LinearMipmapNearest));
        assert_eq!(blocky_far.mipmap_filter, ImageFilterMode::Nearest);
    }

    #[test]
    fn texture_transforms_follow_the_extension() {
        // The extension's own example: the lower left quarter, turned 90° clockwise.
        let map = UvMap {
            set: 0,
            offset: [0.0, 1.0],
            rotation: std::f32::consts::FRAC_PI_2,
            scale: [0.5, 0.5],
        };
        let close =
            |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6;
        assert!(close(map.apply([0.0, 0.0]), [0.0, 1.0]));
        assert!(close(map.apply([1.0, 0.0]), [0.0, 0.5]));
        assert!(close(map.apply([0.0, 1.0]), [0.5, 1.0]));
        assert!(close(map.apply([1.0, 1.0]), [0.5, 0.5]));
    }

    fn rgba(width: u32, height: u32, texels: Vec<u8>) -> Image {
        Image::new(
            Extent3d {
                width,
                height,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            texels,
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::default(),
        )
    }

    #[test]
    fn mipmaps_halve_down_to_one_texel_averaging_in_linear_light() {
        // A 4×2 checkerboard of black and white: every smaller level is the same grey, the
        // sRGB value of half the light (188), not the byte average (128).
        let mut texels = Vec::new();
        for i in 0..8 {
            let v = if (i + i / 4) % 2 == 0 { 0 } else { 255 };
            texels.extend([v, v, v, 255]);
        }
        let mut image = rgba(4, 2, texels);
        add_mipmaps(&mut image);
        assert_eq!(image.texture_descriptor.mip_level_count, 3);
        let data = image.data.unwrap();
        // 4×2, then 2×1, then 1×1.
        assert_eq!(data.len(), (8 + 2 + 1) * 4);
        for texel in data[8 * 4..].chunks(4) {
            assert_eq!(texel, [188, 188, 188, 255]);
        }
    }

    #[test]
    fn odd_sizes_and_other_formats() {
        let mut image = rgba(3, 1, vec![255; 12]);
        add_mipmaps(&mut image);
        // 3×1, 1×1.
        assert_eq!(image.texture_descriptor.mip_level_count, 2);
        assert_eq!(image.data.unwrap().len(), (3 + 1) * 4);

        let mut single = rgba(1, 1, vec![9, 9, 9, 9]);
        add_mipmaps(&mut single);
        assert_eq!(single.texture_descriptor.mip_level_count, 1);

        let mut floats = rgba(2, 2, vec![0; 16]);
        floats.texture_descriptor.format = TextureFormat::R32Float;
        add_mipmaps(&mut floats);
        assert_eq!(floats.texture_descriptor.mip_level_count, 1);
    }
}
