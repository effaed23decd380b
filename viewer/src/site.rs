//! The site on screen: follows the page URL (`/tour/{slug}`), fetches the site from the API,
//! loads its model, and says when the model is framed and visible.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bevy::camera::primitives::Aabb;
use bevy::gltf::GltfAssetLabel;
use bevy::prelude::*;
use bevy::tasks::IoTaskPool;
use bevy::world_serialization::{WorldAsset, WorldAssetRoot, WorldInstanceReady};

use disan_types::{ModelLevel, SiteDetail};

use crate::loading::Progress;
use crate::net::{self, NetError, Server};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CurrentSite>()
        .add_message::<SiteShown>()
        .add_systems(
            Update,
            (
                follow_request,
                receive_site,
                watch_model,
                measure_model,
                load_full_model,
            )
                .chain(),
        )
        .add_observer(swap_in_full_model);
}

/// Why a site could not be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    UnknownSite,
    Network(String),
    Model(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Phase {
    /// No site requested (the home page).
    #[default]
    Idle,
    FetchingSite,
    LoadingModel,
    Ready,
    Failed(Failure),
}

impl Phase {
    /// A stable name, written to the page for scripts and tests.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::FetchingSite => "fetching-site",
            Phase::LoadingModel => "loading-model",
            Phase::Ready => "ready",
            Phase::Failed(_) => "failed",
        }
    }
}

type Slot = Arc<Mutex<Option<Result<SiteDetail, Failure>>>>;

/// The requested site and how far it got.
#[derive(Resource, Default)]
pub struct CurrentSite {
    pub slug: Option<String>,
    pub detail: Option<SiteDetail>,
    pub phase: Phase,
    /// Which model is on screen: the light one first, then the full one.
    pub level: Option<ModelLevel>,
    root: Option<Entity>,
    scene: Option<Handle<WorldAsset>>,
    pending: Option<Slot>,
    /// The full model, spawned once loaded; it replaces the light one when its instance is ready.
    full: Option<(Handle<WorldAsset>, Option<Entity>)>,
}

/// The model of the current site is loaded and measured: where it is and how big.
#[derive(Message, Clone, Copy, Debug)]
pub struct SiteShown {
    pub center: Vec3,
    pub radius: f32,
}

#[derive(Component)]
struct SiteModel;

/// The slug the user asked for: from the URL in the browser, the first argument on the desktop.
fn requested_slug() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    let path = web_sys::window()?.location().pathname().ok()?;
    #[cfg(not(target_arch = "wasm32"))]
    let path = format!("/tour/{}", std::env::args().nth(1)?);
    let slug = path.strip_prefix("/tour/")?.trim_end_matches('/');
    let valid = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| slug.to_owned())
}

/// Set by the page (`retry()`): load the current site again after a failure.
static RETRY: AtomicBool = AtomicBool::new(false);

/// Called by the page's retry button after a failed download: loads the site again.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn retry() {
    RETRY.store(true, Ordering::Relaxed);
}

fn follow_request(
    mut commands: Commands,
    mut current: ResMut<CurrentSite>,
    server: Res<Server>,
    progress: Res<Progress>,
) {
    let wanted = requested_slug();
    let retry = RETRY.swap(false, Ordering::Relaxed) && matches!(current.phase, Phase::Failed(_));
    if wanted == current.slug && !retry {
        return;
    }
    if let Some(root) = current.root.take() {
        commands.entity(root).despawn();
    }
    if let Some((_, Some(full))) = current.full.take() {
        commands.entity(full).despawn();
    }
    *current = CurrentSite::default();
    progress.reset();
    let Some(slug) = wanted else {
        return;
    };
    let slot: Slot = Arc::default();
    let url = server.url(&format!("/api/sites/{slug}"));
    let task_slot = slot.clone();
    IoTaskPool::get()
        .spawn(async move {
            let result = match net::get(&url, None).await {
                Ok(bytes) => serde_json::from_slice::<SiteDetail>(&bytes)
                    .map_err(|e| Failure::Network(format!("bad site JSON: {e}"))),
                Err(NetError::Status(404)) => Err(Failure::UnknownSite),
                Err(e) => Err(Failure::Network(e.to_string())),
            };
            if let Ok(mut s) = task_slot.lock() {
                *s = Some(result);
            }
        })
        .detach();
    current.slug = Some(slug);
    current.phase = Phase::FetchingSite;
    current.pending = Some(slot);
}

