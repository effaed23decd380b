// Search as you type: results after a short pause (`GET /api/search`), a WAI-ARIA combobox
// (arrows, Enter, Escape), matched words marked, in the page's language.
import { lang, t } from "./i18n.js";
import { go } from "./url.js";
import { $ } from "./ui.js";

const searchInput = $("search"), searchList = $("search-results");
let searchTimer = 0, searchAbort = null, hits = [], active = -1;
function closeResults() {
  searchList.hidden = true;
  searchInput.setAttribute("aria-expanded", "false");
  searchInput.removeAttribute("aria-activedescendant");
  hits = []; active = -1;
}
function setActive(i) {
  const options = searchList.querySelectorAll("[role=option]");
  if (!options.length) return;
  active = (i + options.length) % options.length;
  options.forEach((o, j) => o.setAttribute("aria-selected", String(j === active)));
  searchInput.setAttribute("aria-activedescendant", options[active].id);
  options[active].scrollIntoView({ block: "nearest" });
}
function showResults(query, response) {
  const text = t();
  hits = response.hits; active = -1;
  const items = hits.map((h, i) => {
    const li = document.createElement("li");
    li.id = `search-opt-${i}`;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.dataset.url = h.url;
    li.dataset.site = h.site;
    const title = document.createElement("span");
    title.className = "t";
    title.textContent = h.title;
    const k = document.createElement("span");
    k.className = "k";
    k.textContent = h.kind === "site" ? text.kind.site : `${text.kind[h.kind]} · ${h.site_name}`;
    const snip = document.createElement("span");
    snip.className = "snip";
    for (const part of h.snippet) {
      if (part.mark) { const m = document.createElement("mark"); m.textContent = part.text; snip.append(m); }
      else snip.append(part.text);
    }
    li.append(title, k, snip);
    return li;
  });
  if (!items.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = text.noResults(query.trim());
    items.push(li);
  }
  searchList.replaceChildren(...items);
  searchList.hidden = false;
  searchInput.setAttribute("aria-expanded", "true");
  searchInput.removeAttribute("aria-activedescendant");
  $("search-status").textContent = hits.length ? text.results(response.total) : text.noResults(query.trim());
}
function runSearch() {
  const query = searchInput.value;
  if (!query.trim()) { closeResults(); return; }
  if (searchAbort) searchAbort.abort();
  searchAbort = new AbortController();
  fetch(`/api/search?${new URLSearchParams({ q: query, lang: lang(), limit: "8" })}`, { signal: searchAbort.signal })
    .then((r) => r.ok ? r.json() : Promise.reject(new Error(`search: HTTP ${r.status}`)))
    .then((r) => showResults(query, r))
    .catch((e) => {
      if (e.name === "AbortError") return;
      showResults(query, { hits: [], total: 0 });
      searchList.firstChild.textContent = t().searchFailed;
    });
}
/** Runs the search again when results are open (after the language changed). */
export function refreshSearch() {
  if (!searchList.hidden) runSearch();
}
function openHit(i) {
  const hit = hits[i];
  if (!hit) return;
  closeResults();
  searchInput.blur();
  go(hit.url);
}
searchInput.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 150); });
searchInput.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    if (searchList.hidden) { runSearch(); return; }
    e.preventDefault();
    setActive(active < 0 && e.key === "ArrowUp" ? -1 : active + (e.key === "ArrowDown" ? 1 : -1));
  } else if (e.key === "Enter") {
    e.preventDefault();
    clearTimeout(searchTimer);
    if (hits.length) openHit(active >= 0 ? active : 0);
    else runSearch();
  } else if (e.key === "Escape") {
    if (!searchList.hidden) closeResults(); else searchInput.value = "";
  }
});
searchList.addEventListener("mousedown", (e) => e.preventDefault());
searchList.addEventListener("click", (e) => {
  const li = e.target.closest("[role=option]");
  if (li) openHit(Number(li.id.replace("search-opt-", "")));
});
searchInput.addEventListener("blur", () => setTimeout(closeResults, 100));
