//! How meshes look: the viewer's own small renderer, in place of bevy's PBR plugin (which was a
//! third of the wasm file). A mesh entity with a [`MeshSurface`] is drawn in bevy's 3D pass with
//! one shader (`shading.wgsl`): base colour, texture and vertex colours, normal and occlusion
//! maps, lit by sky, ground and sun, alpha masks and blending, back faces culled or shown.

use bevy::asset::{embedded_asset, load_embedded_asset};
use bevy::core_pipeline::core_3d::{CORE_3D_DEPTH_FORMAT, Transparent3d, TransparentSortingInfo3d};
use bevy::ecs::query::ROQueryItem;
use bevy::ecs::system::SystemParamItem;
use bevy::ecs::system::lifetimeless::{Read, SRes};
use bevy::math::Affine3A;
use bevy::mesh::{MeshVertexBufferLayoutRef, PrimitiveTopology};
use bevy::platform::collections::HashSet;
use bevy::prelude::*;
use bevy::render::mesh::allocator::MeshAllocator;
use bevy::render::mesh::{RenderMesh, RenderMeshBufferInfo};
use bevy::render::render_asset::{PrepareAssetError, RenderAsset, RenderAssetPlugin, RenderAssets};
use bevy::render::render_phase::{
    AddRenderCommand, DrawFunctions, PhaseItem, PhaseItemExtraIndex, RenderCommand,
    RenderCommandResult, SetItemPipeline, TrackedRenderPass, ViewSortedRenderPhases,
};
use bevy::render::render_resource::binding_types::{sampler, texture_2d, uniform_buffer};
use bevy::render::render_resource::{
    BindGroup, BindGroupEntries, BindGroupLayoutDescriptor, BindGroupLayoutEntries, BlendState,
    ColorTargetState, ColorWrites, CompareFunction, DepthStencilState, DynamicUniformBuffer, Face,
    FragmentState, MultisampleState, PipelineCache, PrimitiveState, RenderPipelineDescriptor,
    SamplerBindingType, ShaderStages, ShaderType, SpecializedMeshPipeline,
    SpecializedMeshPipelineError, SpecializedMeshPipelines, TextureFormat, TextureSampleType,
    UniformBuffer, VertexState,
};
use bevy::render::renderer::{RenderDevice, RenderQueue};
use bevy::render::sync_component::{SyncComponent, SyncComponentPlugin};
use bevy::render::sync_world::{MainEntity, RenderEntity};
use bevy::render::texture::{FallbackImage, GpuImage};
use bevy::render::view::{ExtractedView, Msaa, ViewUniform, ViewUniformOffset, ViewUniforms};
use bevy::render::{Extract, ExtractSchedule, GpuResourceAppExt, Render, RenderApp, RenderSystems};
use bevy::shader::Shader;

pub(super) fn plugin(app: &mut App) {
    embedded_asset!(app, "shading.wgsl");
    app.init_asset::<Surface>().add_plugins((
        RenderAssetPlugin::<GpuSurface, GpuImage>::default(),
        SyncComponentPlugin::<MeshSurface>::default(),
    ));
    let Some(render_app) = app.get_sub_app_mut(RenderApp) else {
        return;
    };
    render_app
        .init_gpu_resource::<ShadingPipeline>()
        .init_resource::<SpecializedMeshPipelines<ShadingPipeline>>()
        .init_resource::<PartUniforms>()
        .init_resource::<ShadingBindGroups>()
        .add_render_command::<Transparent3d, DrawPartCommands>()
        .add_systems(ExtractSchedule, extract_parts)
        .add_systems(Render, queue_parts.in_set(RenderSystems::Queue))
        .add_systems(
            Render,
            write_part_uniforms.in_set(RenderSystems::PrepareResources),
        )
        .add_systems(
            Render,
            make_bind_groups.in_set(RenderSystems::PrepareBindGroups),
        );
}

