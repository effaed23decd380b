// The model given as ?src=…; the time of the first frame drawn after it loaded, for the bench.
const mv = document.getElementById("mv");
mv.addEventListener("load", () => requestAnimationFrame(() => requestAnimationFrame(() => {
  window.__firstFrame = performance.now();
})));
mv.addEventListener("error", (e) => { window.__error = String(e.detail && e.detail.type); });
// The models are meshopt-compressed: model-viewer decodes them once told where the decoder is
// (its default is a CDN, which the bench does not reach).
customElements.get("model-viewer").meshoptDecoderLocation = "/viewer/mv/meshopt_decoder.js";
mv.src = new URLSearchParams(location.search).get("src");
