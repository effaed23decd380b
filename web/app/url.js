// The URL is the state the page and the viewer share: the path names the site
// (`/tour/{slug}`), the fragment the view (`#stop=N` or `#hotspot=id`). The grammar comes from
// the server (`GET /api/rules`), so the page, the viewer and the content checks agree.
import { record } from "./errors.js";

let rules = null;
let slugRe = /^$/, stopRe = /^$/;
/** Fetches the shared rules once; everything below needs them. */
export async function loadRules() {
  try {
    const r = await fetch("/api/rules");
    if (!r.ok) throw new Error(`rules: HTTP ${r.status}`);
    rules = await r.json();
    slugRe = new RegExp(rules.slug_pattern);
    stopRe = new RegExp(rules.stop_pattern);
  } catch (e) { record(e.message || e); }
}
/** The site in the path, or null on the home page. */
export function slugFromPath() {
  const m = location.pathname.match(/^\/tour\/([^/]+)\/?$/);
  return m && slugRe.test(m[1]) ? m[1] : null;
}
/** The relic in the path (`/relic/{id}`), as its id string, or null. */
export function relicFromPath() {
  const m = location.pathname.match(/^\/relic\/([0-9]{1,18})\/?$/);
  return m ? m[1] : null;
}
/** What the 3D view shows: a site's slug, `relic-{id}` for a relic, or null. */
export function sceneKey() {
  const relic = relicFromPath();
  return relic ? `relic-${relic}` : slugFromPath();
}
/** The tour stop the fragment names, else the one the panel shows by default. */
export function stopFromHash() {
  const m = location.hash.match(/^#stop=(.*)$/);
  return m && stopRe.test(m[1]) ? Number(m[1]) : (rules ? rules.default_stop : 1);
}
/** The hotspot the fragment names, or null. */
export function hotspotFromHash() {
  const m = location.hash.match(/^#hotspot=(.*)$/);
  return m && slugRe.test(m[1]) ? m[1] : null;
}
/** The fragment of a stop, `#stop=3`. */
export const stopFragment = (n) => `#stop=${n}`;
/** The fragment of a hotspot, `#hotspot=tank`. */
export const hotspotFragment = (id) => `#hotspot=${id}`;

const listeners = [];
/** Calls `fn` whenever the page moves to another URL (links, Back, Forward, the fragment). */
export function onNavigate(fn) { listeners.push(fn); }
/** Tells the listeners; `byLink`: the page itself moved (a link, a button), not Back/Forward. */
export function changed(byLink = false) { for (const fn of listeners) fn(byLink); }
addEventListener("popstate", () => changed());
addEventListener("hashchange", () => changed());
/** Goes to `url` in this page (a `pushState`): the viewer follows the URL. */
export function go(url) {
  const target = new URL(url, location.href);
  if (target.pathname + target.hash !== location.pathname + location.hash) {
    history.pushState({}, "", target.pathname + target.hash);
  }
  changed(true);
}
/** A plain click (main button, no modifier) on a link in `el` opens it in this page; other
 * clicks (new tab, new window) are the browser's. */
export function openInPlace(el) {
  el.addEventListener("click", (e) => {
    const a = e.target.closest("a[href]");
    if (!a || !el.contains(a) || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    go(a.getAttribute("href"));
  });
}
