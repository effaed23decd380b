// The bridge to the 3D viewer (bevy, wasm): downloads it with a progress bar, hands it the
// site the page fetched (a JSON data block, `#site-data`, so the site is fetched once), and
// calls its exported `retry()` and `reset_view()`. The viewer follows the URL by itself.
import { benign, record } from "./errors.js";
import { t } from "./i18n.js";
import { relicDetail } from "./relic.js";
import { onDetail, siteDetail } from "./sites.js";
import { onNavigate, relicFromPath, sceneKey, slugFromPath } from "./url.js";
import { $, status } from "./ui.js";

let viewerModule = null;

// The site or relic on the page, for the viewer to read: `<script type="application/json">` is
// data, never run, so the Content-Security-Policy has nothing to allow.
// With `?light` in the URL (a landing page's choice on a slow or metered connection, and the
// offline copy), or when the browser says data is to be saved or the link is 2G, the viewer
// gets the light model only. (The viewer itself skips a level over a phone's graphics memory.)
// The visitor's own choice (the page's "light model" and "high detail" buttons, remembered)
// comes first: `disan-detail` is "light", "full" (not light) or "high".
const detailChoice = () => localStorage.getItem("disan-detail");
/** Whether the viewer is to show the light model only. */
export function lightOnly() {
  const choice = detailChoice();
  if (choice === "light" || choice === "full" || choice === "high") return choice === "light";
  const link = navigator.connection || {};
  return new URLSearchParams(location.search).has("light") || link.saveData === true
    || link.effectiveType === "slow-2g" || link.effectiveType === "2g";
}
/** Whether the visitor asked for the high level (large textures) where there is one. */
export const highDetail = () => detailChoice() === "high";
/** Remembers the visitor's choice of detail; the page starts again with it. */
function choose(detail) {
  localStorage.setItem("disan-detail", detail);
  const url = new URL(location.href);
  url.searchParams.delete("light");
  history.replaceState(history.state, "", url);
  location.reload();
}
/** Switches between the light model only and the full one. */
export const toggleLightOnly = () => choose(lightOnly() ? "full" : "light");
/** Switches the high level on or off (back to the full one). */
export const toggleHighDetail = () => choose(highDetail() ? "full" : "high");
const MB = 1024 * 1024;
/**
 * The graphics memory a model may take on this device: a phone's 256 MB (the viewer's own
 * limit), less where the browser says the device has little memory (`navigator.deviceMemory`,
 * in GB: 64 MB per GB), unless the visitor chose the full model or the high one.
 */
function gpuBudget(chosen) {
  const gb = Number(navigator.deviceMemory);
  if (chosen || !(gb > 0)) return 256 * MB;
  return Math.min(256, gb * 64) * MB;
}
let maxSide = 0;
/** Whether the browser can show WebGL2; notes its largest texture side on the way (one
 * context, let go at once). */
function probeWebgl() {
  const gl = document.createElement("canvas").getContext("webgl2");
  if (!gl) return false;
  maxSide = gl.getParameter(gl.MAX_TEXTURE_SIZE) || 2048;
  const lose = gl.getExtension("WEBGL_lose_context");
  if (lose) lose.loseContext();
  return true;
}
/** The longest texture side this browser's WebGL2 takes (2048 at least, by the standard). */
function maxTextureSide() {
  if (!maxSide) probeWebgl();
  return maxSide || 2048;
}
/** Whether a level fits the device: its graphics memory (0: not known) and its textures. */
function fits(m, chosen) {
  return (!m.gpu_bytes || m.gpu_bytes <= gpuBudget(chosen))
    && (!m.texture_side || m.texture_side <= maxTextureSide());
}
/** Whether the scene has a high level this device could show. */
export const highOffered = (models) => models.some((m) => m.level === "high" && fits(m, true));
/**
 * The levels the viewer gets, least detailed first: the light one only by choice; else those
 * that fit the device, the high one only when asked for. One that would not fit is never
 * downloaded.
 */
const order = (m) => ["light", "full", "high"].indexOf(m.level);
function levels(models) {
  const light = models.filter((m) => m.level === "light");
  if (lightOnly() && light.length) return light;
  const chosen = detailChoice() === "full" || highDetail();
  const wanted = models.filter((m) => m.level !== "high" || highDetail());
  const fitting = wanted.filter((m) => fits(m, chosen));
  return fitting.length ? fitting : light.length ? light : wanted;
}
/**
 * Starts the download of the model the viewer will show first, so it overlaps the viewer's own
 * download and start: the viewer's `fetch` of the same URL takes it over.
 */
