// A relic's page, `/relic/{id}`: its text and facts beside the 3D view, in the page's language,
// and its data for the viewer (the relic's JSON reads as the viewer's scene).
import { record } from "./errors.js";
import { lang, t } from "./i18n.js";
import { sites } from "./sites.js";
import { relicFromPath } from "./url.js";
import { $ } from "./ui.js";

const relics = new Map();
/** The published relic `id` (a promise of it, or of null when it could not be fetched). */
export function relicDetail(id) {
  if (!relics.has(id)) {
    relics.set(id, fetch(`/api/relics/${id}`)
      .then((r) => r.ok ? r.json() : Promise.reject(new Error(`relic ${id}: HTTP ${r.status}`)))
      .catch((e) => { relics.delete(id); record(e.message); return null; }));
  }
  return relics.get(id);
}

/** Shows the panel of the relic `id` (hides it for any other page). */
export function renderRelic(id) {
  const panel = $("relic-panel");
  if (!id) { panel.hidden = true; return; }
  relicDetail(id).then((r) => {
    if (!r || relicFromPath() !== id) return;
    const l = lang(), text = t();
    panel.hidden = false;
    $("relic-title").textContent = r.title[l];
    $("site-name").textContent = r.title[l];
    document.title = `${r.title[l]} — Disan`;
    $("relic-text").textContent = r.description[l];
    // The model's still: something to see while the 3D view loads (or where it cannot).
    const poster = $("relic-poster");
    poster.hidden = !r.poster;
    if (r.poster) {
      poster.src = r.poster.url;
      poster.width = r.poster.width;
      poster.height = r.poster.height;
      poster.alt = text.relicPoster(r.title[l]);
    }
    const facts = [
      [text.relicType, r.object_type[l]], [text.relicPeriod, r.period[l]], [text.relicMaterial, r.material[l]],
      [text.relicSize, r.dimensions], [text.relicId, r.dublin_core.identifier], [text.relicCredits, r.credits],
      [text.relicLicence, r.licence],
    ].filter(([, v]) => v);
    $("relic-facts").replaceChildren(...facts.flatMap(([k, v]) => {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = v;
      return [dt, dd];
    }));
    // Photos: thumbnails, each a link to the photo as taken.
    const photos = $("relic-photos");
    photos.hidden = !r.photos?.length;
    photos.replaceChildren(...(r.photos || []).map((p) => {
      const li = document.createElement("li"), a = document.createElement("a"), img = document.createElement("img");
      const scale = Math.min(1, 480 / Math.max(p.width, p.height));
      a.href = p.url;
      img.src = p.thumb_url;
      img.width = Math.round(p.width * scale);
      img.height = Math.round(p.height * scale);
      img.loading = "lazy";
      img.alt = p.caption[l] || text.relicPhoto(r.title[l]);
      a.append(img);
      li.append(a);
      if (p.caption[l]) {
        const caption = document.createElement("span");
        caption.textContent = p.caption[l];
        li.append(caption);
      }
      return li;
    }));
    const site = sites.find((s) => s.slug === r.site);
    const link = $("relic-site");
    link.hidden = !site;
    if (site) { link.href = site.tour_url; link.textContent = text.goTo(site.name[l]); }
  });
}
