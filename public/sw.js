// Tianlian's service worker: keeps the last loaded "我的日历" (/my) and "我的收入" (/my/pay) and the
// stylesheet they name (`/pkg/tianlian.<hash>.css`, the newest one only), so a farmer can still read them with no signal. Network first: online, pages are
// always fresh; offline, the last copy is shown. Nothing else is cached. Signing out sends
// Clear-Site-Data, which drops this cache on a shared phone.
const CACHE = "tianlian-v2";
const PAGES = ["/my", "/my/pay"];
const isStyle = (path) => path.startsWith("/pkg/") && path.endsWith(".css");

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
  const style = isStyle(url.pathname);
  if (!page && !style) return;
  // One copy per page, whatever month it showed: the last one loaded; and the stylesheet under
  // its own (hashed) name, which the cached pages name.
  const key = url.pathname;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          event.waitUntil(
            caches.open(CACHE).then((cache) =>
              cache.put(key, copy).then(() =>
                style
                  ? cache.keys().then((old) =>
                      Promise.all(
                        old
                          .map((r) => new URL(r.url).pathname)
                          .filter((p) => isStyle(p) && p !== key)
                          .map((p) => cache.delete(p)),
                      ),
                    )
                  : undefined,
              ),
            ),
          );
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