/// How a surface looks: what the viewer's shader needs of a glTF material.
#[derive(Asset, TypePath, Clone, Debug)]
pub struct Surface {
    /// Linear colour and alpha, multiplied with the texture and the vertex colours.
    pub color: LinearRgba,
    #[dependency]
    pub texture: Option<Handle<Image>>,
    /// Light of its own, added after lighting.
    pub emissive: LinearRgba,
    pub alpha: Alpha,
    /// Both faces shown; otherwise back faces are culled (front ones under a mirroring
    /// transform, whose triangles turn the other way).
    pub double_sided: bool,
    /// Shown in its own colour, without light and shade (the hotspot markers).
    pub unlit: bool,
    /// A tangent-space normal map (linear).
    #[dependency]
    pub normal_map: Option<Handle<Image>>,
    /// An ambient occlusion map (its red channel, linear).
    #[dependency]
    pub occlusion_map: Option<Handle<Image>>,
    pub maps: MapSettings,
}

/// How a surface's data textures are read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapSettings {
    /// glTF's normal map `scale`.
    pub normal_scale: f32,
    /// glTF's occlusion `strength`.
    pub occlusion_strength: f32,
    /// The normal map reads the mesh's second set of texture coordinates (`UV_1`), not the
    /// base colour's (`UV_0`).
    pub normal_second_set: bool,
    pub occlusion_second_set: bool,
}

impl Default for MapSettings {
    fn default() -> Self {
        MapSettings {
            normal_scale: 1.0,
            occlusion_strength: 1.0,
            normal_second_set: false,
            occlusion_second_set: false,
        }
    }
}

impl Default for Surface {
    fn default() -> Self {
        Surface {
            color: LinearRgba::WHITE,
            texture: None,
            emissive: LinearRgba::BLACK,
            alpha: Alpha::Opaque,
            double_sided: false,
            unlit: false,
            normal_map: None,
            occlusion_map: None,
            maps: MapSettings::default(),
        }
    }
}

/// How a surface's alpha is used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Alpha {
    Opaque,
    /// Fragments below the cutoff are dropped, the rest are opaque.
    Mask(f32),
    /// Blended over what is behind.
    Blend,
}

/// The surface a mesh entity is drawn with (next to its [`Mesh3d`]).
#[derive(Component, Clone, Debug)]
pub struct MeshSurface(pub Handle<Surface>);

/// Removing the surface removes the part from the render world.
impl SyncComponent for MeshSurface {
    type Target = ExtractedPart;
}

/// A surface on the GPU: its uniform, textures and samplers in one bind group.
struct GpuSurface {
    bind_group: BindGroup,
    double_sided: bool,
    blend: bool,
    maps: Maps,
}

/// Which data textures a surface samples: a shader variant each, so surfaces without them
/// (every site model) cost nothing more.
#[derive(Clone, Copy, Debug, Default, Hash, PartialEq, Eq)]
struct Maps {
    normal: bool,
    occlusion: bool,
}

/// [`SurfaceUniform::flags`]: shown without light and shade.
const UNLIT: u32 = 1;
/// [`SurfaceUniform::flags`]: both faces shown, each lit from its own side.
const DOUBLE_SIDED: u32 = 2;
/// [`SurfaceUniform::flags`]: the normal map reads `UV_1`.
const NORMAL_SECOND_SET: u32 = 4;
/// [`SurfaceUniform::flags`]: the occlusion map reads `UV_1`.
const OCCLUSION_SECOND_SET: u32 = 8;

#[derive(ShaderType)]
struct SurfaceUniform {
    color: Vec4,
    emissive: Vec4,
    alpha_cutoff: f32,
    flags: u32,
    normal_scale: f32,
    occlusion_strength: f32,
}

impl RenderAsset for GpuSurface {
    type SourceAsset = Surface;
    type Param = (
        SRes<RenderDevice>,
        SRes<RenderQueue>,
        SRes<PipelineCache>,
        SRes<ShadingPipeline>,
        SRes<RenderAssets<GpuImage>>,
        SRes<FallbackImage>,
    );

