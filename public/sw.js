// Tianlian's service worker: keeps the last loaded "我的日历" (/my) and "我的收入" (/my/pay) and the
// stylesheet, so a farmer can still read them with no signal. Network first: online, pages are
// always fresh; offline, the last copy is shown. Nothing else is cached. Signing out sends
// Clear-Site-Data, which drops this cache on a shared phone.
const CACHE = "tianlian-v1";
const PAGES = ["/my", "/my/pay"];
const STYLE = "/pkg/tianlian.css";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const page = request.mode === "navigate" && PAGES.includes(url.pathname);
  if (!page && url.pathname !== STYLE) return;
  // One copy per page, whatever month it showed: the last one loaded.
  const key = page ? url.pathname : STYLE;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)));
        }
        return response;
      })
      .catch(() =>
        caches
          .open(CACHE)
          .then((cache) => cache.match(key))
          .then((hit) => hit || Response.error()),
      ),
  );
});
