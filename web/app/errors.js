// Errors of the page, for people (the status line) and for the browser tests: every uncaught
// error, rejected promise and console error is kept in `window.disanErrors`.
window.disanErrors = [];
// Bevy's winit loop throws once on start to leave the JavaScript stack: that is normal.
export const benign = (msg) => String(msg).includes("Using exceptions for control flow");
export const record = (msg) => { if (!benign(msg)) window.disanErrors.push(String(msg)); };
addEventListener("error", (e) => record(e.message || e.error));
addEventListener("unhandledrejection", (e) => record(e.reason && (e.reason.message || e.reason)));
const consoleError = console.error.bind(console);
console.error = (...args) => { record(args.join(" ")); consoleError(...args); };