    fn prepare_asset(
        surface: Surface,
        _: AssetId<Surface>,
        (device, queue, cache, pipeline, images, fallback): &mut SystemParamItem<Self::Param>,
        _: Option<&Self>,
    ) -> Result<Self, PrepareAssetError<Surface>> {
        // A texture still on its way to the GPU waits. (One that failed to load fails the
        // whole model: `site.rs` reports it.)
        let gpu = |handle: Option<&Handle<Image>>| match handle {
            Some(handle) => images.get(handle),
            None => Some(&fallback.d2),
        };
        let (Some(image), Some(normal), Some(occlusion)) = (
            gpu(surface.texture.as_ref()),
            gpu(surface.normal_map.as_ref()),
            gpu(surface.occlusion_map.as_ref()),
        ) else {
            return Err(PrepareAssetError::RetryNextUpdate(surface));
        };
        let mut uniform = UniformBuffer::from(SurfaceUniform {
            color: surface.color.to_vec4(),
            emissive: surface.emissive.to_vec4(),
            alpha_cutoff: match surface.alpha {
                Alpha::Mask(cutoff) => cutoff,
                Alpha::Opaque | Alpha::Blend => -1.0,
            },
            flags: u32::from(surface.unlit) * UNLIT
                + u32::from(surface.double_sided) * DOUBLE_SIDED
                + u32::from(surface.maps.normal_second_set) * NORMAL_SECOND_SET
                + u32::from(surface.maps.occlusion_second_set) * OCCLUSION_SECOND_SET,
            normal_scale: surface.maps.normal_scale,
            occlusion_strength: surface.maps.occlusion_strength,
        });
        uniform.write_buffer(device, queue);
        let Some(binding) = uniform.binding() else {
            return Err(PrepareAssetError::RetryNextUpdate(surface));
        };
        let bind_group = device.create_bind_group(
            "surface",
            &cache.get_bind_group_layout(&pipeline.surface_layout),
            &BindGroupEntries::sequential((
                binding,
                &image.texture_view,
                &image.sampler,
                &normal.texture_view,
                &normal.sampler,
                &occlusion.texture_view,
                &occlusion.sampler,
            )),
        );
        Ok(GpuSurface {
            bind_group,
            double_sided: surface.double_sided,
            blend: surface.alpha == Alpha::Blend,
            maps: Maps {
                normal: surface.normal_map.is_some() && !surface.unlit,
                occlusion: surface.occlusion_map.is_some() && !surface.unlit,
            },
        })
    }
}

/// A mesh to draw this frame, on its render-world entity.
#[derive(Component)]
pub struct ExtractedPart {
    mesh: AssetId<Mesh>,
    surface: AssetId<Surface>,
    world_from_local: Affine3A,
    visible: bool,
}

/// A main-world mesh entity as the render world reads it.
type SurfacedMesh = (
    RenderEntity,
    &'static Mesh3d,
    &'static MeshSurface,
    &'static GlobalTransform,
    &'static ViewVisibility,
);

fn extract_parts(mut commands: Commands, parts: Extract<Query<SurfacedMesh>>) {
    for (entity, mesh, surface, transform, visibility) in &parts {
        commands.entity(entity).insert(ExtractedPart {
            mesh: mesh.id(),
            surface: surface.0.id(),
            world_from_local: transform.affine(),
            visible: visibility.get(),
        });
    }
}

/// Where each part is: one dynamic-offset uniform per part.
#[derive(ShaderType)]
struct PartUniform {
    world_from_local: Mat4,
    normal_from_local: Mat4,
    /// 1 when the transform mirrors (negative determinant): front faces come out as back ones.
    mirrored: u32,
}

#[derive(Resource, Default)]
struct PartUniforms(DynamicUniformBuffer<PartUniform>);

#[derive(Resource, Default)]
struct ShadingBindGroups {
    view: Option<BindGroup>,
    parts: Option<BindGroup>,
}

/// The shader and its bind group layouts: view (0), part (1), surface (2).
#[derive(Resource)]
struct ShadingPipeline {
    shader: Handle<Shader>,
    view_layout: BindGroupLayoutDescriptor,
    part_layout: BindGroupLayoutDescriptor,
    surface_layout: BindGroupLayoutDescriptor,
}

