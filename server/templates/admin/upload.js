// The staff upload form: sends the model (or a photo) with tus (resumable, in 4 MB pieces, each retried
// from the server's offset after a cut), shows the progress, then creates the relic (or the
// model version) and shows every problem the server finds, in the page's language.

const CHUNK = 4 * 1024 * 1024;
const form = document.getElementById("relic-form");
const box = document.getElementById("progress-box");
const bar = document.getElementById("progress");
const text = document.getElementById("progress-text");
const problems = document.getElementById("problems");
const msg = (name) => form.dataset["msg" + name[0].toUpperCase() + name.slice(1)] || name;
const lang = form.dataset.lang;
const csrf = form.dataset.csrf;

const mb = (n) => (n / 1048576).toFixed(1);
const b64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function show(done, total, started) {
  box.hidden = false;
  bar.max = total;
  bar.value = done;
  const seconds = (performance.now() - started) / 1000;
  const rate = seconds > 0.5 ? ` · ${mb(done / seconds)} MB/s` : "";
  text.textContent = `${msg("uploading")} ${mb(done)} / ${mb(total)} MB (${Math.floor((100 * done) / total)} %)${rate}`;
}

function patch(url, blob, offset, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PATCH", url);
    xhr.setRequestHeader("Tus-Resumable", "1.0.0");
    xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
    xhr.setRequestHeader("Upload-Offset", String(offset));
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => progress(e.loaded);
    xhr.onload = () =>
      xhr.status === 204
        ? resolve(Number(xhr.getResponseHeader("Upload-Offset")))
        : reject(new Error(`${xhr.status} ${xhr.responseText}`));
    xhr.onerror = () => reject(new Error("network"));
    xhr.send(blob);
  });
}

async function serverOffset(url) {
  const r = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
  if (!r.ok) throw new Error(`${r.status}`);
  return Number(r.headers.get("Upload-Offset"));
}

async function upload(file) {
  const r = await fetch("/api/admin/uploads", {
    method: "POST",
    headers: {
      "Tus-Resumable": "1.0.0",
      "Upload-Length": String(file.size),
      "Upload-Metadata": "filename " + b64(file.name),
      "X-CSRF-Token": csrf,
    },
  });
  if (r.status !== 201) throw await r.json();
  const url = r.headers.get("Location");
  const started = performance.now();
  let offset = 0;
  let failures = 0;
  show(0, file.size, started);
  while (offset < file.size) {
    try {
      const at = offset;
      offset = await patch(url, file.slice(at, at + CHUNK), at, (sent) => show(at + sent, file.size, started));
      failures = 0;
    } catch (e) {
      if (++failures > 30) throw { message: msg("failed") };
      text.textContent = msg("retrying");
      await sleep(Math.min(20000, 500 * 2 ** failures));
      try {
        offset = await serverOffset(url);
      } catch {
        // Still offline: try again after the next wait.
      }
    }
    show(offset, file.size, started);
  }
  return url.split("/").pop();
}

/// The metadata fields as the API's JSON (`title.vi` → `{title: {vi}}`), text in NFC; the
/// place's empty fields are null (so an edit clears them).
function metadata() {
  const meta = { place: {} };
  for (const [name, value] of new FormData(form)) {
    if (name === "file" || name === "up_axis" || typeof value !== "string") continue;
    const path = name.split(".");
    let at = meta;
    for (const key of path.slice(0, -1)) at = at[key] ??= {};
    const last = path[path.length - 1];
    const text = value.trim();
    if (path[0] === "place") {
      at[last] = text === "" ? null : last === "site" ? text : Number(text.replace(",", "."));
    } else {
      at[last] = text.normalize("NFC");
    }
  }
  if (form.elements.up_axis) meta.up_axis = form.elements.up_axis.value;
  return meta;
}

function listProblems(body) {
  problems.replaceChildren();
  const p = document.createElement("p");
  p.textContent = body.problems ? msg("problems") : body.message || msg("failed");
  problems.append(p);
  if (body.problems) {
    const ul = document.createElement("ul");
    for (const x of body.problems) {
      const li = document.createElement("li");
      const where = document.createElement("code");
      where.textContent = x.at;
      li.append(where, " ", x.message[lang] || x.message.en);
      ul.append(li);
    }
    problems.append(ul);
  }
  problems.hidden = false;
  problems.focus?.();
}

// A file sent already (its upload kept by the server after a refusal) is not sent again.
let sent = null;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  const relic = form.dataset.relic;
  if (form.dataset.mode === "edit") {
    button.disabled = true;
    problems.hidden = true;
    const r = await fetch(`/api/admin/relics/${relic}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(metadata()),
    });
    const body = await r.json().catch(() => ({ message: msg("failed") }));
    if (r.ok) return location.assign(`/admin/relics/${relic}?lang=${lang}`);
    listProblems(body);
    button.disabled = false;
    return;
  }
  const file = form.elements.file.files[0];
  if (!file) return listProblems({ message: msg("choose") });
  button.disabled = true;
  problems.hidden = true;
  try {
    const key = `${file.name}|${file.size}|${file.lastModified}`;
    const id = sent?.key === key ? sent.id : await upload(file);
    sent = { key, id };
    text.textContent = msg("checking");
    bar.removeAttribute("value");
    const mode = form.dataset.mode;
    const field = (name) => (form.elements[name]?.value || "").trim().normalize("NFC");
    const [url, payload] =
      mode === "new" ? ["/api/admin/relics", { meta: metadata(), upload: id }]
      : mode === "photo" ? [`/api/admin/relics/${relic}/photos`,
          { upload: id, caption: { vi: field("caption.vi"), en: field("caption.en") } }]
      : [`/api/admin/relics/${relic}/versions`, { upload: id }];
    const r = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(payload),
    });
    const body = await r.json();
    if (!r.ok) throw body;
    location.assign(`/admin/relics/${body.id}?lang=${lang}`);
  } catch (e) {
    box.hidden = true;
    listProblems(e instanceof Error ? { message: msg("failed") } : e);
    button.disabled = false;
  }
});
