// Titrate's own small script. Runs under a CSP without inline scripts or eval.
(function () {
  "use strict";

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

  document.addEventListener("DOMContentLoaded", function () {
    presetTimezones(document);
  });
})();
