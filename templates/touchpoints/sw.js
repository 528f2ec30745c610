{% load static %}// Moments' service worker: the log screen opens with no network. Its scope is /log/.
// Pages: network first (a short wait on a bad link), else the last copy. Static files:
// from the cache, refreshed behind the scenes.
const CACHE = "moments-log-{{ version }}";
const LOG_URL = "{% url 'touchpoints:log' %}";
const STATIC = [{% for url in shell %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const NETWORK_WAIT_MS = 4000;

async function cacheLogPage(cache) {
  const response = await fetch(LOG_URL, { credentials: "same-origin" });
  // A redirect means "log in first": never keep the login page as the log screen.
  if (response.ok && !response.redirected) await cache.put(LOG_URL, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => Promise.all([cache.addAll(STATIC), cacheLogPage(cache).catch(() => {})]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function pageNetworkFirst(request) {
  const cache = await caches.open(CACHE);
  // Only the bare screen is kept: "?saved=…" shows one past moment, not a page to reopen.
  const bare = !new URL(request.url).search;
  const network = fetch(request).then((response) => {
    if (response.ok && !response.redirected && bare) cache.put(LOG_URL, response.clone());
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
  } catch (error) {
    // No network: fall through to the cached copy.
  }
  const cached = await cache.match(LOG_URL);
  return cached || network;
}

// Answer from the cache at once and refresh it behind the scenes (hashed names in production
// make the refresh a no-op; in development it picks up edits on the next load).
async function staticFromCache(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    network.catch(() => {});
    return cached;
  }
  return network;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // saves are queued by the page, not here
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === LOG_URL) {
    event.respondWith(pageNetworkFirst(request));
  } else if (url.pathname.startsWith("{% get_static_prefix %}")) {
    event.respondWith(staticFromCache(request));
  }
});