fn receive_site(
    mut commands: Commands,
    mut current: ResMut<CurrentSite>,
    asset_server: Res<AssetServer>,
) {
    let Some(slot) = &current.pending else {
        return;
    };
    let Some(result) = slot.lock().ok().and_then(|mut s| s.take()) else {
        return;
    };
    current.pending = None;
    match result {
        Ok(detail) => {
            let Some(model) = detail.first_model() else {
                current.phase = Phase::Failed(Failure::Model("the site has no model".into()));
                return;
            };
            let scene: Handle<WorldAsset> =
                asset_server.load(GltfAssetLabel::Scene(0).from_asset(model.path.clone()));
            let root = commands
                .spawn((
                    SiteModel,
                    WorldAssetRoot(scene.clone()),
                    Name::new(detail.site.slug.clone()),
                ))
                .id();
            current.root = Some(root);
            current.scene = Some(scene);
            current.level = Some(model.level);
            current.detail = Some(detail);
            current.phase = Phase::LoadingModel;
        }
        Err(failure) => current.phase = Phase::Failed(failure),
    }
}

fn watch_model(mut current: ResMut<CurrentSite>, asset_server: Res<AssetServer>) {
    if current.phase != Phase::LoadingModel {
        return;
    }
    let Some(scene) = &current.scene else {
        return;
    };
    if let Some(bevy::asset::LoadState::Failed(err)) = asset_server.get_load_state(scene) {
        current.phase = Phase::Failed(Failure::Model(err.to_string()));
    }
}

/// Once every mesh of the model has its bounds, the model is on screen: measure it.
fn measure_model(
    mut current: ResMut<CurrentSite>,
    asset_server: Res<AssetServer>,
    meshes: Query<(&GlobalTransform, Option<&Aabb>), With<Mesh3d>>,
    mut shown: MessageWriter<SiteShown>,
) {
    if current.phase != Phase::LoadingModel {
        return;
    }
    let Some(scene) = &current.scene else {
        return;
    };
    if !asset_server.is_loaded_with_dependencies(scene) || meshes.is_empty() {
        return;
    }
    let mut min = Vec3::splat(f32::INFINITY);
    let mut max = Vec3::splat(f32::NEG_INFINITY);
    for (transform, aabb) in &meshes {
        let Some(aabb) = aabb else {
            return; // bounds not computed yet: next frame
        };
        let (c, h) = (Vec3::from(aabb.center), Vec3::from(aabb.half_extents));
        for corner in 0..8 {
            let sign = Vec3::new(
                if corner & 1 == 0 { -1.0 } else { 1.0 },
                if corner & 2 == 0 { -1.0 } else { 1.0 },
                if corner & 4 == 0 { -1.0 } else { 1.0 },
            );
            let p = transform.transform_point(c + sign * h);
            min = min.min(p);
            max = max.max(p);
        }
    }
    // Look a little above the middle: the interesting parts (hilltops, roofs) are high up.
    let center = (min + max) / 2.0 + Vec3::Y * (max.y - min.y) * 0.25;
    shown.write(SiteShown {
        center,
        radius: ((max - min).length() / 2.0).max(1.0),
    });
    current.phase = Phase::Ready;
}

/// Once the first (light) model is on screen, loads the full one and spawns it when ready.
fn load_full_model(
    mut commands: Commands,
    mut current: ResMut<CurrentSite>,
    asset_server: Res<AssetServer>,
) {
    if current.phase != Phase::Ready || current.level != Some(ModelLevel::Light) {
        return;
    }
    match &current.full {
        None => {
            let Some(full) = current.detail.as_ref().and_then(|d| {
                d.models
                    .iter()
                    .find(|m| m.level == ModelLevel::Full)
                    .map(|m| m.path.clone())
            }) else {
                return;
            };
            let handle: Handle<WorldAsset> =
                asset_server.load(GltfAssetLabel::Scene(0).from_asset(full));
            current.full = Some((handle, None));
        }
        Some((handle, None)) => {
            if asset_server.is_loaded_with_dependencies(handle) {
                let handle = handle.clone();
                let entity = commands
                    .spawn((SiteModel, WorldAssetRoot(handle.clone()), Name::new("full")))
                    .id();
                current.full = Some((handle, Some(entity)));
            }
        }
        Some((_, Some(_))) => {}
    }
}

/// The full model's instance is in the world: it replaces the light one in the same frame, so
/// the picture never goes empty and the camera does not move.
fn swap_in_full_model(
    ready: On<WorldInstanceReady>,
    mut commands: Commands,
    mut current: ResMut<CurrentSite>,
) {
    let Some((handle, Some(entity))) = current.full.clone() else {
        return;
    };
    if ready.entity != entity {
        return;
    }
    if let Some(light) = current.root.replace(entity) {
        commands.entity(light).despawn();
    }
    current.scene = Some(handle);
    current.level = Some(ModelLevel::Full);
    current.full = None;
}
