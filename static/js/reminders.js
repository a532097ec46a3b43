// Reminders settings: subscribe this browser to Web Push and tell the server.
"use strict";
(function () {
  const box = document.getElementById("push-device");
  if (!box) return;
  const button = document.getElementById("push-subscribe");
  const status = document.getElementById("push-status");
  const say = (text) => { status.textContent = text; };

  if (!window.isSecureContext) {
    say("Notifications need this page opened over HTTPS.");
    return;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot show notifications from a web app. On an iPhone, add Titrate to the home screen and open it from there.");
    return;
  }
  if (Notification.permission === "denied") {
    say("Notifications are blocked for this site in the browser's settings; allow them there first.");
    return;
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function csrfToken() {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  }

  async function send(subscription) {
    const json = subscription.toJSON();
    const body = new URLSearchParams({
      endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth,
    });
    const response = await fetch(box.dataset.subscribeUrl, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || "The server refused the subscription.");
    return answer;
  }

  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say("Notifications were not allowed, so none will come to this device.");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const key = JSON.parse(document.getElementById("vapid-key").textContent);
      const subscription = await registration.pushManager.getSubscription() ||
        await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      const device = await send(subscription);
      say(`Notifications on: ${device.name}.`);
      window.location.reload();
    } catch (error) {
      say(`Could not turn notifications on: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });
})();
