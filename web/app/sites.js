// The sites: the list (`GET /api/sites`) and each site's detail (`GET /api/sites/{slug}`),
// fetched once per page and shared by the tour panel and the viewer.
import { record } from "./errors.js";

export let sites = [];
export async function loadSites() {
  try {
    sites = await (await fetch("/api/sites")).json();
  } catch (e) { record("site list: " + e); }
}

const details = new Map();
const waiting = [];
/** The detail of a site (a promise of it, or of null when it could not be fetched). */
export function siteDetail(slug) {
  if (!details.has(slug)) {
    details.set(slug, fetch(`/api/sites/${slug}`)
      .then((r) => r.ok ? r.json() : Promise.reject(new Error(`site ${slug}: HTTP ${r.status}`)))
      .then((site) => { for (const fn of waiting) fn(slug, site); return site; })
      .catch((e) => { details.delete(slug); record(e.message); return null; }));
  }
  return details.get(slug);
}
/** Calls `fn(slug, site)` for every detail fetched from now on. */
export function onDetail(fn) { waiting.push(fn); }
