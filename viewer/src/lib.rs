//! Disan's 3D tour viewer: a bevy app that shows a site's model from the Disan server, in the
//! browser (wasm32, WebGL2) or on the desktop. One plugin per feature; [`AppPlugin`] adds them.

mod camera;
mod console;
mod decode;
mod hotspots;
mod loading;
mod memory;
mod model;
mod net;
mod shading;
mod site;
mod tour;
mod ui;
mod upload;

pub use site::retry;
pub use tour::reset_view;

use bevy::asset::AssetMetaCheck;
use bevy::asset::io::{AssetSourceBuilder, AssetSourceId};
use bevy::prelude::*;

/// The whole viewer.
pub struct AppPlugin;

impl Plugin for AppPlugin {
    fn build(&self, app: &mut App) {
        let server = net::Server::from_env();
        let progress = loading::Progress::default();
        // Must come before `AssetPlugin`: every asset is read over HTTP with progress.
        for (id, scheme) in [
            (AssetSourceId::Default, None),
            (AssetSourceId::from("http"), Some("http")),
            (AssetSourceId::from("https"), Some("https")),
        ] {
            let reader = loading::HttpReader::new(server.clone(), progress.clone(), scheme);
            app.register_asset_source(
                id,
                AssetSourceBuilder::new(move || Box::new(reader.clone())),
            );
        }
        app.insert_resource(server).insert_resource(progress);
        // bevy's plugins one by one rather than `DefaultPlugins`: a plugin in the group is in the
        // wasm file even when disabled. Left out: scene spawning and serialization, diagnostics,
        // logging (see `console.rs`), PBR and lights (see `shading.rs`), glTF (see `model.rs`)
        // and, on the desktop, pipelined rendering and Ctrl-C handling.
        app.add_plugins((
            bevy::app::PanicHandlerPlugin,
            TaskPoolPlugin::default(),
            bevy::diagnostic::FrameCountPlugin,
            bevy::time::TimePlugin,
            TransformPlugin,
            bevy::input::InputPlugin,
            WindowPlugin {
                primary_window: Some(Window {
                    title: "Disan".into(),
                    canvas: Some("#viewer-canvas".into()),
                    fit_canvas_to_parent: true,
                    prevent_default_event_handling: false,
                    // Not focused on start: winit would call `focus()` on the canvas when the
                    // viewer is ready, taking the keyboard from whatever the visitor was typing
                    // in (the search box) and scrolling the page. A tap or click focuses it.
                    focused: false,
                    ..default()
                }),
                ..default()
            },
            bevy::a11y::AccessibilityPlugin,
            AssetPlugin {
                meta_check: AssetMetaCheck::Never,
                ..default()
            },
        ));
        app.add_plugins((
            bevy::winit::WinitPlugin::default(),
            bevy::render::RenderPlugin::default(),
            ImagePlugin::default(),
            bevy::mesh::MeshPlugin,
            bevy::camera::CameraPlugin,
            bevy::core_pipeline::CorePipelinePlugin,
        ));
        app.add_plugins((
            shading::plugin,
            // Before the model loader, which hands it the browser's bitmaps.
            upload::plugin,
            model::plugin,
            site::plugin,
            camera::plugin,
            tour::plugin,
            hotspots::plugin,
            ui::plugin,
            memory::plugin,
        ));
    }
}

/// Builds the viewer app.
pub fn app() -> App {
    console::install();
    let mut app = App::new();
    app.add_plugins(AppPlugin);
    app
}

/// Entry point in the browser: runs when the page initialises the wasm module.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    app().run();
}
