// Quick log on a poor network: what the officer typed is kept in this tab until the
// server confirms it, and sending again is safe (the form's submission key makes the
// server store a log once, however many times it arrives).
(function () {
  "use strict";
  var STORE = "cordon.quicklog";
  var FIELDS = ["submission", "crossing", "vehicle", "container", "phone", "text"];

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
    if (!draft.vehicle && !draft.container && !draft.phone && !draft.text) {
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
      // the sentences are the page's language, from the template (intake/quick_log.html)
      tell(box, box.dataset.unconfirmed.replace("{time}", when.toLocaleTimeString(
        document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" })),
        "status");
    }

    form.addEventListener("input", function () { save(form, owner); });
    form.addEventListener("change", function () { save(form, owner); });
    form.addEventListener("submit", function (event) {
      save(form, owner);
      if (navigator.onLine === false) {
        event.preventDefault();
        tell(box, box.dataset.offline, "alert");
      }
    });
    window.addEventListener("online", function () {
      if (load(owner)) {
        tell(box, box.dataset.online, "status");
      }
    });
    var logout = document.querySelector("form[action$='/logout']");
    if (logout) {
      logout.addEventListener("submit", function () {
        window.sessionStorage.removeItem(STORE);
      });
    }
  });

  // While the officer types a plate, container or phone, say at once whether they may
  // already know it (their watch list, reports they may read, declarations). The server
  // answers the same for "unknown" and "known only from what you may not read".
  var KNOWN = { vehicle: "VEHICLE", container: "CONTAINER", phone: "PHONE" };
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.quick-log-form");
    var url = form && form.getAttribute("data-known-url");
    if (!url || !window.fetch) { return; }
    Object.keys(KNOWN).forEach(function (name) {
      var input = form.elements[name];
      if (!input) { return; }
      var note = document.createElement("p");
      note.className = "known-note";
      note.id = "known-" + name;
      note.setAttribute("aria-live", "polite");
      note.hidden = true;
      input.closest(".field").appendChild(note);
      var timer = null;
      var asked = 0;
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var value = input.value.trim();
          var mine = ++asked;
          if (value.length < 4) { note.hidden = true; return; }
          window.fetch(url + "?label=" + KNOWN[name] + "&value=" + encodeURIComponent(value),
                       { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (answer) {
              if (mine !== asked) { return; }  // a later keystroke asked again
              note.textContent = answer && answer.known ? answer.message : "";
              note.hidden = !(answer && answer.known);
            })
            .catch(function () { /* no network: the log itself is what matters */ });
        }, 350);
      });
    });
  });
}());
