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
// The visitor's own choice (the page's "light model" button, remembered) comes first.
/** Whether the viewer is to show the light model only. */
export function lightOnly() {
  const choice = localStorage.getItem("disan-detail");
  if (choice === "light" || choice === "full") return choice === "light";
  const link = navigator.connection || {};
  return new URLSearchParams(location.search).has("light") || link.saveData === true
    || link.effectiveType === "slow-2g" || link.effectiveType === "2g";
}
/** Switches between the light model only and the full one, remembered; the page starts again. */
export function toggleLightOnly() {
  localStorage.setItem("disan-detail", lightOnly() ? "full" : "light");
  const url = new URL(location.href);
  url.searchParams.delete("light");
  history.replaceState(history.state, "", url);
  location.reload();
}
const MB = 1024 * 1024;
/**
 * The graphics memory a model may take on this device: a phone's 256 MB (the viewer's own
 * limit), less where the browser says the device has little memory (`navigator.deviceMemory`,
 * in GB: 64 MB per GB), unless the visitor chose the full model.
 */
function gpuBudget() {
  const gb = Number(navigator.deviceMemory);
  if (localStorage.getItem("disan-detail") === "full" || !(gb > 0)) return 256 * MB;
  return Math.min(256, gb * 64) * MB;
}
/** The levels the viewer gets: the light one only by choice, or those that fit the budget. */
function levels(models) {
  const light = models.filter((m) => m.level === "light");
  if (lightOnly() && light.length) return light;
  // A level's graphics memory comes with it (0: not known), so one that would not fit is
  // never downloaded.
  const fits = models.filter((m) => !m.gpu_bytes || m.gpu_bytes <= gpuBudget());
  return fits.length ? fits : light.length ? light : models;
}
function handOver(key, scene) {
  if (key !== sceneKey() || !scene) return;
  const el = $("site-data");
  if (el.dataset.slug === key) return;
  scene = { ...scene, models: levels(scene.models) };
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
  if (!document.createElement("canvas").getContext("webgl2")) {
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
    await viewer.default({ module_or_path: fetchWithProgress("/viewer/disan_viewer_bg.wasm") });
  } catch (e) {
    if (!benign(e && (e.message || e))) {
      record(e && (e.message || e));
      document.body.dataset.viewer = "failed";
      status("failed");
    }
  }
}
