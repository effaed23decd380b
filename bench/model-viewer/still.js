// The model given as ?src=…, from a fixed camera, for the picture differences of `cargo xtask
// bench models`: `window.__ready` once the model is visible (model-viewer fades it in), its
// textures are on it and thirty more frames were drawn.
const mv = document.getElementById("mv");
customElements.get("model-viewer").meshoptDecoderLocation = "/viewer/mv/meshopt_decoder.js";
let loaded = false;
let visible = false;
const settle = () => {
  if (!loaded || !visible) return;
  let frames = 0;
  const tick = () => (++frames < 30 ? requestAnimationFrame(tick) : setTimeout(() => (window.__ready = true), 2000));
  requestAnimationFrame(tick);
};
mv.addEventListener("load", () => { loaded = true; settle(); });
mv.addEventListener("model-visibility", (e) => { if (e.detail.visible && !visible) { visible = true; settle(); } });
mv.addEventListener("error", (e) => { window.__error = String(e.detail && e.detail.type); });
mv.src = new URLSearchParams(location.search).get("src");