impl FromWorld for ShadingPipeline {
    fn from_world(world: &mut World) -> Self {
        let shader = load_embedded_asset!(&*world, "shading.wgsl");
        ShadingPipeline {
            shader,
            view_layout: BindGroupLayoutDescriptor::new(
                "shading view",
                &BindGroupLayoutEntries::single(
                    ShaderStages::VERTEX_FRAGMENT,
                    uniform_buffer::<ViewUniform>(true),
                ),
            ),
            part_layout: BindGroupLayoutDescriptor::new(
                "shading part",
                &BindGroupLayoutEntries::single(
                    ShaderStages::VERTEX_FRAGMENT,
                    uniform_buffer::<PartUniform>(true),
                ),
            ),
            surface_layout: BindGroupLayoutDescriptor::new(
                "shading surface",
                &BindGroupLayoutEntries::sequential(
                    ShaderStages::FRAGMENT,
                    (
                        uniform_buffer::<SurfaceUniform>(false),
                        // Base colour, normal map, occlusion map.
                        texture_2d(TextureSampleType::Float { filterable: true }),
                        sampler(SamplerBindingType::Filtering),
                        texture_2d(TextureSampleType::Float { filterable: true }),
                        sampler(SamplerBindingType::Filtering),
                        texture_2d(TextureSampleType::Float { filterable: true }),
                        sampler(SamplerBindingType::Filtering),
                    ),
                ),
            ),
        }
    }
}

/// What a pipeline depends on besides the mesh's vertex layout.
#[derive(Clone, Copy, Hash, PartialEq, Eq)]
struct PipelineKey {
    samples: u32,
    format: TextureFormat,
    topology: PrimitiveTopology,
    cull: Option<Face>,
    blend: bool,
    maps: Maps,
}

impl SpecializedMeshPipeline for ShadingPipeline {
    type Key = PipelineKey;

    fn specialize(
        &self,
        key: PipelineKey,
        layout: &MeshVertexBufferLayoutRef,
    ) -> Result<RenderPipelineDescriptor, SpecializedMeshPipelineError> {
        let mut attributes = vec![
            Mesh::ATTRIBUTE_POSITION.at_shader_location(0),
            Mesh::ATTRIBUTE_NORMAL.at_shader_location(1),
        ];
        let mut shader_defs = Vec::new();
        if key.blend {
            shader_defs.push("BLEND".into());
        }
        if layout.0.contains(Mesh::ATTRIBUTE_UV_0) {
            attributes.push(Mesh::ATTRIBUTE_UV_0.at_shader_location(2));
            shader_defs.push("VERTEX_UVS".into());
        }
        if layout.0.contains(Mesh::ATTRIBUTE_COLOR) {
            attributes.push(Mesh::ATTRIBUTE_COLOR.at_shader_location(3));
            shader_defs.push("VERTEX_COLORS".into());
        }
        if layout.0.contains(Mesh::ATTRIBUTE_UV_1) {
            attributes.push(Mesh::ATTRIBUTE_UV_1.at_shader_location(4));
            shader_defs.push("VERTEX_UVS_B".into());
        }
        if key.maps.normal {
            shader_defs.push("NORMAL_MAP".into());
        }
        if key.maps.occlusion {
            shader_defs.push("OCCLUSION_MAP".into());
        }
        let vertex_layout = layout.0.get_layout(&attributes)?;
        Ok(RenderPipelineDescriptor {
            label: Some("shading".into()),
            layout: vec![
                self.view_layout.clone(),
                self.part_layout.clone(),
                self.surface_layout.clone(),
            ],
            vertex: VertexState {
                shader: self.shader.clone(),
                shader_defs: shader_defs.clone(),
                entry_point: Some("vertex".into()),
                buffers: vec![vertex_layout],
            },
            fragment: Some(FragmentState {
                shader: self.shader.clone(),
                shader_defs,
                entry_point: Some("fragment".into()),
                targets: vec![Some(ColorTargetState {
                    format: key.format,
                    blend: key.blend.then_some(BlendState::ALPHA_BLENDING),
                    write_mask: ColorWrites::ALL,
                })],
            }),
            primitive: PrimitiveState {
                topology: key.topology,
                cull_mode: key.cull,
                ..default()
            },
            // Bevy's depth is reversed: nearer is greater.
            depth_stencil: Some(DepthStencilState {
                format: CORE_3D_DEPTH_FORMAT,
                depth_write_enabled: Some(!key.blend),
                depth_compare: Some(CompareFunction::GreaterEqual),
                stencil: default(),
                bias: default(),
            }),
            multisample: MultisampleState {
                count: key.samples,
                ..default()
            },
            ..default()
        })
    }
}

