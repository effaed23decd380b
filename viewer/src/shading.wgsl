// How the viewer's meshes look: a base colour (factor × vertex colour × texture), lit by a sky
// above, the ground below and one sun, then tone mapped; unlit surfaces show the base colour
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
    // UNLIT | DOUBLE_SIDED
    flags: u32,
};
const UNLIT: u32 = 1u;
const DOUBLE_SIDED: u32 = 2u;
@group(2) @binding(0) var<uniform> surface: Surface;
@group(2) @binding(1) var color_texture: texture_2d<f32>;
@group(2) @binding(2) var color_sampler: sampler;

struct Vertex {
    @location(0) position: vec3<f32>,
    @location(1) normal: vec3<f32>,
#ifdef VERTEX_UVS
    @location(2) uv: vec2<f32>,
#endif
#ifdef VERTEX_COLORS
    @location(3) color: vec4<f32>,
#endif
};

struct Fragment {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) normal: vec3<f32>,
    @location(1) uv: vec2<f32>,
    @location(2) color: vec4<f32>,
};

@vertex
fn vertex(v: Vertex) -> Fragment {
    var out: Fragment;
    out.clip_position = view.clip_from_world * part.world_from_local * vec4(v.position, 1.0);
    out.normal = (part.normal_from_local * vec4(v.normal, 0.0)).xyz;
    out.uv = vec2(0.0);
    out.color = vec4(1.0);
#ifdef VERTEX_UVS
    out.uv = v.uv;
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

@fragment
fn fragment(in: Fragment, @builtin(front_facing) front: bool) -> @location(0) vec4<f32> {
    let base = surface.color * in.color * textureSample(color_texture, color_sampler, in.uv);
    if base.a < surface.alpha_cutoff {
        discard;
    }
    if (surface.flags & UNLIT) != 0u {
        return with_alpha(base.rgb, base.a);
    }
    var n = normalize(in.normal);
    // A double-sided surface seen from behind is lit on that side.
    if (surface.flags & DOUBLE_SIDED) != 0u && front == (part.mirrored != 0u) {
        n = -n;
    }
    let ambient = mix(GROUND, SKY, n.y * 0.5 + 0.5);
    let light = ambient + SUN * max(dot(n, SUN_DIRECTION), 0.0);
    return with_alpha(tone_map(base.rgb * light + surface.emissive.rgb), base.a);
}
