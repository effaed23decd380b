// The model given as ?src=…, from a fixed camera, for the picture differences of `cargo xtask
// bench models`: `window.__ready` once ten frames were drawn after it loaded.
const mv = document.getElementById("mv");
customElements.get("model-viewer").meshoptDecoderLocation = "/viewer/mv/meshopt_decoder.js";
mv.addEventListener("load", () => {
  let frames = 0;
  const tick = () => (++frames < 10 ? requestAnimationFrame(tick) : (window.__ready = true));
  requestAnimationFrame(tick);
});
mv.addEventListener("error", (e) => { window.__error = String(e.detail && e.detail.type); });
mv.src = new URLSearchParams(location.search).get("src");
