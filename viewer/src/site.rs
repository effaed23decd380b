//! The site or relic on screen: follows the page URL (`/tour/{slug}`, `/relic/{id}`), takes
//! its scene from the page (which fetched it; the desktop fetches sites from the API), loads
//! its model by the URL the API gives, and says when the model is framed and visible.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bevy::asset::RecursiveDependencyLoadState;
use bevy::camera::primitives::Aabb;
use bevy::prelude::*;
#[cfg(not(target_arch = "wasm32"))]
use bevy::tasks::IoTaskPool;

use disan_types::{ModelLevel, Scene};

use crate::loading::{self, Progress};
use crate::model::Model;
use crate::net::Server;
#[cfg(not(target_arch = "wasm32"))]
use crate::net::{self, NetError};
use crate::shading::MeshSurface;

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
                load_next_level,
            )
                .chain(),
        );
}

/// Why a site could not be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Only the desktop fetches the site itself; in the browser the page reports it.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    UnknownSite,
    Network(String),
    Model(String),
    /// The model needs these glTF extensions, which the viewer cannot read.
    Unsupported(Vec<String>),
    /// The model needs this many MB of graphics memory, over the phone budget.
    TooBig(u64),
}

impl Failure {
    /// What a failed load of a model says, as specific as the loader's error allows.
    fn of_model(err: &bevy::asset::AssetLoadError) -> Failure {
        use crate::model::ModelError;
        if let bevy::asset::AssetLoadError::AssetLoaderError(e) = err {
            match e.error().downcast_ref::<ModelError>() {
                Some(ModelError::Unsupported(list)) => return Failure::Unsupported(list.clone()),
                Some(ModelError::TooBig { needs }) => return Failure::TooBig(needs >> 20),
                _ => {}
            }
        }
        Failure::Model(err.to_string())
    }
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

type Slot = Arc<Mutex<Option<Result<Scene, Failure>>>>;

/// The requested site and how far it got.
#[derive(Resource, Default)]
pub struct CurrentSite {
    pub slug: Option<String>,
    pub detail: Option<Scene>,
    pub phase: Phase,
    /// Which model is on screen: the light one first, then each more detailed one handed over.
    pub level: Option<ModelLevel>,
    /// The entity holding the model's meshes, once they are spawned.
    root: Option<Entity>,
    model: Option<Handle<Model>>,
    pending: Option<Slot>,
    /// The next more detailed model while it loads; it replaces the one shown as soon as it is
    /// loaded.
    next: Option<(ModelLevel, Handle<Model>)>,
    /// The next level failed to load (too big for the device, a broken file, the network):
    /// the one shown stays.
    next_failed: bool,
}

/// The model of the current site is loaded and measured: where it is and how big.
#[derive(Message, Clone, Copy, Debug)]
pub struct SiteShown {
    pub center: Vec3,
    pub radius: f32,
}

/// One mesh of the site's model.
#[derive(Component)]
struct ModelPart;

/// What the user asked for: a site's slug, or `relic-{id}` for a relic; from the URL in the
/// browser, the first argument on the desktop.
fn requested_slug() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    let path = web_sys::window()?.location().pathname().ok()?;
    #[cfg(not(target_arch = "wasm32"))]
    let path = format!("/tour/{}", std::env::args().nth(1)?);
    if let Some(id) = path.strip_prefix("/relic/") {
        let id = id.trim_end_matches('/');
        let digits = !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit());
        return digits.then(|| format!("relic-{id}"));
    }
    let slug = path.strip_prefix("/tour/")?.trim_end_matches('/');
    disan_types::rules::is_valid_slug(slug).then(|| slug.to_owned())
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
    #[cfg_attr(target_arch = "wasm32", allow(unused_variables))] server: Res<Server>,
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
    *current = CurrentSite::default();
    progress.reset();
    let Some(slug) = wanted else {
        return;
    };
    // In the browser the page fetches the site and hands it over (see `site_from_page`); the
    // desktop fetches it itself.
    #[cfg(not(target_arch = "wasm32"))]
    {
        current.pending = Some(fetch_site(&server, &slug));
    }
    current.slug = Some(slug);
    current.phase = Phase::FetchingSite;
}

/// Fetches the site's detail from the API in the background.
#[cfg(not(target_arch = "wasm32"))]
fn fetch_site(server: &Server, slug: &str) -> Slot {
    let slot: Slot = Arc::default();
    let url = server.url(&format!("/api/sites/{slug}"));
    let task_slot = slot.clone();
    IoTaskPool::get()
        .spawn(async move {
            let result = match net::get(&url, None).await {
                Ok(bytes) => serde_json::from_slice::<Scene>(&bytes)
                    .map_err(|e| Failure::Network(format!("bad site JSON: {e}"))),
                Err(NetError::Status(404)) => Err(Failure::UnknownSite),
                Err(e) => Err(Failure::Network(e.to_string())),
            };
            if let Ok(mut s) = task_slot.lock() {
                *s = Some(result);
            }
        })
        .detach();
    slot
}

/// The site the page fetched, once it is there: the page writes it as JSON into
/// `<script type="application/json" id="site-data" data-slug="…">`.
#[cfg(target_arch = "wasm32")]
fn site_from_page(slug: &str) -> Option<Result<Scene, Failure>> {
    let el = web_sys::window()?
        .document()?
        .get_element_by_id("site-data")?;
    if el.get_attribute("data-slug").as_deref() != Some(slug) {
        return None;
    }
    let text = el.text_content()?;
    Some(
        serde_json::from_str::<Scene>(&text)
            .map_err(|e| Failure::Network(format!("bad site JSON: {e}"))),
    )
}