function preload(url) {
  const href = new URL(url, location.href).href;
  if ([...document.querySelectorAll("link[rel=preload]")].some((l) => l.href === href)) return;
  fetchLink("preload", url);
}
/** A `<link rel>` (preload or prefetch) of a file a later `fetch` of the script takes over. */
function fetchLink(rel, url) {
  const link = document.createElement("link");
  link.rel = rel;
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = url;
  document.head.append(link);
}
function handOver(key, scene) {
  if (key !== sceneKey() || !scene) return;
  const el = $("site-data");
  $("high").hidden = !highOffered(scene.models);
  $("high").setAttribute("aria-pressed", String(highDetail()));
  if (el.dataset.slug === key) return;
  scene = { ...scene, models: levels(scene.models) };
  const first = scene.models.reduce((a, m) => (!a || order(m) < order(a) ? m : a), null);
  if (first && document.body.dataset.viewer !== "no-webgl") preload(first.url);
  el.textContent = JSON.stringify(scene);
  el.dataset.slug = key;
}
/** Fetches what the URL shows and hands it to the viewer. */
function handOverCurrent() {
  const slug = slugFromPath(), relic = relicFromPath();
  if (slug) siteDetail(slug).then((s) => handOver(slug, s));
  else if (relic) relicDetail(relic).then((r) => handOver(`relic-${relic}`, r));
}
onDetail(handOver);
onNavigate(handOverCurrent);

// When a download fails the viewer says so (`data-viewer="failed"`); the retry button asks it
// to load the site again, or reloads the page when the viewer itself did not load.
new MutationObserver(() => {
  $("retry").hidden = document.body.dataset.viewer !== "failed";
}).observe(document.body, { attributes: true, attributeFilter: ["data-viewer"] });
$("retry").addEventListener("click", () => {
  if (viewerModule && viewerModule.retry) viewerModule.retry();
  else location.reload();
});

/** Tells the viewer to go back to the whole model. */
export function resetView() {
  if (viewerModule && viewerModule.reset_view) viewerModule.reset_view();
}

const WASM = "/viewer/disan_viewer_bg.wasm";
/**
 * On a fast link without Save-Data, has the browser fetch the viewer's wasm into its cache
 * when the page is idle (a `prefetch` link), so a site chosen on the home page opens sooner.
 */
export function prefetchViewerWhenIdle() {
  const link = navigator.connection || {};
  if (link.saveData || (link.effectiveType && link.effectiveType !== "4g")) return;
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 2000));
  idle(() => fetchLink("prefetch", WASM));
}

// The wasm file, with a progress bar while it downloads.
function fetchWithProgress(url) {
  return fetch(url).then((resp) => {
    if (!resp.ok || !resp.body) return resp;
    const total = Number(resp.headers.get("x-decoded-length") || resp.headers.get("content-length") || 0);
    const bar = $("progress");
    let seen = 0;
    bar.hidden = false;
    const stream = resp.body.pipeThrough(new TransformStream({
      transform(chunk, ctl) { seen += chunk.byteLength; if (total) bar.value = Math.min(seen / total, 1); ctl.enqueue(chunk); },
    }));
    return new Response(stream, { headers: { "content-type": "application/wasm" } });
  });
}

/** Starts the viewer where the browser can show WebGL2, says so where it cannot. The
 * download starts at once; the site goes to the viewer once the page has its rules (`ready`). */
export async function startViewer(ready) {
  if (!probeWebgl()) {
    document.body.dataset.viewer = "no-webgl";
    status("noWebgl");
    return;
  }
  ready.then(() => {
    if (!sceneKey()) return;
    if (document.body.dataset.viewer !== "failed") status("loadingViewer");
    handOverCurrent();
  });
  try {
    const viewer = await import("/viewer/disan_viewer.js");
    viewerModule = viewer;
    await viewer.default({ module_or_path: fetchWithProgress(WASM) });
  } catch (e) {
    if (!benign(e && (e.message || e))) {
      record(e && (e.message || e));
      document.body.dataset.viewer = "failed";
      status("failed");
    }
  }
}