/// A visible part with its uniform written, ready to queue in each view.
struct ReadyPart<'a> {
    entity: (Entity, MainEntity),
    mesh_id: AssetId<Mesh>,
    mesh: &'a RenderMesh,
    /// Of its [`PartUniform`].
    offset: u32,
    /// World-space centre of its bounds, for sorting.
    center: Vec3,
    cull: Option<Face>,
    blend: bool,
    maps: Maps,
}

/// Puts every visible part into each 3D view's sorted phase (which sorts far to near by the
/// centre given): opaque parts first, near to far so that hidden pixels are not shaded, then
/// the blended ones far to near.
#[allow(clippy::too_many_arguments)]
fn queue_parts(
    draw_functions: Res<DrawFunctions<Transparent3d>>,
    pipeline: Res<ShadingPipeline>,
    mut pipelines: ResMut<SpecializedMeshPipelines<ShadingPipeline>>,
    cache: Res<PipelineCache>,
    meshes: Res<RenderAssets<RenderMesh>>,
    surfaces: Res<RenderAssets<GpuSurface>>,
    parts: Query<(Entity, &MainEntity, &ExtractedPart)>,
    views: Query<(&ExtractedView, &Msaa)>,
    mut phases: ResMut<ViewSortedRenderPhases<Transparent3d>>,
    mut uniforms: ResMut<PartUniforms>,
    mut unusable: Local<HashSet<AssetId<Mesh>>>,
) {
    let draw = draw_functions.read().id::<DrawPartCommands>();
    uniforms.0.clear();
    let mut ready = Vec::new();
    for (entity, main_entity, part) in &parts {
        if !part.visible || unusable.contains(&part.mesh) {
            continue;
        }
        let (Some(mesh), Some(surface)) = (meshes.get(part.mesh), surfaces.get(part.surface))
        else {
            continue;
        };
        let matrix = part.world_from_local.matrix3;
        let mirrored = matrix.determinant() < 0.0;
        let offset = uniforms.0.push(&PartUniform {
            world_from_local: Mat4::from(part.world_from_local),
            normal_from_local: Mat4::from_mat3a(matrix.inverse().transpose()),
            mirrored: u32::from(mirrored),
        });
        let center = part.world_from_local.transform_point3(mesh.aabb_center);
        let cull = match (surface.double_sided, mirrored) {
            (true, _) => None,
            (false, false) => Some(Face::Back),
            (false, true) => Some(Face::Front),
        };
        ready.push(ReadyPart {
            entity: (entity, *main_entity),
            mesh_id: part.mesh,
            offset,
            center,
            cull,
            mesh,
            blend: surface.blend,
            maps: surface.maps,
        });
    }
    for (view, msaa) in &views {
        let Some(phase) = phases.get_mut(&view.retained_view_entity) else {
            continue;
        };
        let eye = view.world_from_view.translation();
        for part in &ready {
            let key = PipelineKey {
                samples: msaa.samples(),
                format: view.target_format,
                topology: part.mesh.primitive_topology(),
                cull: part.cull,
                blend: part.blend,
                maps: part.maps,
            };
            let pipeline = match pipelines.specialize(&cache, &pipeline, key, &part.mesh.layout) {
                Ok(id) => id,
                Err(err) => {
                    tracing::error!("a mesh cannot be drawn: {err}");
                    unusable.insert(part.mesh_id);
                    continue;
                }
            };
            let sorting_info = if part.blend {
                TransparentSortingInfo3d::Sorted {
                    mesh_center: part.center,
                    depth_bias: 0.0,
                }
            } else {
                // Mirrored through the eye, the nearest part sorts as the farthest; the bias,
                // beyond any scene's size, puts them all before the blended ones.
                TransparentSortingInfo3d::Sorted {
                    mesh_center: 2.0 * eye - part.center,
                    depth_bias: -1.0e6,
                }
            };
            phase.add_transient(Transparent3d {
                sorting_info,
                // Filled in by bevy's sort from `sorting_info`.
                distance: 0.0,
                pipeline,
                entity: part.entity,
                draw_function: draw,
                batch_range: 0..1,
                extra_index: PhaseItemExtraIndex::DynamicOffset(part.offset),
                indexed: part.mesh.indexed(),
            });
        }
    }
}

