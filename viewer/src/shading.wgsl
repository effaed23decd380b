// How the viewer's meshes look: a base colour (factor × vertex colour × texture), lit by a sky
// above, the ground below (both dimmed by an occlusion map) and one sun, on normals turned by a
// normal map, then tone mapped; unlit surfaces show the base colour
// as it is. See `shading.rs`.

#import bevy_render::view::View

@group(0) @binding(0) var<uniform> view: View;

struct Part {
    world_from_local: mat4x4<f32>,
    normal_from_local: mat4x4<f32>,
    // 1 when the transform mirrors: the front faces' triangles then turn clockwise.
    mirrored: u32,
};
@group(1) @binding(0) var<uniform> part: Part;

struct Surface {
    color: vec4<f32>,
    emissive: vec4<f32>,
    // Fragments with less alpha are dropped (alpha mask); -1 for none.
    alpha_cutoff: f32,
    // UNLIT | DOUBLE_SIDED | NORMAL_SECOND_SET | OCCLUSION_SECOND_SET
    flags: u32,
    normal_scale: f32,
    occlusion_strength: f32,
};
const UNLIT: u32 = 1u;
const DOUBLE_SIDED: u32 = 2u;
const NORMAL_SECOND_SET: u32 = 4u;
const OCCLUSION_SECOND_SET: u32 = 8u;
@group(2) @binding(0) var<uniform> surface: Surface;
@group(2) @binding(1) var color_texture: texture_2d<f32>;
@group(2) @binding(2) var color_sampler: sampler;
// Linear data: a tangent-space normal map and an occlusion map (red channel).
@group(2) @binding(3) var normal_texture: texture_2d<f32>;
@group(2) @binding(4) var normal_sampler: sampler;
@group(2) @binding(5) var occlusion_texture: texture_2d<f32>;
@group(2) @binding(6) var occlusion_sampler: sampler;

struct Vertex {
    @location(0) position: vec3<f32>,
    @location(1) normal: vec3<f32>,
#ifdef VERTEX_UVS
    @location(2) uv: vec2<f32>,
#endif
#ifdef VERTEX_COLORS
    @location(3) color: vec4<f32>,
#endif
#ifdef VERTEX_UVS_B
    @location(4) uv_b: vec2<f32>,
#endif
};

struct Fragment {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) normal: vec3<f32>,
    @location(1) uv: vec2<f32>,
    @location(2) color: vec4<f32>,
    // Only what the maps need, so surfaces without them are drawn as before.
#ifdef NORMAL_MAP
    @location(3) world_position: vec3<f32>,
#endif
#ifdef VERTEX_UVS_B
    @location(4) uv_b: vec2<f32>,
#endif
};

@vertex
fn vertex(v: Vertex) -> Fragment {
    var out: Fragment;
    let world = part.world_from_local * vec4(v.position, 1.0);
    out.clip_position = view.clip_from_world * world;
#ifdef NORMAL_MAP
    out.world_position = world.xyz;
#endif
    out.normal = (part.normal_from_local * vec4(v.normal, 0.0)).xyz;
    out.uv = vec2(0.0);
    out.color = vec4(1.0);
#ifdef VERTEX_UVS
    out.uv = v.uv;
#endif
#ifdef VERTEX_UVS_B
    out.uv_b = v.uv_b;
#endif
#ifdef VERTEX_COLORS
    out.color = v.color;
#endif
    return out;
}

// Towards the sun: (40, 80, 30) normalised, high and to one side, so that walls facing
// different ways differ in light.
const SUN_DIRECTION: vec3<f32> = vec3(0.4240, 0.8480, 0.3180);
const SUN: vec3<f32> = vec3(1.45, 1.38, 1.25);
const SKY: vec3<f32> = vec3(0.50, 0.56, 0.66);
const GROUND: vec3<f32> = vec3(0.30, 0.27, 0.22);

