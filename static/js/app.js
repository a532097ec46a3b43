// Titrate's own small script. Runs under a CSP without inline scripts or eval.
(function () {
  "use strict";

  // htmx keeps no page snapshots (historyCacheSize 0 in the htmx-config
  // meta); any left by an older version go once nobody is signed in.
  if (!document.body || !document.body.dataset.user) {
    try {
      sessionStorage.removeItem("htmx-history-cache");
      localStorage.removeItem("htmx-history-cache");
    } catch (error) {
      // Storage switched off: nothing is kept there either.
    }
  }

  // Time zone pickers marked data-browser-timezone start at the browser's own
  // zone. The server only marks pickers of forms nobody has submitted yet.
  function presetTimezones(root) {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    if (!zone) return;
    root.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
      var option = Array.prototype.find.call(select.options, function (o) {
        return o.value === zone;
      });
      if (option) {
        select.value = zone;
      }
    });
  }

  // "Another prompt" asks first when an answer to this one has been typed.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var answerId = elt && elt.getAttribute && elt.getAttribute("data-confirm-discard");
    var answer = answerId && document.getElementById(answerId);
    if (!answer || !answer.value.trim()) return;
    event.preventDefault();
    if (window.confirm("Discard your answer and show another prompt?")) {
      answer.value = "";
      event.detail.issueRequest(true);
    }
  });

  // Forms marked data-warn-unsaved ask before the page is left while their
  // note (any field marked data-warn-unsaved) holds text nobody saved.
  var dirtyForms = new Set();

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-warn-unsaved")) return;
    var unsaved = Array.prototype.some.call(
      form.querySelectorAll("[data-warn-unsaved]"),
      function (field) { return field.value !== field.defaultValue; }
    );
    if (unsaved) dirtyForms.add(form); else dirtyForms.delete(form);
  });

  document.addEventListener("submit", function (event) {
    dirtyForms.delete(event.target);
  });

  window.addEventListener("beforeunload", function (event) {
    dirtyForms.forEach(function (form) {
      if (!form.isConnected) dirtyForms.delete(form);
    });
    if (dirtyForms.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Check-ins written offline, and the dose card's "Took it" / "Skipped it"
  // tapped offline (drafts of kind "dose"). What the server cannot be
  // reached for is kept in this browser's localStorage and sent when the
  // connection returns.
  // Each draft names the signed-in user who wrote it (data-user on <body>);
  // one written on the offline page names nobody, so it is never sent on its
  // own: Today offers to put it into the check-in form. A draft leaves the
  // device only when the server has saved it, or when its writer discards it.
  var DRAFTS = "titrate.drafts.v1";

  function loadDrafts() {
    try {
      return JSON.parse(localStorage.getItem(DRAFTS)) || [];
    } catch (error) {
      return [];
    }
  }

  function storeDrafts(drafts) {
    if (drafts.length) localStorage.setItem(DRAFTS, JSON.stringify(drafts));
    else localStorage.removeItem(DRAFTS);
  }

  function currentUser() {
    return document.body.getAttribute("data-user") || "";
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  // The button a form was sent with ("Took it" or "Skipped it"): FormData
  // of the form alone leaves it out.
  var submitters = new WeakMap();
  document.addEventListener("submit", function (event) {
    if (event.submitter) submitters.set(event.target, event.submitter);
  });

  function draftKind(form) {
    return form.getAttribute("data-offline-draft") || "checkin";
  }

  function keepDraft(form, user) {
    var fields = [];
    var submitter = submitters.get(form);
    var data = submitter && submitter.form === form ? new FormData(form, submitter) : new FormData(form);
    data.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") {
        fields.push([name, value]);
      }
    });
    // The check-in keeps the moment it was written, unless it names one:
    // as an absolute time, since this browser's zone may differ from the
    // profile's (the server files it under the profile's journal day).
    var dated = fields.some(function (f) { return f[0] === "date" && f[1]; });
    if (!dated) {
      fields = fields.filter(function (f) { return f[0] !== "date" && f[0] !== "time" && f[0] !== "moment"; });
      fields.push(["moment", new Date().toISOString()]);
    }
    // The form's idempotency token makes a resend harmless; it also names
    // the draft, so saving the same form twice keeps the newer text only.
    var token = fields.find(function (f) { return f[0] === "token" && f[1]; });
    var id = token ? token[1] : "draft-" + Date.now();
    var drafts = loadDrafts().filter(function (d) { return d.id !== id; });
    drafts.push({
      id: id,
      kind: draftKind(form),
      user: user,
      action: form.getAttribute("action") || form.getAttribute("data-action"),
      fields: fields,
      savedAt: new Date().toISOString(),
    });
    storeDrafts(drafts);
    dirtyForms.delete(form);
  }

  function say(form, text) {
    var status = form.querySelector("[data-draft-status]");
    if (status) status.textContent = text;
  }

  // The check-in's request never reached the server: keep it.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest("form[data-offline-draft]");
    if (!form) return;
    keepDraft(form, currentUser());
    if (draftKind(form) === "dose") {
      var submitter = submitters.get(form);
      var tapped = submitter ? "\u201c" + submitter.textContent.trim() + "\u201d" : "This";
      say(form, tapped + " is waiting: you are offline. It is kept on this device and sent when the connection returns.");
      // Kept once: a second tap would only queue the same dose again.
      // (After htmx has re-enabled them at the end of the failed request.)
      window.setTimeout(function () {
        form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      });
    } else {
      say(form, "You are offline. This check-in is kept on this device and is sent when the connection returns.");
    }
  });

  // The sign-in ended while the page was open: the server sends an htmx
  // request to the sign-in page (HX-Redirect; accounts.middleware). A
  // check-in or dose sent then (the form itself, not "Another prompt"
  // inside it) is kept on this device first, and sent once the person is
  // signed in again, as after the connection comes back.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var form = event.detail.elt, xhr = event.detail.xhr;
    if (!form.matches || !form.matches("form[data-offline-draft]")) return;
    if (xhr && xhr.getResponseHeader("HX-Redirect")) keepDraft(form, currentUser());
  });
  // Refused as a request from another site (403): the page's CSRF token is
  // out of date (a sign-in in another tab changes it). The check-in or dose
  // is kept, and the page loaded again with a fresh token sends it.
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt, xhr = event.detail.xhr;
    if (!form.matches || !form.matches("form[data-offline-draft]")) return;
    if (!xhr || xhr.status !== 403) return;
    keepDraft(form, currentUser());
    window.location.reload();
  });

  // The offline page's form never goes to the server by itself.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-offline-draft][data-action]")) return;
    event.preventDefault();
    keepDraft(form, "");
    form.reset();
    say(form, "Kept on this device. Sign in when you are back online and Today offers to save it.");
  });

  function sendDraft(draft) {
    var body = new URLSearchParams();
    draft.fields.forEach(function (f) { body.append(f[0], f[1]); });
    return fetch(draft.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      // As htmx would send it: the server then answers a refusal with 422
      // rather than a redirect to a page that only mentions it.
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    }).then(function (response) {
      // Saved: the server answers with (or redirects to) a page of the app,
      // never the login page.
      return response.ok && response.url.indexOf("/accounts/") === -1 ? "saved" : "refused";
    }, function () {
      return "unreachable"; // tried again when the connection returns
    });
  }

  var sending = false;
  var announce = []; // drafts just sent, for Today to say so

  function sendDrafts() {
    var user = currentUser();
    if (!user || sending || !navigator.onLine) return;
    var mine = loadDrafts().filter(function (d) { return d.user === user && !d.failed; });
    if (!mine.length) return showDrafts();
    sending = true;
    Promise.all(mine.map(function (draft) {
      return sendDraft(draft).then(function (outcome) { return { draft: draft, saved: outcome }; });
    })).then(function (results) {
      var ids = function (outcome) {
        return results.filter(function (r) { return r.saved === outcome; }).map(function (r) { return r.draft.id; });
      };
      var sent = ids("saved");
      var refused = ids("refused");
      announce = results.filter(function (r) { return r.saved === "saved"; }).map(function (r) { return r.draft; });
      storeDrafts(loadDrafts().filter(function (d) { return sent.indexOf(d.id) === -1; }).map(function (d) {
        // A draft the server refused waits for its writer to look at it.
        if (refused.indexOf(d.id) !== -1) d.failed = true;
        return d;
      }));
      sending = false;
      if (sent.length && window.htmx && document.getElementById("checkin")) {
        // Today's list of entries, fresh; the swap shows the drafts again.
        window.htmx.ajax("GET", window.location.pathname, { target: "#checkin", select: "#checkin", swap: "outerHTML" });
      } else {
        showDrafts();
      }
    });
  }

  // Today lists the drafts that wait for a person: written on the offline
  // page, refused by the server, or written by someone else on this device.
  function showDrafts() {
    var box = document.getElementById("drafts");
    if (!box) return;
    var sent = announce;
    announce = [];
    var user = currentUser();
    var drafts = loadDrafts();
    var waiting = drafts.filter(function (d) { return d.user !== user || d.failed; });
    // This person's own, not refused, still waiting for the server.
    var queued = drafts.filter(function (d) { return d.user === user && !d.failed; });
    box.replaceChildren();
    var sentDoses = sent.filter(function (d) { return d.kind === "dose"; }).length;
    var sentCheckins = sent.length - sentDoses;
    if (sentCheckins) {
      var done = document.createElement("p");
      done.textContent = sentCheckins === 1
        ? "A check-in kept on this device has been saved."
        : sentCheckins + " check-ins kept on this device have been saved.";
      box.append(done);
    }
    if (sentDoses) {
      var doseDone = document.createElement("p");
      doseDone.textContent = "The dose kept on this device has been saved.";
      box.append(doseDone);
    }
    if (queued.length) {
      var pending = document.createElement("p");
      pending.textContent = (queued.length === 1 ? "One entry written" : queued.length + " entries written") +
        " offline on this device " + (queued.length === 1 ? "is" : "are") +
        " waiting to be sent. They go as soon as the server can be reached.";
      box.append(pending);
    }
    waiting.forEach(function (draft) {
      var item = document.createElement("div");
      item.className = "draft";
      var text = document.createElement("p");
      var when = new Date(draft.savedAt).toLocaleString();
      var problem = draft.failed ? " (it could not be saved as it was)" : "";
      var use;
      if (draft.kind === "dose") {
        var action = draft.fields.find(function (f) { return f[0] === "action"; });
        text.textContent = (action && action[1] === "skip" ? "A skipped dose" : "A dose taken") +
          ", logged offline on " + when + ", is waiting" + problem + ".";
        use = document.createElement("a");
        use.className = "button";
        use.href = box.getAttribute("data-dose-url");
        use.textContent = "Log it by hand";
      } else {
        var note = draft.fields.find(function (f) { return f[0] === "note"; });
        text.textContent = "A check-in written offline on " + when + " is waiting" + problem +
          (note && note[1] ? ": \u201c" + note[1].slice(0, 80) + (note[1].length > 80 ? "\u2026" : "") + "\u201d" : ".");
        use = document.createElement("button");
        use.type = "button";
        use.className = "button";
        use.textContent = "Put it in the check-in form";
        use.addEventListener("click", function () { useDraft(draft.id); });
      }
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "button quiet";
      drop.textContent = "Discard";
      drop.addEventListener("click", function () {
        if (window.confirm(draft.kind === "dose" ? "Discard this dose? It cannot be recovered." : "Discard this check-in? It cannot be recovered.")) {
          storeDrafts(loadDrafts().filter(function (d) { return d.id !== draft.id; }));
          showDrafts();
        }
      });
      item.append(text, use, " ", drop);
      box.append(item);
    });
    box.hidden = !box.childElementCount;
  }

  function useDraft(id) {
    var form = document.querySelector("#checkin form[data-offline-draft]");
    var draft = loadDrafts().find(function (d) { return d.id === id; });
    if (!form || !draft) return;
    draft.fields.forEach(function (f) {
      if (f[0] === "token") return; // the form's own token is the fresh one
      var field = form.elements[f[0]];
      if (!field) return;
      if (field.length !== undefined && !field.tagName) {
        Array.prototype.forEach.call(field, function (choice) {
          if (choice.value === f[1]) choice.checked = true;
        });
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.checked = field.value === f[1];
      } else {
        field.value = f[1];
      }
    });
    // Every section the draft fills is opened, so nothing it holds is hidden.
    form.querySelectorAll("details[data-section]").forEach(function (section) {
      var filled = Array.prototype.some.call(section.querySelectorAll("input, textarea"), function (field) {
        return field.type === "checkbox" || field.type === "radio" ? field.checked : field.type !== "hidden" && field.value;
      });
      if (filled) section.open = true;
    });
    // Now it is the form's unsaved text: leaving the page asks first.
    dirtyForms.add(form);
    storeDrafts(loadDrafts().filter(function (d) { return d.id !== id; }));
    showDrafts();
    var note = form.elements.note;
    if (note) note.focus();
  }

  // Undo after a save is offered for a few seconds, then the line just says
  // "Saved" (the server accepts it for ten minutes, for pages without this).
  var UNDO_SECONDS = 10;
  function expireUndo(root) {
    root.querySelectorAll("form[data-undo]").forEach(function (form) {
      window.setTimeout(function () {
        if (!form.contains(document.activeElement)) form.remove();
        else form.addEventListener("focusout", function () { form.remove(); });
      }, UNDO_SECONDS * 1000);
    });
  }

  // A form sent back with something to mend (422): its first such field is
  // brought into view and focused, its section opened, so that on a phone a
  // refusal far down the page is not missed; a form's own message (about no
  // one field) is brought into view.
  function showFirstError(root) {
    var mark = root.querySelector(".field-invalid, .errors.non-field");
    if (!mark) return;
    var section = mark.closest("details");
    if (section) section.open = true;
    var field = mark.matches(".errors") ? null : mark.querySelector("input:not([type=hidden]), select, textarea");
    (field || mark).scrollIntoView({ block: "center" });
    if (field) field.focus({ preventScroll: true });
  }

  // Today's sections (note, tags, prompt, time) open as the person last left
  // them on this device. Opening one by hand puts the cursor in its first
  // text field, so a note is one tap away, not two.
  var SECTIONS = "titrate.sections.v1";

  function openSections() {
    try {
      return JSON.parse(localStorage.getItem(SECTIONS)) || {};
    } catch (error) {
      return {};
    }
  }

  function restoreSections(root) {
    var open = openSections();
    root.querySelectorAll("details[data-section][data-remember]").forEach(function (section) {
      if (open[section.getAttribute("data-section")]) section.open = true;
    });
  }

  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("summary");
    var section = summary && summary.parentElement;
    if (!section || !section.matches("details[data-section][data-remember]")) return;
    var opening = !section.open;
    var open = openSections();
    open[section.getAttribute("data-section")] = opening;
    try {
      localStorage.setItem(SECTIONS, JSON.stringify(open));
    } catch (error) {
      // Storage switched off: the section still opens, it is just not remembered.
    }
    var field = opening && section.querySelector("textarea");
    if (field) {
      // Open it now and focus within the tap, so phones show the keyboard.
      event.preventDefault();
      section.open = true;
      field.focus();
    }
  });

  window.addEventListener("online", sendDrafts);
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt.id === "checkin") showDrafts();
    restoreSections(event.detail.elt);
    showFirstError(event.detail.elt);
    expireUndo(event.detail.elt);
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {
        // No offline page then; everything else works as before.
      });
    });
  }

  // A page that records what its link stands for (an experiment envelope's
  // code) sends its form at once; without JavaScript it is one tap.
  function autoSubmit(root) {
    root.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
      form.removeAttribute("data-auto-submit");
      form.requestSubmit();
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // A form sent the ordinary way (not by htmx, which disables its buttons)
  // goes once with the same button: a second tap while the next page loads
  // would send it again, and a deletion sent twice answers "not found" to a
  // person whose entry was deleted. Another of its buttons still goes (the
  // two downloads of "Your data"), and a form whose answer leaves the page
  // where it is (a download) can be sent again after a few seconds.
  // Registered last, so that a form another listener keeps from going is not
  // counted as sent.
  var SENDING_MS = 4000;
  var sent = new WeakMap();  // form: [the button it was sent with, when]
  document.addEventListener("submit", function (event) {
    var last = sent.get(event.target);
    if (last && last[0] === (event.submitter || null) && Date.now() - last[1] < SENDING_MS) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) sent.set(event.target, [event.submitter || null, Date.now()]);
  });
  // Back on a page from the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) sent = new WeakMap();
  });

  document.addEventListener("DOMContentLoaded", function () {
    autoSubmit(document);
    presetTimezones(document);
    restoreSections(document);
    showFirstError(document);
    sendDrafts();
    expireUndo(document);
  });
})();
