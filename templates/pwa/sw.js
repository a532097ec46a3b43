{% load static %}// Titrate's service worker. It keeps the app shell (the offline page and the
// static files: styles, scripts, icons) and nothing else: pages hold journal
// text and are never stored, so they always come from the network.
"use strict";

const SHELL_CACHE = "titrate-shell-{{ version }}";
const OFFLINE_URL = "{% url 'offline' %}";
const SHELL = [
  OFFLINE_URL,{% for url in shell %}
  "{{ url|escapejs }}",{% endfor %}
];
const STATIC_PREFIX = "{% get_static_prefix %}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("titrate-") && key !== SHELL_CACHE)
          .map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    // Pages: always the network; the offline page when there is none.
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })
      )
    );
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    // Static files: the cached copy at once, refreshed in the background.
    event.respondWith(
      caches.open(SHELL_CACHE).then((cache) =>
        cache.match(request).then((cached) => {
          const fresh = fetch(request).then((response) => {
            if (response.ok) cache.put(request, response.clone());
            return response;
          });
          if (cached) {
            event.waitUntil(fresh.catch(() => undefined));
            return cached;
          }
          return fresh;
        })
      )
    );
  }
});

// Reminders (Web Push). The payload holds only the reminder's own words and
// where to go: never journal text.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  const actions = data.snooze ? [{ action: "snooze", title: "Remind me in an hour" }] : [];
  event.waitUntil(
    self.registration.showNotification(data.title || "Titrate", {
      body: data.body || "Time for your check-in",
      tag: data.tag || "titrate",
      icon: "{% static 'icons/icon-192.png' %}",
      data: { url: data.url || "/", snooze: data.snooze || "" },
      actions,
    })
  );
});

function openToday(url) {
  const target = new URL(url, self.location.origin);
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => new URL(client.url).origin === target.origin);
    if (open) {
      return open.navigate(target.href).then((client) => (client || open).focus().catch(() => undefined));
    }
    return self.clients.openWindow(target.href);
  });
}

self.addEventListener("notificationclick", (event) => {
  const notification = event.notification;
  const { url, snooze } = notification.data || {};
  notification.close();
  const work = event.action === "snooze" && snooze
    ? fetch(snooze, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
    : openToday(url || "/");
  event.waitUntil(work);
});
