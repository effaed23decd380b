// The province map on the home page: an SVG drawn by the server (`/map.svg`), a pin per site,
// no WebGL needed.
import { record } from "./errors.js";
import { lang } from "./i18n.js";
import { openInPlace } from "./url.js";
import { $ } from "./ui.js";

let mapLang = null;
/** Shows the map in the page's language (fetched again when the language changed). */
export function showMap() {
  if (mapLang === lang()) return;
  mapLang = lang();
  fetch(`/map.svg?lang=${mapLang}`)
    .then((r) => r.ok ? r.text() : Promise.reject(new Error(`map: HTTP ${r.status}`)))
    .then((svg) => { if (mapLang === lang()) $("map").innerHTML = svg; })
    .catch((e) => { mapLang = null; record(e.message); });
}
openInPlace($("map"));
