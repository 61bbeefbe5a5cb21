// Small DOM helpers: elements built with text nodes only (never HTML from data), and
// QR codes drawn as SVG from the vendored encoder's modules.
import { shown } from "./text.js";
import qrcode from "./vendor/qrcode.mjs";

const SVG = "http://www.w3.org/2000/svg";

/** An element: h("p", {class: "x"}, "text", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "value") el.value = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(shown(String(child))));
  }
  return el;
}

/** A QR code of ``text`` (byte mode, error correction M) as an SVG element. */
export function qr(text, label) {
  const code = qrcode(0, "M");
  code.addData(text, "Byte");
  code.make();
  const n = code.getModuleCount();
  const margin = 4;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${n + 2 * margin} ${n + 2 * margin}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("class", "qr");
  svg.dataset.text = text;
  const bg = document.createElementNS(SVG, "rect");
  bg.setAttribute("width", n + 2 * margin);
  bg.setAttribute("height", n + 2 * margin);
  bg.setAttribute("fill", "#fff");
  svg.append(bg);
  let d = "";
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) {
      if (code.isDark(r, c)) d += `M${c + margin} ${r + margin}h1v1h-1z`;
    }
  }
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(path);
  return svg;
}

/** Offer ``data`` as a file download. */
export function download(name, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A polite announcement (screen readers, and a status line under the header, in the
 * page's flow so that it never covers what is below it: a receipt's QR code). It stays
 * on the view it was said on, and is cleared when another view is opened. */
let saidOn;

export function say(text) {
  document.getElementById("toast").textContent = text;
  saidOn = undefined;
}

/** The app opened the view ``hash``: the announcement of another view goes. */
export function viewed(hash) {
  if (saidOn === undefined) saidOn = hash;
  else if (saidOn !== hash) document.getElementById("toast").textContent = "";
}

/** The key for the /v1/keys path: base64url, no padding. */
export function keyPath(key) {
  return key.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
