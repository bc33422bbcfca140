// futurelab's service worker for static hosts: the page's threads need SharedArrayBuffer, which browsers
// only give a cross-origin isolated page, and most static hosts (GitHub Pages among them) cannot send the
// two headers that isolate it. This worker adds them to every same-origin response it passes on:
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// index.html registers it only when the page is not isolated already (futurelab serve and trunk serve
// send the headers themselves), and reloads once so that the page comes through it.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Chrome refuses to pass on this combination (a devtools quirk); leave it to the network.
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  if (new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).then((response) => {
      // Opaque or error responses carry no headers to change.
      if (response.status === 0) return response;
      const headers = new Headers(response.headers);
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      headers.set("Cross-Origin-Embedder-Policy", "require-corp");
      headers.set("Cross-Origin-Resource-Policy", "same-origin");
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    }),
  );
});
