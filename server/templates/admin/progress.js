// A relic's page while a model version is being prepared: follows the job through the API
// (the bar and the step under way), and reloads the page when the version is ready or failed.
const box = document.getElementById("preparing");
if (box) {
  const bar = document.getElementById("preparing-bar");
  const step = document.getElementById("preparing-step");
  const words = { queued: box.dataset.queued, full: box.dataset.full, poster: box.dataset.poster, light: box.dataset.light };
  const poll = async () => {
    try {
      const r = await fetch(`/api/admin/relics/${box.dataset.relic}`, { credentials: "same-origin" });
      if (r.ok) {
        const relic = await r.json();
        const v = relic.versions.find((x) => x.status === "processing");
        if (!v) { location.reload(); return; }
        bar.max = v.progress.of;
        bar.value = v.progress.done;
        step.textContent = words[v.progress.step] ?? words.queued;
      }
    } catch {
      // A weak link: try again at the next tick.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
