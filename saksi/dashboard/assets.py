"""The dashboard's only style sheet and its scripts, served by Saksi itself.

No page loads anything from another origin (the pages are sent with a
Content-Security-Policy of ``'self'``). Each asset is served at
``/static/<name>-<hash>.<ext>``, the hash being the first 12 hex digits of its
SHA-256, so it can be cached for a year and a new version gets a new address.

The script makes the pages live: every few seconds it reads ``/results/latest.json``;
when the tree size changed, it fetches the page again and swaps in every element
marked ``data-live`` (same ``id``), or the whole of ``<main>`` when the new page has
other live blocks than the old one (a page opened before the first publication),
announcing the new checkpoint in a polite live region; the element that had the
keyboard focus inside a replaced block gets it back. When the server has not answered
for three polls (at least 5 s; a request that hangs counts too), a banner says that
the page stopped updating and since when; it goes when the server answers again.
It also puts a line ("swipe the table sideways", from the body's ``data-scroll-hint``)
above every table frame wider than the screen, on load, on resizing and after an update.
Without JavaScript the pages are complete; they just do not refresh by themselves.
The TPS page also loads ``tps.js`` (:data:`PROOF`): its "Periksa bukti" buttons check
an entry's inclusion proof, the log's signature and the witnesses' cosignatures in the
browser, and a click on an enlarged photo zooms it further.

On a narrow screen the tables marked ``stack`` become one card per row, each cell with
its column's label (``data-label``); every link, button and field is at least 44x44
CSS px.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

CSS: Final = """\
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--line:#c8c8c8;--link:#0a4a8f;--accent:#0a4a8f;
--bad:#a10f0f;--bad-bg:#fde8e8;--warn:#7a4b00;--warn-bg:#fff2d6;--ok:#11622b;--ok-bg:#e3f4e8;
--focus:#ffbf47;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:var(--bg);line-height:1.45;font-size:1rem}
a{color:var(--link)}
a,button,input,select{min-height:44px;min-width:44px}
a{display:inline-flex;align-items:center;vertical-align:middle}
a:focus,button:focus,input:focus,select:focus,[tabindex]:focus{outline:3px solid var(--focus);
outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;
z-index:10}
header{background:#0a3d73;color:#fff;padding:.5rem 1rem}
header a{color:#fff}
.bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;max-width:72rem;margin:0 auto}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none;margin-right:auto}
nav ul{display:flex;flex-wrap:wrap;gap:0 1rem;list-style:none;margin:0;padding:0}
nav a[aria-current]{text-decoration:none;font-weight:700;border-bottom:3px solid #fff}
form.search{display:flex;gap:.25rem;max-width:72rem;margin:.5rem auto 0}
form.search input{flex:1;min-width:0;padding:.45rem;border:1px solid #fff;border-radius:4px;
font-size:1rem}
button{padding:.45rem .8rem;font-size:1rem;border-radius:4px;border:1px solid var(--accent);
background:var(--accent);color:#fff;cursor:pointer}
header button{background:#fff;color:#0a3d73}
main{max-width:72rem;margin:0 auto;padding:.75rem 1rem 2rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:1rem 0 .4rem}
.crumbs ol{list-style:none;display:flex;flex-wrap:wrap;align-items:center;padding:0;margin:0;
gap:0 .25rem}
.crumbs li{display:flex;align-items:center}
.crumbs li+li:before{content:"\\203A";margin-right:.25rem;color:var(--muted)}
.meta{color:var(--muted);font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.5rem}
.card{border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem}
.card .n{font-size:1.3rem;font-weight:700;display:block}
.scroll{overflow-x:auto;max-width:100%}
.scroll-hint{margin:.25rem 0;font-size:.9rem;color:var(--muted)}
.mark{font-weight:700;margin-right:.3rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
caption{text-align:left;font-weight:700;padding:.25rem 0}
.chart{margin:.5rem 0}.chart .row{display:grid;grid-template-columns:minmax(7rem,14rem) 1fr auto;
gap:.5rem;align-items:center;margin:.3rem 0}
.chart svg{width:100%;height:1.4rem;display:block;background:#eef2f6;border-radius:3px}
.chart rect{fill:var(--accent)}
.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.85rem;
border:1px solid var(--line);margin:.1rem .25rem .1rem 0;max-width:100%}
.badge.ok{background:var(--ok-bg);color:var(--ok);border-color:var(--ok)}
.badge.bad{background:var(--bad-bg);color:var(--bad);border-color:var(--bad)}
.badge.warn{background:var(--warn-bg);color:var(--warn);border-color:var(--warn)}
tr.bad td,td.bad{background:var(--bad-bg)}
td.bad .mark,tr.bad .mark{color:var(--bad)}
.notice{border-left:4px solid var(--accent);background:#eef4fb;padding:.5rem .75rem;margin:.5rem 0}
.notice.bad{border-color:var(--bad);background:var(--bad-bg)}
.photos{display:flex;flex-wrap:wrap;gap:.5rem}.photos img{max-width:12rem;height:auto;
border:1px solid var(--line)}
pre,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f3f3f3;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.hash{word-break:break-all}
form.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
form.filter label{display:flex;flex-direction:column;font-size:.9rem}
form.filter select,form.filter input{padding:.4rem;font-size:1rem}
.stale{position:sticky;top:0;z-index:5;margin:0;padding:.6rem 1rem;font-weight:700;
background:var(--bad-bg);color:var(--bad);border-bottom:3px solid var(--bad)}
.findings li{margin:.25rem 0}
.rule-numbers{overflow-wrap:anywhere}
.cite code,ol.changes li{overflow-wrap:anywhere}.at{padding:.6rem;border:2px solid var(--accent)}
.timeline svg{height:6rem;background:none;color:var(--accent)}
#jurnalis summary{min-height:44px;display:list-item;padding:.6rem 0;cursor:pointer}
nav.contests ul{gap:.25rem .4rem;margin:.25rem 0 .5rem}
nav.contests a,nav.contests .off{padding:0 .75rem;border:1px solid var(--accent);
border-radius:999px;text-decoration:none}
nav.contests a[aria-current]{background:var(--accent);color:#fff;
border-bottom:1px solid var(--accent)}
nav.contests .off{display:inline-flex;align-items:center;min-height:44px;color:var(--muted);
border-color:var(--line)}
.elected{font-weight:700}
details.party{border:1px solid var(--line);border-radius:6px;margin:.4rem 0;padding:0 .6rem}
details.party summary{min-height:44px;display:list-item;padding:.6rem 0;cursor:pointer}
.evidence{display:flex;flex-direction:column}
.ev-photos .photos img{max-width:100%}
.zoom{display:none}
.zoom:target{display:block;position:fixed;inset:0;z-index:20;background:rgba(0,0,0,.95);
overflow:auto;padding:.5rem;touch-action:pinch-zoom pan-x pan-y}
.zoom-bar{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;margin:0 0 .5rem}
.zoom-bar a,.zoom-bar .meta{color:#fff}
.zoom img{display:block;max-width:100%;height:auto;margin:0 auto;background:#fff;cursor:zoom-in;
image-rendering:auto}
.zoom img.big{max-width:none;width:300%;cursor:zoom-out}
.proof-check{display:none;margin:.25rem 0 .75rem}
.js .proof-check{display:block}
.proof-result:empty{display:none}
.proof-result{margin:.4rem 0;padding:.4rem .6rem;border-left:4px solid var(--line)}
.proof-result.ok{border-color:var(--ok);background:var(--ok-bg);color:var(--ok)}
.proof-result.bad{border-color:var(--bad);background:var(--bad-bg);color:var(--bad)}
.copy-diffs li{margin:.2rem 0}
@media (min-width:60rem){.evidence{display:grid;grid-template-columns:minmax(0,3fr)
minmax(0,2fr);gap:0 1.5rem;align-items:start}.ev-form{grid-column:1;grid-row:1}
.ev-photos{grid-column:2;grid-row:1;position:sticky;top:0}}
footer{max-width:72rem;margin:0 auto;padding:1rem;color:var(--muted);font-size:.9rem;
border-top:1px solid var(--line)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:40rem){h1{font-size:1.25rem}.chart .row{grid-template-columns:1fr auto}
.chart .row svg{grid-column:1/3;grid-row:2}th,td{padding:.3rem}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack caption,table.stack tbody,table.stack tr,table.stack td{display:block}
table.stack tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .5rem;padding:.2rem .6rem}
table.stack tr.bad{background:var(--bad-bg)}
table.stack td{border:0;padding:.15rem 0;text-align:right;white-space:normal}
table.stack td::before{content:attr(data-label);float:left;margin-right:1rem;text-align:left;
font-weight:600;color:var(--muted)}
table.stack td:first-child{text-align:left;font-weight:600}
table.stack td:first-child::before{content:none}
table.stack td.wide{text-align:left}table.stack td.wide::before{float:none;display:block}}
"""

JS: Final = """\
(function () {
  "use strict";
  var body = document.body;
  var every = Number(body.getAttribute("data-poll") || "5") * 1000;
  var staleAfter = Math.max(3 * every, 5000);  // no answer for this long: say so
  var size = body.getAttribute("data-size") || "";
  var status = document.getElementById("live-status");
  var stopped = document.getElementById("live-stopped");
  var lastOk = Date.now();
  var busy = false;
  var FOCUSABLE = "a,button,input,select,textarea,[tabindex]";
  function focusIn(root) {
    var el = document.activeElement;
    if (!el || el === body || !root.contains(el)) { return null; }
    var all = root.querySelectorAll(FOCUSABLE);
    return {id: el.id, href: el.getAttribute("href"), index: Array.prototype.indexOf.call(all, el)};
  }
  function refocus(root, was) {
    if (!was) { return; }
    var el = was.id ? document.getElementById(was.id) : null;
    if (!el && was.href) {
      el = Array.prototype.find.call(root.querySelectorAll("a"), function (a) {
        return a.getAttribute("href") === was.href;
      });
    }
    if (!el && was.index >= 0) { el = root.querySelectorAll(FOCUSABLE)[was.index]; }
    if (el) { el.focus({preventScroll: true}); }
  }
  function replace(old, node) {
    var was = focusIn(old);  // a keyboard user keeps their place
    old.innerHTML = node.innerHTML;
    refocus(old, was);
  }
  function liveIds(root) {
    return Array.prototype.map.call(root.querySelectorAll("[data-live]"), function (n) {
      return n.id;
    }).sort().join(" ");
  }
  function get(url, accept) {  // a fetch that gives up after staleAfter
    var control = window.AbortController ? new AbortController() : null;
    var timer = control && window.setTimeout(function () { control.abort(); }, staleAfter);
    var options = {cache: "no-store", headers: {Accept: accept}};
    if (control) { options.signal = control.signal; }
    return fetch(url, options).then(function (r) {
      window.clearTimeout(timer);
      return r;
    }, function (e) {
      window.clearTimeout(timer);
      throw e;
    });
  }
  function refresh(next) {
    return get(window.location.href, "text/html")
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        var main = document.getElementById("main");
        var freshMain = fresh.getElementById("main");
        if (main && freshMain && liveIds(main) !== liveIds(freshMain)) {
          replace(main, freshMain);  // other blocks (the first publication): the whole page
          document.title = fresh.title;
        } else {
          fresh.querySelectorAll("[data-live]").forEach(function (node) {
            var old = node.id && document.getElementById(node.id);
            if (old) { replace(old, node); }
          });
        }
        hintScrolls();
        size = next;
        body.setAttribute("data-size", next);
        if (status) { status.textContent = status.getAttribute("data-text") + " " + next; }
      });
  }
  function answered() {
    lastOk = Date.now();
    if (stopped && !stopped.hidden) { stopped.hidden = true; }
  }
  function watch() {  // runs even while a request hangs
    if (!stopped || !stopped.hidden || Date.now() - lastOk < staleAfter) { return; }
    var time = new Date(lastOk).toLocaleTimeString(document.documentElement.lang);
    stopped.textContent = stopped.getAttribute("data-text").replace("{time}", time);
    stopped.hidden = false;
  }
  var HINT = body.getAttribute("data-scroll-hint") || "";
  function hintScrolls() {  // a table wider than the screen says it scrolls sideways
    document.querySelectorAll(".scroll").forEach(function (frame) {
      var hint = frame.previousElementSibling;
      var has = hint && hint.className === "scroll-hint";
      var wide = frame.scrollWidth > frame.clientWidth + 1;
      if (wide && !has) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = HINT;
        frame.parentNode.insertBefore(hint, frame);
      } else if (!wide && has) {
        hint.parentNode.removeChild(hint);
      }
    });
  }
  function poll() {
    watch();
    if (busy) { return; }
    busy = true;
    get("/results/latest.json", "application/json")
      .then(function (r) {
        if (r.status === 404) { return null; }  // nothing published yet: an answer
        return r.ok ? r.json() : Promise.reject(r.status);
      })
      .then(function (latest) {
        var next = latest ? String(latest.tree_size) : size;
        if (next !== size) { return refresh(next); }
      })
      .then(answered, function () {})
      .then(function () { busy = false; watch(); });
  }
  hintScrolls();
  window.addEventListener("resize", hintScrolls);
  if (every > 0) { window.setInterval(poll, every); }
})();
"""


@dataclass(frozen=True)
class Asset:
    name: str  # as served: dashboard-<hash>.css
    content_type: str
    data: bytes


def _asset(stem: str, ext: str, content_type: str, text: str) -> Asset:
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()[:12]
    return Asset(f"{stem}-{digest}.{ext}", content_type, data)


FAVICON: Final = Asset(
    "favicon.ico", "image/x-icon", Path(__file__).with_name("favicon.ico").read_bytes()
)
"""The icon browsers ask for at ``/favicon.ico`` (the entry app's, at 16/32/48 px;
tools/favicon.py draws it)."""
STYLE: Final = _asset(
    "dashboard",
    "css",
    "text/css; charset=utf-8",
    CSS + Path(__file__).with_name("charts.css").read_text(encoding="utf-8"),
)
"""The one style sheet: the pages' (:data:`CSS`) and the map's and charts' (``charts.css``,
read here rather than imported from ``charts``, which imports ``html``, which imports this)."""
SCRIPT: Final = _asset("dashboard", "js", "text/javascript; charset=utf-8", JS)
PROOF: Final = _asset(
    "tps",
    "js",
    "text/javascript; charset=utf-8",
    Path(__file__).with_name("tps.js").read_text(encoding="utf-8"),
)
"""The TPS page's in-browser check of an entry's inclusion proof (``tps.js``: the
entry app's tlog.js ported, loaded by the TPS page only)."""
ASSETS: Final = {a.name: a for a in (STYLE, SCRIPT, PROOF)}
"""Served name -> asset."""

__all__ = ["ASSETS", "CSS", "FAVICON", "JS", "PROOF", "SCRIPT", "STYLE", "Asset"]
