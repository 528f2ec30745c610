{% load static i18n %}{% get_current_language as language %}// Moments' service worker: the log screen opens with no network. Its scope is /log/.
// Pages: network first (a short wait on a bad link), else the last copy. Static files:
// from the cache, refreshed behind the scenes.
//
// The copy of the log screen belongs to one sign-in (docs/security.md, "Nothing left on the
// tablet"). The page names it in its Moments-Offline-Copy header: an opaque label and when
// the sign-in ends. The copy is kept in a cache of that name, served only until then, and
// dropped when another sign-in's page comes, when the log screen answers "sign in first"
// (a redirect: the session ended or expired) and at sign-out. The next person never gets it.
const STATIC_CACHE = "moments-static-{{ version }}";
const PAGE_CACHE = "moments-page-"; // + label + "-" + the sign-in's end, in unix seconds
const COPY_HEADER = "Moments-Offline-Copy";
const LOG_URL = "{% url 'touchpoints:log' %}";
const STATIC = [{% for url in shell %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
// The scripts' messages in the language of whoever installed the worker; a language switched
// to later is kept the first time its page loads it (staticFromCache).
const CATALOGUE_URL = "{% url 'javascript-catalog' %}";
const CATALOGUE = `${CATALOGUE_URL}?l={{ language }}`;
const NETWORK_WAIT_MS = 4000;
const SIGNED_OUT_PAGE = `<!doctype html><html lang="{{ language }}"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Moments</title>
<main style="font: 1.25rem/1.5 system-ui, sans-serif; margin: 3rem auto; max-width: 32rem; padding: 0 1rem">
<h1>{% filter escapejs %}{% translate "No network" %}{% endfilter %}</h1>
<p>{% filter escapejs %}{% translate "Nobody is signed in on this tablet. Sign in when the network is back." %}{% endfilter %}</p>
<p>{% filter escapejs %}{% translate "Moments waiting on this tablet stay here, sealed for the people who logged them, and are sent as theirs when the network is back." %}{% endfilter %}</p>
</main></html>`;

const pageCaches = async () => (await caches.keys()).filter((key) => key.startsWith(PAGE_CACHE));
const dropCopies = async (except = "") =>
  Promise.all((await pageCaches()).filter((key) => key !== except).map((key) => caches.delete(key)));
const endsAt = (name) => Number(name.slice(name.lastIndexOf("-") + 1)) * 1000;

// Keep `response` as the log screen's copy for its sign-in; any other sign-in's copy goes.
async function keepCopy(response) {
  const [label, expires] = (response.headers.get(COPY_HEADER) || "").split("; expires=");
  if (!/^[0-9a-f]+$/.test(label || "") || !/^[0-9]+$/.test(expires || "")) return dropCopies();
  const name = `${PAGE_CACHE}${label}-${expires}`;
  await dropCopies(name);
  await (await caches.open(name)).put(LOG_URL, response); // the Cache API ignores no-store
}

// The copy of a sign-in that has not ended, if there is one; an ended one's is dropped.
async function liveCopy() {
  for (const name of await pageCaches()) {
    if (endsAt(name) > Date.now()) return (await caches.open(name)).match(LOG_URL);
    await caches.delete(name);
  }
  return undefined;
}

// "Sign in first" (a redirect, opaque to a worker) or a refusal: whoever's copy is kept is no
// longer signed in here. A server error says nothing about that, and keeps it.
const signedOut = (response) => response.type === "opaqueredirect" || [401, 403].includes(response.status);

async function cacheLogPage() {
  const response = await fetch(LOG_URL, { credentials: "same-origin", redirect: "manual" });
  if (signedOut(response)) await dropCopies();
  else if (response.ok) await keepCopy(response);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => Promise.all([
      cache.addAll(STATIC), cache.add(CATALOGUE).catch(() => {}), cacheLogPage().catch(() => {}),
    ]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => keys.filter((key) => key !== STATIC_CACHE && !key.startsWith(PAGE_CACHE)))
      .then((old) => Promise.all(old.map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function pageNetworkFirst(request) {
  // Only the bare screen is kept: "?saved=…" shows one past moment, not a page to reopen.
  const bare = !new URL(request.url).search;
  const network = fetch(request).then(async (response) => {
    if (signedOut(response)) await dropCopies();
    else if (response.ok && bare) await keepCopy(response.clone());
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
  } catch (error) {
    // No network: fall through to the kept copy.
  }
  const copy = await liveCopy();
  if (copy) return copy;
  return network.catch(() => new Response(SIGNED_OUT_PAGE, {
    status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  }));
}

// Answer from the cache at once and refresh it behind the scenes (hashed names in production
// make the refresh a no-op; in development it picks up edits on the next load).
// The catalogue is the same for everyone of a language (nothing of the person in it), and
// its address names the language: matched with its query, so each language is its own copy.
async function staticFromCache(request, ignoreSearch = true) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request, { ignoreSearch });
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

// A hand-over to the customer began (feedback/handover_screen.html): no copy may open for them.
// The log screen swapped in changed tiles (static/js/log_current.js): the kept copy gets them too.
self.addEventListener("message", (event) => {
  if (event.data === "drop-copies") event.waitUntil(dropCopies());
  if (event.data === "refresh-copy") event.waitUntil(cacheLogPage().catch(() => {}));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // saves are queued by the page, not here
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === LOG_URL) {
    event.respondWith(pageNetworkFirst(request));
  } else if (url.pathname.startsWith("{% get_static_prefix %}")) {
    event.respondWith(staticFromCache(request));
  } else if (url.pathname === CATALOGUE_URL) {
    event.respondWith(staticFromCache(request, false));
  }
});
