// Quick log on a poor network: what the officer typed is kept in this tab until the
// server confirms it, and sending again is safe (the form's submission key makes the
// server store a log once, however many times it arrives).
(function () {
  "use strict";
  var STORE = "cordon.quicklog";
  var FIELDS = ["submission", "crossing", "vehicle", "container", "text"];

  function load(owner) {
    try {
      var draft = JSON.parse(window.sessionStorage.getItem(STORE) || "null");
      return draft && draft.owner === owner ? draft : null;
    } catch (e) { return null; }
  }

  function save(form, owner) {
    var draft = { owner: owner, saved: new Date().toISOString() };
    FIELDS.forEach(function (name) { draft[name] = form.elements[name].value; });
    var handling = form.querySelector("[name=handling]:checked");
    draft.handling = handling ? handling.value : null;
    if (!draft.vehicle && !draft.container && !draft.text) {
      window.sessionStorage.removeItem(STORE);
      return;
    }
    try { window.sessionStorage.setItem(STORE, JSON.stringify(draft)); } catch (e) { /* full */ }
  }

  function restore(form, draft) {
    FIELDS.forEach(function (name) {
      if (draft[name] != null) { form.elements[name].value = draft[name]; }
    });
    var handling = draft.handling && form.querySelector(
      "[name=handling][value='" + draft.handling.replace(/'/g, "") + "']");
    if (handling) { handling.checked = true; }
  }

  function tell(box, message, role) {
    box.textContent = message;
    box.setAttribute("role", role);
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.quick-log-form");
    var box = document.querySelector(".network-note");
    if (!form || !box || !window.sessionStorage) { return; }
    var owner = form.getAttribute("data-owner");
    var draft = load(owner);

    if (document.querySelector(".logged")) {
      window.sessionStorage.removeItem(STORE);  // the server confirmed the last one
    } else if (draft && !form.querySelector(".errors")) {
      restore(form, draft);
      var when = new Date(draft.saved);
      tell(box, "Your log from " + when.toLocaleTimeString([], { hour: "2-digit",
        minute: "2-digit" }) + " was not confirmed. Check it and tap \u201cLog it\u201d: " +
        "it is stored once, even if it went through before.", "status");
    }

    form.addEventListener("input", function () { save(form, owner); });
    form.addEventListener("change", function () { save(form, owner); });
    form.addEventListener("submit", function (event) {
      save(form, owner);
      if (navigator.onLine === false) {
        event.preventDefault();
        tell(box, "No network. Your log is kept on this page: tap \u201cLog it\u201d " +
          "again when the network is back.", "alert");
      }
    });
    window.addEventListener("online", function () {
      if (load(owner)) {
        tell(box, "The network is back: tap \u201cLog it\u201d to send your log.", "status");
      }
    });
    var logout = document.querySelector("form[action$='/logout']");
    if (logout) {
      logout.addEventListener("submit", function () {
        window.sessionStorage.removeItem(STORE);
      });
    }
  });
}());
