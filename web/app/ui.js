// Small helpers every part of the page uses: elements by id, and the status line.
import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);
/** Writes the words of `key` to the status line (nothing for null). */
export const status = (key) => { $("status").textContent = key ? t()[key] : ""; };
