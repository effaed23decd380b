// The page's entry point: renders the site list, the map or the tour panel for the URL, in the
// page's language, and starts the viewer. Each feature is its own module.
import "./errors.js";
import { t, toggleLang, lang } from "./i18n.js";
import { showMap } from "./map.js";
import { refreshSearch } from "./search.js";
import { renderRelic } from "./relic.js";
import { loadSites, sites } from "./sites.js";
import { renderTour } from "./tour.js";
import { loadRules, onNavigate, openInPlace, relicFromPath, slugFromPath } from "./url.js";
import {
  lightOnly, prefetchViewerWhenIdle, resetView, startViewer, toggleHighDetail, toggleLightOnly,
} from "./viewer.js";
import { $, status } from "./ui.js";


function render() {
  const text = t(), l = lang();
  document.documentElement.lang = l;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = text[el.dataset.i18n];
  $("search").placeholder = text.searchPlaceholder;
  $("lang-toggle").textContent = text.toggle;
  $("lang-toggle").setAttribute("aria-label", text.toggleLabel);
  const current = slugFromPath();
  $("site-list").replaceChildren(...sites.map((s) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = s.tour_url;
    a.dataset.slug = s.slug;
    if (s.slug === current) a.setAttribute("aria-current", "page");
    a.append(s.name[l]);
    const small = document.createElement("small");
    small.textContent = s.commune.current;
    a.append(small);
    li.append(a);
    return li;
  }));
  const relic = relicFromPath();
  const shown = current || relic;
  $("map").hidden = Boolean(shown);
  document.body.toggleAttribute("data-home", !shown);
  $("to-map").hidden = !shown;
  $("reset-view").hidden = !shown;
  $("share").hidden = !shown;
  $("detail").hidden = !shown;
  $("detail").setAttribute("aria-pressed", String(lightOnly()));
  // Shown by the viewer's bridge once it knows the scene has a high level the device takes.
  if (!shown) $("high").hidden = true;
  if (!shown) showMap();
  renderRelic(relic);
  const link2d = $("tour-2d");
  link2d.hidden = !current;
  if (current) { link2d.href = `/tour/${current}/2d?lang=${l}`; link2d.textContent = text.tour2d; }
  if (!shown && document.body.dataset.viewer !== "failed") status("choose");
  renderTour(current);
}
// A link or button of the page moved: the status line starts afresh.
onNavigate((byLink) => { if (byLink) status(null); render(); });

$("lang-toggle").addEventListener("click", () => {
  toggleLang();
  render();
  refreshSearch();
});
// Back to the whole model: leave the stop or hotspot, and tell the viewer (the camera may have
// been turned by hand without changing the URL).
$("reset-view").addEventListener("click", () => {
  if (location.hash) history.pushState({}, "", location.pathname);
  render();
  resetView();
});
// The visitor's choice of detail: the light model only (less data, less memory), the full one,
// or the high one (large textures) where there is one.
$("detail").addEventListener("click", toggleLightOnly);
$("high").addEventListener("click", toggleHighDetail);
// Share this view: the system's share sheet where there is one, else copy the link.
$("share").addEventListener("click", async () => {
  const url = location.href;
  try {
    if (navigator.share) await navigator.share({ title: document.title, url });
    else { await navigator.clipboard.writeText(url); $("notice").textContent = t().copied; }
  } catch (e) {
    if (e && e.name !== "AbortError") $("notice").textContent = url;
  }
  setTimeout(() => { $("notice").textContent = ""; }, 4000);
});
openInPlace($("to-map"));
openInPlace($("site-list"));

// The viewer (its wasm is the page's largest file) is fetched only once a site or relic is
// shown: at once on a tour or relic page (whose response preloads it), when one is chosen on
// the home page. The home page (map, list, search) needs none; on a fast link without
// Save-Data the browser fetches it when idle, so a chosen site opens sooner.
const ready = Promise.all([loadRules(), loadSites()]);
let viewerStarted = false;
// By the path alone: the rules that check a slug may not be here yet (the viewer checks).
const showsScene = () => /^\/(tour|relic)\/[^/]+/.test(location.pathname);
function startViewerWhenShown() {
  if (viewerStarted || !showsScene()) return;
  viewerStarted = true;
  document.body.dataset.viewer = "starting";
  startViewer(ready);
}
startViewerWhenShown();
onNavigate(startViewerWhenShown);
if (!viewerStarted) {
  document.body.dataset.viewer = "off";
  prefetchViewerWhenIdle();
}
await ready;
render();
