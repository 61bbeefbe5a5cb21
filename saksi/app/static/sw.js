// The service worker: the app's files are kept on the device so the app opens and
// works offline once loaded. Statements, receipts and photos (/v1/) always go to the
// network; the app's outbox keeps them while offline. The version and file list are
// written into this file by the server (saksi/service/routes_app.py).
const VERSION = "__VERSION__";
const FILES = __FILES__;
const CACHE = `saksi-app-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() =>
    self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith("saksi-app-") && name !== CACHE)
    .map((name) => caches.delete(name)))).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (!url.pathname.startsWith("/app/")) return;
  if (url.pathname === "/app/config.json") {
    event.respondWith(fetch(event.request).then((answer) => {
      const copy = answer.clone();
      if (answer.ok) caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      return answer;
    }).catch(() => caches.match(event.request)));
    return;
  }
  event.respondWith(caches.match(event.request, { ignoreSearch: true }).then((found) =>
    found || fetch(event.request)));
});
