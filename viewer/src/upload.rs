//! Textures the browser decoded, copied into the GPU without passing through the wasm memory:
//! the model loader makes each texture as an empty bevy `Image` (its size, format and mipmap
//! count) and leaves its bitmaps here; once the renderer has made the GPU texture, each
//! bitmap goes into its mipmap level by wgpu's `copy_external_image_to_texture` (WebGL's
//! `texSubImage2D` with the bitmap). On the desktop the loader gives bevy the pixels instead.

use bevy::prelude::*;

#[cfg(target_arch = "wasm32")]
pub use browser::*;

pub(super) fn plugin(app: &mut App) {
    #[cfg(target_arch = "wasm32")]
    browser::plugin(app);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = app;
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::sync::{Arc, Mutex};

    use bevy::asset::RenderAssetUsages;
    use bevy::prelude::*;
    use bevy::render::render_asset::RenderAssets;
    use bevy::render::render_resource::{
        Extent3d, Origin3d, TextureAspect, TextureDimension, TextureFormat, TextureUsages,
    };
    use bevy::render::renderer::RenderQueue;
    use bevy::render::texture::GpuImage;
    use bevy::render::{Render, RenderApp, RenderSystems};

    use send_wrapper::SendWrapper;

    use crate::decode::Decoded;

    pub(super) fn plugin(app: &mut App) {
        let uploads = Uploads::default();
        app.insert_resource(uploads.clone())
            .add_systems(PostUpdate, forget_removed);
        if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
            render_app
                .insert_resource(uploads)
                .add_systems(Render, copy.in_set(RenderSystems::PrepareResources));
        }
    }

    /// The textures whose bitmaps wait for their GPU texture, shared by the loader (which adds
    /// them), the main world (which forgets removed ones) and the render world (which copies
    /// them).
    #[derive(Resource, Clone)]
    pub struct Uploads(Arc<Mutex<SendWrapper<Waiting>>>);

    impl Default for Uploads {
        fn default() -> Uploads {
            Uploads(Arc::new(Mutex::new(SendWrapper::new(Waiting::default()))))
        }
    }

    /// The textures waiting, and the bitmaps copied in the last frame (closed in the next,
    /// once the frame that copied them has been submitted). Bitmaps are JavaScript objects,
    /// bound to the page's one thread: the browser build has no other (no `multi_threaded`
    /// feature, no pipelined rendering), which `SendWrapper` checks.
    #[derive(Default)]
    struct Waiting(Vec<(AssetId<Image>, Decoded)>, Vec<Decoded>);

    impl Uploads {
        /// An empty texture the size of `decoded`, with room for its mipmaps, in `format`; its
        /// bitmaps are copied in once the renderer has made it (call [`Uploads::wait`]).
        pub fn image(decoded: &Decoded, format: TextureFormat) -> Image {
            let size = Extent3d {
                width: decoded.width,
                height: decoded.height,
                depth_or_array_layers: 1,
            };
            let mut image = Image::new_uninit(
                size,
                TextureDimension::D2,
                format,
                RenderAssetUsages::default(),
            );
            image.texture_descriptor.mip_level_count = decoded.levels.len() as u32;
            // What a copy from an external image needs of its target.
            image.texture_descriptor.usage |=
                TextureUsages::COPY_DST | TextureUsages::RENDER_ATTACHMENT;
            image
        }

        /// Keeps `decoded` until the GPU texture of `image` exists.
        pub fn wait(&self, image: AssetId<Image>, decoded: Decoded) {
            if let Ok(mut waiting) = self.0.lock() {
                waiting.0.push((image, decoded));
            }
        }
    }

    /// Textures removed before the renderer made them (the visitor moved on) are not waited
    /// for.
    fn forget_removed(mut events: MessageReader<AssetEvent<Image>>, uploads: Res<Uploads>) {
        for event in events.read() {
            if let AssetEvent::Removed { id } = event
                && let Ok(mut waiting) = uploads.0.lock()
            {
                waiting.0.retain(|(image, _)| image != id);
            }
        }
    }

    /// Copies each waiting texture's bitmaps into its GPU texture once it exists; the browser
    /// frees the bitmaps of the frame before that no texture still waits for.
    fn copy(uploads: Res<Uploads>, images: Res<RenderAssets<GpuImage>>, queue: Res<RenderQueue>) {
        let Ok(mut waiting) = uploads.0.lock() else {
            return;
        };
        let Waiting(pending, copied) = &mut **waiting;
        for decoded in copied.drain(..) {
            // Not when another texture of the same image (colours and data) still holds them.
            if std::rc::Rc::strong_count(&decoded.levels) == 1 {
                decoded.levels.iter().for_each(web_sys::ImageBitmap::close);
            }
        }
        let (ready, rest): (Vec<_>, Vec<_>) = std::mem::take(pending)
            .into_iter()
            .partition(|(id, _)| images.get(*id).is_some());
        *pending = rest;
        for (id, decoded) in ready {
            let Some(gpu) = images.get(id) else {
                continue;
            };
            for (level, bitmap) in decoded.levels.iter().enumerate() {
                queue.copy_external_image_to_texture(
                    &wgpu::CopyExternalImageSourceInfo {
                        source: wgpu::ExternalImageSource::ImageBitmap(bitmap.clone()),
                        origin: wgpu::Origin2d::ZERO,
                        flip_y: false,
                    },
                    wgpu::CopyExternalImageDestInfo {
                        texture: &*gpu.texture,
                        mip_level: level as u32,
                        origin: Origin3d::ZERO,
                        aspect: TextureAspect::All,
                        color_space: wgpu::PredefinedColorSpace::Srgb,
                        premultiplied_alpha: false,
                    },
                    Extent3d {
                        width: bitmap.width(),
                        height: bitmap.height(),
                        depth_or_array_layers: 1,
                    },
                );
            }
            copied.push(decoded);
        }
    }
}