fn receive_site(mut current: ResMut<CurrentSite>, asset_server: Res<AssetServer>) {
    if current.phase != Phase::FetchingSite {
        return;
    }
    #[cfg(target_arch = "wasm32")]
    let result = current.slug.as_deref().and_then(site_from_page);
    #[cfg(not(target_arch = "wasm32"))]
    let result = current
        .pending
        .as_ref()
        .and_then(|slot| slot.lock().ok().and_then(|mut s| s.take()));
    let Some(result) = result else {
        return;
    };
    current.pending = None;
    match result {
        Ok(detail) => {
            let Some(model) = detail.first_model() else {
                current.phase = Phase::Failed(Failure::Model("the site has no model".into()));
                return;
            };
            current.model = Some(asset_server.load(loading::asset_path(&model.url)));
            current.level = Some(model.level);
            current.detail = Some(detail);
            current.phase = Phase::LoadingModel;
        }
        Err(failure) => current.phase = Phase::Failed(failure),
    }
}

/// Spawns the model once it and everything it refers to are loaded, or reports why it failed.
fn watch_model(mut commands: Commands, mut current: ResMut<CurrentSite>, models: Models) {
    if current.phase != Phase::LoadingModel || current.root.is_some() {
        return;
    }
    let Some(model) = &current.model else {
        return;
    };
    let server = &models.asset_server;
    // Failed when the file or anything it refers to (a texture) could not be loaded.
    if let Some(RecursiveDependencyLoadState::Failed(err)) =
        server.get_recursive_dependency_load_state(model)
    {
        current.phase = Phase::Failed(Failure::of_model(&err));
    } else if server.is_loaded_with_dependencies(model) {
        current.root = models.spawn(&mut commands, model);
    }
}

/// What it takes to put a loaded model into the world.
#[derive(bevy::ecs::system::SystemParam)]
struct Models<'w> {
    asset_server: Res<'w, AssetServer>,
    models: Res<'w, Assets<Model>>,
}

impl Models<'_> {
    /// Spawns the model's node tree under one new root entity: each node with its transform,
    /// each mesh part of a node as its child.
    fn spawn(&self, commands: &mut Commands, model: &Handle<Model>) -> Option<Entity> {
        let model = self.models.get(model)?;
        let root = commands
            .spawn((Transform::default(), Visibility::default()))
            .id();
        let mut entities: Vec<Entity> = Vec::with_capacity(model.nodes.len());
        for node in &model.nodes {
            // Parents come before their children in `nodes`.
            let parent = node.parent.and_then(|p| entities.get(p).copied());
            let entity = commands
                .spawn((
                    node.transform,
                    Visibility::default(),
                    ChildOf(parent.unwrap_or(root)),
                ))
                .id();
            for (mesh, surface) in &node.parts {
                commands.spawn((
                    ModelPart,
                    Mesh3d(mesh.clone()),
                    MeshSurface(surface.clone()),
                    ChildOf(entity),
                ));
            }
            entities.push(entity);
        }
        Some(root)
    }
}

/// Once every mesh of the model has its bounds, the model is on screen: measure it.
fn measure_model(
    mut current: ResMut<CurrentSite>,
    meshes: Query<(&GlobalTransform, Option<&Aabb>), With<ModelPart>>,
    mut shown: MessageWriter<SiteShown>,
) {
    if current.phase != Phase::LoadingModel {
        return;
    }
    if current.root.is_none() {
        return;
    }
    if meshes.is_empty() {
        // The parts are spawned with the root (commands are applied between these systems).
        current.phase = Phase::Failed(Failure::Model("the model has no meshes".into()));
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

/// Once a model is on screen, loads the next more detailed level the page handed over (light,
/// full, high); when it is loaded it replaces the one shown in the same frame, so the picture
/// never goes empty and the camera does not move. A level that fails to load leaves the one
/// shown, and no later level is tried.
fn load_next_level(mut commands: Commands, mut current: ResMut<CurrentSite>, models: Models) {
    if current.phase != Phase::Ready || current.next_failed {
        return;
    }
    let Some((level, next)) = current.next.clone() else {
        let Some(level) = current.level else {
            return;
        };
        let Some(model) = current.detail.as_ref().and_then(|d| d.next_model(level)) else {
            return;
        };
        let (level, path) = (model.level, loading::asset_path(&model.url));
        current.next = Some((level, models.asset_server.load(path)));
        return;
    };
    let server = &models.asset_server;
    if let Some(RecursiveDependencyLoadState::Failed(err)) =
        server.get_recursive_dependency_load_state(&next)
    {
        tracing::warn!("the {level:?} model stays unloaded: {err}");
        current.next = None;
        current.next_failed = true;
        return;
    }
    if !server.is_loaded_with_dependencies(&next) {
        return;
    }
    let Some(root) = models.spawn(&mut commands, &next) else {
        return;
    };
    if let Some(shown) = current.root.replace(root) {
        commands.entity(shown).despawn();
    }
    current.next = None;
    current.model = Some(next);
    current.level = Some(level);
}