fn write_part_uniforms(
    device: Res<RenderDevice>,
    queue: Res<RenderQueue>,
    mut uniforms: ResMut<PartUniforms>,
) {
    uniforms.0.write_buffer(&device, &queue);
}

fn make_bind_groups(
    device: Res<RenderDevice>,
    cache: Res<PipelineCache>,
    pipeline: Res<ShadingPipeline>,
    views: Res<ViewUniforms>,
    parts: Res<PartUniforms>,
    mut groups: ResMut<ShadingBindGroups>,
) {
    groups.view = views.uniforms.binding().map(|binding| {
        device.create_bind_group(
            "shading view",
            &cache.get_bind_group_layout(&pipeline.view_layout),
            &BindGroupEntries::single(binding),
        )
    });
    groups.parts = parts.0.binding().map(|binding| {
        device.create_bind_group(
            "shading parts",
            &cache.get_bind_group_layout(&pipeline.part_layout),
            &BindGroupEntries::single(binding),
        )
    });
}

type DrawPartCommands = (SetItemPipeline, DrawPart);

/// Binds the view, the part and its surface, and draws the part's mesh.
struct DrawPart;

impl<P: PhaseItem> RenderCommand<P> for DrawPart {
    type Param = (
        SRes<ShadingBindGroups>,
        SRes<RenderAssets<GpuSurface>>,
        SRes<RenderAssets<RenderMesh>>,
        SRes<MeshAllocator>,
    );
    type ViewQuery = Read<ViewUniformOffset>;
    type ItemQuery = Read<ExtractedPart>;

    fn render<'w>(
        item: &P,
        view: ROQueryItem<'w, '_, Self::ViewQuery>,
        part: Option<ROQueryItem<'w, '_, Self::ItemQuery>>,
        (groups, surfaces, meshes, allocator): SystemParamItem<'w, '_, Self::Param>,
        pass: &mut TrackedRenderPass<'w>,
    ) -> RenderCommandResult {
        let groups = groups.into_inner();
        let allocator = allocator.into_inner();
        let PhaseItemExtraIndex::DynamicOffset(offset) = item.extra_index() else {
            return RenderCommandResult::Skip;
        };
        let (Some(part), Some(view_group), Some(part_group)) = (part, &groups.view, &groups.parts)
        else {
            return RenderCommandResult::Skip;
        };
        let (Some(surface), Some(mesh), Some(vertices)) = (
            surfaces.into_inner().get(part.surface),
            meshes.into_inner().get(part.mesh),
            allocator.mesh_vertex_slice(&part.mesh),
        ) else {
            return RenderCommandResult::Skip;
        };
        pass.set_bind_group(0, view_group, &[view.offset]);
        pass.set_bind_group(1, part_group, &[offset]);
        pass.set_bind_group(2, &surface.bind_group, &[]);
        pass.set_vertex_buffer(0, vertices.buffer.slice(..));
        match &mesh.buffer_info {
            RenderMeshBufferInfo::Indexed {
                count,
                index_format,
            } => {
                let Some(indices) = allocator.mesh_index_slice(&part.mesh) else {
                    return RenderCommandResult::Skip;
                };
                pass.set_index_buffer(indices.buffer.slice(..), *index_format);
                pass.draw_indexed(
                    indices.range.start..indices.range.start + count,
                    vertices.range.start as i32,
                    0..1,
                );
            }
            RenderMeshBufferInfo::NonIndexed => pass.draw(vertices.range, 0..1),
        }
        RenderCommandResult::Success
    }
}