// A filmic curve (Narkowicz's fit of ACES): keeps sunlit colours from clipping.
fn tone_map(c: vec3<f32>) -> vec3<f32> {
    return clamp((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), vec3(0.0), vec3(1.0));
}

// Opaque and masked surfaces cover what is behind them whatever their alpha (glTF asks so, and
// the canvas would let the page show through).
fn with_alpha(rgb: vec3<f32>, a: f32) -> vec4<f32> {
#ifdef BLEND
    return vec4(rgb, a);
#else
    return vec4(rgb, 1.0);
#endif
}

// The texture coordinates a map reads: the base colour's, or the second set.
fn map_uv(in: Fragment, flag: u32) -> vec2<f32> {
#ifdef VERTEX_UVS_B
    return select(in.uv, in.uv_b, (surface.flags & flag) != 0u);
#else
    return in.uv;
#endif
}

// The normal `n` turned by a tangent-space normal map's texel `m` (0–1 per channel), with the
// tangent frame taken from how position and texture coordinates change across the screen (no
// tangents needed; three.js does the same for models without them). glTF's green points to
// smaller v (up in the image), hence the minus.
fn perturb(n: vec3<f32>, position: vec3<f32>, uv: vec2<f32>, m: vec3<f32>) -> vec3<f32> {
    let t = (m * 2.0 - 1.0) * vec3(surface.normal_scale, -surface.normal_scale, 1.0);
    let q0 = dpdx(position);
    let q1 = dpdy(position);
    let st0 = dpdx(uv);
    let st1 = dpdy(uv);
    let q1_perp = cross(q1, n);
    let q0_perp = cross(n, q0);
    let tangent = q1_perp * st0.x + q0_perp * st1.x;
    let bitangent = q1_perp * st0.y + q0_perp * st1.y;
    let det = max(dot(tangent, tangent), dot(bitangent, bitangent));
    // WGSL's window y runs down the screen (GLSL's, which three.js writes this for, runs up):
    // both derivatives across y change sign, which turns the tangent and bitangent round.
    let scale = select(-inverseSqrt(det), 0.0, det == 0.0);
    return normalize(tangent * (t.x * scale) + bitangent * (t.y * scale) + n * t.z);
}

@fragment
fn fragment(in: Fragment, @builtin(front_facing) front: bool) -> @location(0) vec4<f32> {
    // Every texture is read first, where all fragments still run together (derivatives need
    // it).
    let base = surface.color * in.color * textureSample(color_texture, color_sampler, in.uv);
#ifdef NORMAL_MAP
    let normal_uv = map_uv(in, NORMAL_SECOND_SET);
    let normal_texel = textureSample(normal_texture, normal_sampler, normal_uv).rgb;
#endif
#ifdef OCCLUSION_MAP
    let occlusion_texel = textureSample(
        occlusion_texture, occlusion_sampler, map_uv(in, OCCLUSION_SECOND_SET)
    ).r;
#endif
    var n = normalize(in.normal);
    // A double-sided surface seen from behind is lit on that side.
    if (surface.flags & DOUBLE_SIDED) != 0u && front == (part.mirrored != 0u) {
        n = -n;
    }
#ifdef NORMAL_MAP
    n = perturb(n, in.world_position, normal_uv, normal_texel);
#endif
    if base.a < surface.alpha_cutoff {
        discard;
    }
    if (surface.flags & UNLIT) != 0u {
        return with_alpha(base.rgb, base.a);
    }
    // Occlusion darkens the light from sky and ground, not the sun's (as glTF says).
    var ambient = mix(GROUND, SKY, n.y * 0.5 + 0.5);
#ifdef OCCLUSION_MAP
    ambient *= 1.0 + surface.occlusion_strength * (occlusion_texel - 1.0);
#endif
    let light = ambient + SUN * max(dot(n, SUN_DIRECTION), 0.0);
    return with_alpha(tone_map(base.rgb * light + surface.emissive.rgb), base.a);
}
