// The landing pages' one script (the pages are whole without it): on a slow connection
// (Network Information API) the light 3D tour is offered first, as the server does for
// `Save-Data: on`; and, where service workers are, a place can be saved for offline use
// (`/sw.js` answers from the saved copy when the network fails) and the saved list
// (`/saved`) shows and removes what is kept.
const $ = (id) => document.getElementById(id);

/** Whether the server answers: a page the worker gave from a saved copy cannot rely on
 * `navigator.onLine`, which stays true on a dead mountain signal. */
async function reachable() {
  try {
    return (await fetch("/healthz", { cache: "no-store" })).ok;
  } catch (_) {
    return false;
  }
}

async function preferLight() {
  const c = navigator.connection;
  const slow = c && (c.saveData || /(^|-)2g$|^3g$/.test(c.effectiveType || ""));
  // Offline (a saved place), only the light model was kept.
  const offline = navigator.onLine === false ||
    (navigator.serviceWorker && navigator.serviceWorker.controller && !(await reachable()));
  if (!slow && !offline) return;
  const full = $("open-3d"), light = $("open-3d-light"), note = $("light-note");
  if (full && light && note) { full.hidden = true; light.hidden = false; note.hidden = false; }
}

async function worker() {
  if (!("serviceWorker" in navigator) || !("caches" in window)) return null;
  await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

/** Asks the service worker (which knows its cache version) to keep this place. */
async function save(section) {
  const status = $("offline-status");
  status.textContent = status.dataset.saving;
  try {
    const reg = await worker();
    if (!reg) throw new Error("no service worker");
    const path = location.pathname + location.search;
    const files = [...new Set([path, ...section.dataset.files.split(" ").filter(Boolean)])];
    const place = { path, name: document.querySelector("h1").textContent, bytes: Number(section.dataset.bytes), files };
    const answer = new Promise((resolve, reject) => {
      const onMessage = (e) => {
        if (!e.data || e.data.type !== "saved") return;
        navigator.serviceWorker.removeEventListener("message", onMessage);
        e.data.ok ? resolve() : reject(new Error(e.data.error));
      };
      navigator.serviceWorker.addEventListener("message", onMessage);
    });
    reg.active.postMessage({ type: "save", place });
    await answer;
    status.textContent = status.dataset.saved;
    document.body.dataset.offline = "saved";
  } catch (e) {
    status.textContent = status.dataset.failed;
    document.body.dataset.offline = "failed";
  }
}

async function listSaved(list) {
  const keys = (await caches.keys()).filter((k) => k.startsWith("disan-") && k.includes("-place:"));
  list.textContent = "";
  for (const key of keys) {
    const cache = await caches.open(key);
    const meta = await cache.match("/saved/meta");
    if (!meta) continue;
    const m = await meta.json();
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = m.path; a.textContent = m.name;
    const size = document.createElement("small");
    size.textContent = ` ${(m.bytes / 1e6).toFixed(1)} MB `;
    const remove = document.createElement("button");
    remove.type = "button"; remove.textContent = list.dataset.remove;
    remove.addEventListener("click", async () => {
      await caches.delete(key);
      if ((await caches.keys()).every((k) => !k.includes("-place:"))) {
        for (const k of await caches.keys()) if (k.startsWith("disan-")) await caches.delete(k);
      }
      listSaved(list);
    });
    li.append(a, size, remove);
    list.append(li);
  }
  $("saved-empty").hidden = list.children.length > 0;
  document.body.dataset.saved = String(list.children.length);
}

preferLight();
const section = $("offline");
if (section && "serviceWorker" in navigator && "caches" in window) {
  section.hidden = false;
  $("save-offline").addEventListener("click", () => save(section));
  if (navigator.serviceWorker.controller) {
    caches.keys().then((keys) => {
      if (keys.some((k) => k.endsWith(`-place:${location.pathname}${location.search}`))) {
        $("offline-status").textContent = $("offline-status").dataset.saved;
        document.body.dataset.offline = "saved";
      }
    });
  }
}
const list = $("saved-list");
if (list && "caches" in window) {
  worker().catch(() => {});
  listSaved(list);
}
