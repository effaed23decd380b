// Disan's service worker: keeps the places a visitor saved (landing page, 2D tour and stills,
// poster, light model) and what they need to open (the page, its modules, the viewer) and
// answers from them when the network fails. `VERSION` and `SHELL` are written by the server
// (`/sw.js`); caches are named `disan-<version>-…`, so a new release replaces the old files:
// on activation saved places are fetched again into the new version's caches, then the old
// caches are deleted.
const PREFIX = "disan-";
const SHELL_CACHE = `${PREFIX}${VERSION}-shell`;
const PLACE = "-place:";

async function fillShell() {
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll(SHELL);
}

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (!key.startsWith(PREFIX) || key.startsWith(`${PREFIX}${VERSION}-`)) continue;
      const at = key.indexOf(PLACE);
      if (at >= 0) {
        const old = await caches.open(key);
        const meta = await old.match("/saved/meta");
        if (meta) {
          try {
            const m = await meta.clone().json();
            const fresh = await caches.open(`${PREFIX}${VERSION}${key.slice(at)}`);
            await fresh.addAll(m.files);
            await fresh.put("/saved/meta", meta);
          } catch (_) {
            continue; // no network now: the old copy stays until the next activation
          }
        }
      }
      await caches.delete(key);
    }
    if ((await caches.keys()).some((k) => k.includes(PLACE))) {
      try { await fillShell(); } catch (_) { /* filled again when the next place is saved */ }
    }
    await self.clients.claim();
  })());
});

// The page asks to keep a place: its files (and its description for the saved list) in the
// place's cache, and the shell every place needs.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "save") return;
  const place = event.data.place;
  event.waitUntil((async () => {
    const cache = await caches.open(`${PREFIX}${VERSION}${PLACE}${place.path}`);
    await cache.addAll(place.files);
    await cache.put("/saved/meta", new Response(JSON.stringify(place), { headers: { "content-type": "application/json" } }));
    await fillShell();
  })().then(
    () => event.source.postMessage({ type: "saved", ok: true }),
    (e) => event.source.postMessage({ type: "saved", ok: false, error: String(e) }),
  ));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.startsWith("/admin") || url.pathname.startsWith("/api/admin")) return;
  // The network first (pages change, and a fresh copy is better); the saved copy when the
  // network fails; for a page not saved, the list of saved places.
  event.respondWith(fetch(req).catch(async (err) => {
    const hit = await caches.match(req, { ignoreVary: true });
    if (hit) return hit;
    if (req.mode === "navigate") {
      const saved = await caches.match("/saved", { ignoreVary: true });
      if (saved) return saved;
    }
    throw err;
  }));
});
