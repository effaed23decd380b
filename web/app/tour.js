// The guided tour's text side: caption, stop n/N, previous/next, autoplay, arrow keys; the
// hotspots (a button each, a panel with the open one); at the last stop, the nearest other
// sites. The stop or hotspot is the URL's fragment, so links can start there and Back/Forward
// move between stops.
import { record } from "./errors.js";
import { lang, t } from "./i18n.js";
import { sites, siteDetail } from "./sites.js";
import { changed, hotspotFragment, hotspotFromHash, openInPlace, slugFromPath, stopFragment, stopFromHash } from "./url.js";
import { $ } from "./ui.js";

let playTimer = 0;

/** Shows the tour panel of the site `slug` at the URL's stop (hides it without a site). */
export function renderTour(slug) {
  const panel = $("tour-panel");
  if (!slug) { panel.hidden = true; $("hotspot-panel").hidden = true; setPlaying(false); return; }
  siteDetail(slug).then((site) => {
    if (!site || slugFromPath() !== slug) return;
    const total = site.tour.length;
    const n = Math.min(Math.max(stopFromHash(), 1), total);
    panel.hidden = false;
    panel.dataset.stop = String(n);
    $("stop-count").textContent = `${n}/${total}`;
    $("caption").textContent = site.tour[n - 1].caption[lang()];
    $("stop-prev").disabled = n <= 1;
    $("stop-next").disabled = n >= total;
    if (n >= total) setPlaying(false);
    renderHotspots(site);
    renderRelics(site);
    renderNextSites(site, n >= total);
  });
}

// The site's published relics, each a link to its page.
function renderRelics(site) {
  const box = $("site-relics");
  const relics = site.relics || [];
  box.hidden = relics.length === 0;
  const links = relics.map((r) => {
    const a = document.createElement("a");
    a.href = r.url;
    a.textContent = r.title[lang()];
    return a;
  });
  box.replaceChildren(box.firstElementChild, ...links);
  box.firstElementChild.textContent = t().relics;
}
openInPlace($("site-relics"));

// At the last stop: the nearest other sites, to go on.
const nearby = new Map();
function renderNextSites(site, last) {
  const box = $("next-sites");
  box.hidden = !last;
  if (!last) return;
  const slug = site.slug;
  if (!nearby.has(slug)) {
    const { lat, lon } = site.position;
    nearby.set(slug, fetch(`/api/nearby?lat=${lat}&lon=${lon}&radius_km=500`)
      .then((r) => r.ok ? r.json() : Promise.reject(new Error(`nearby: HTTP ${r.status}`)))
      .then((r) => r.sites.filter((s) => s.slug !== slug).slice(0, 3))
      .catch((e) => { nearby.delete(slug); record(e.message); return []; }));
  }
  nearby.get(slug).then((next) => {
    if (slugFromPath() !== slug) return;
    const links = next.map((s) => {
      const a = document.createElement("a");
      a.href = s.tour_url;
      a.dataset.slug = s.slug;
      a.textContent = `${s.name[lang()]} (${s.distance_km < 10 ? s.distance_km.toFixed(1) : Math.round(s.distance_km)} km)`;
      return a;
    });
    box.replaceChildren(box.firstElementChild, ...links);
    box.firstElementChild.textContent = t().nextSites;
  });
}
openInPlace($("next-sites"));

// Hotspots: a button each under the caption, and a panel with the open one (`#hotspot=id`).
function renderHotspots(site) {
  const open = hotspotFromHash();
  const l = lang();
  $("hotspots-summary").textContent = `${t().hotspots} (${site.hotspots.length})`;
  $("hotspots").replaceChildren(...site.hotspots.map((h) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.hotspot = h.id;
    b.textContent = h.title[l];
    b.setAttribute("aria-pressed", String(h.id === open));
    li.append(b);
    return li;
  }));
  const h = site.hotspots.find((h) => h.id === open);
  const panel = $("hotspot-panel");
  panel.hidden = !h;
  panel.dataset.hotspot = h ? h.id : "";
  if (!h) return;
  $("hotspot-title").textContent = h.title[l];
  $("hotspot-text").textContent = h.text[l];
  $("hotspot-close").setAttribute("aria-label", t().close);
  const link = $("hotspot-link");
  const target = h.link && sites.find((s) => s.slug === h.link.site);
  link.hidden = !target;
  if (target) {
    link.href = target.tour_url + (h.link.stop ? stopFragment(h.link.stop) : "");
    link.textContent = t().goTo(target.name[l]);
  }
}
$("hotspots").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-hotspot]");
  if (!b) return;
  const id = b.dataset.hotspot;
  const next = hotspotFromHash() === id ? "" : hotspotFragment(id);
  history.pushState({}, "", location.pathname + next);
  changed();
});
$("hotspot-close").addEventListener("click", () => {
  history.pushState({}, "", location.pathname);
  changed();
});
openInPlace($("hotspot-link"));

function goToStop(delta) {
  const slug = slugFromPath();
  if (!slug) return;
  siteDetail(slug).then((site) => {
    if (!site) return;
    const n = Math.min(Math.max(stopFromHash() + delta, 1), site.tour.length);
    if (n !== stopFromHash() || !location.hash) history.pushState({}, "", location.pathname + stopFragment(n));
    renderTour(slug);
  });
}
// Autoplay: a stop every 6 s, until paused or at the last stop (`renderTour` ends it there).
function setPlaying(on) {
  clearInterval(playTimer);
  playTimer = on ? setInterval(() => goToStop(1), 6000) : 0;
  $("stop-play").setAttribute("aria-pressed", String(on));
}
$("stop-prev").addEventListener("click", () => goToStop(-1));
$("stop-next").addEventListener("click", () => goToStop(1));
$("stop-play").addEventListener("click", () => {
  const on = !playTimer;
  setPlaying(on);
  // Played at the last stop: the tour starts over.
  if (on && $("stop-next").disabled) goToStop(1 - stopFromHash());
});
addEventListener("keydown", (e) => {
  if (!slugFromPath() || e.altKey || e.ctrlKey || e.metaKey) return;
  // Inputs keep their keys; the focused 3D view uses the arrows to turn the camera.
  if (e.target.closest && e.target.closest("input, textarea, select, canvas")) return;
  if (e.key === "Escape" && hotspotFromHash()) { $("hotspot-close").click(); return; }
  if (e.key === "ArrowRight" || e.key === "PageDown") { e.preventDefault(); goToStop(1); }
  else if (e.key === "ArrowLeft" || e.key === "PageUp") { e.preventDefault(); goToStop(-1); }
});
