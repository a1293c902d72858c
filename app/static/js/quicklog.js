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

  // With a photo the log is sent from this page, so that a lost answer loses nothing: the
  // photo stays in its field and the log in this tab until the server confirms both, and
  // sending again stores them once (the submission key; the photo's hash).
  function sendWithPhoto(form, box) {
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    tell(box, box.dataset.sending, "status");
    window.fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: new window.FormData(form), credentials: "same-origin"
    }).then(function (response) {
      if (response.ok && response.redirected) {
        window.location.assign(response.url);  // "Logged R-…": the server has both
        return null;
      }
      return response.text().then(function (html) {  // a field or the file refused
        document.open();
        document.write(html);
        document.close();
      });
    }).catch(function () {
      button.disabled = false;
      tell(box, box.dataset.photoUnconfirmed, "alert");
    });
  }

  // The photo waits in IndexedDB (sessionStorage holds text only) under the log's
  // submission key, so a page opened again after a lost answer gets it back too.
  var PHOTOS = "photos";

  function photoDb(then) {
    if (!window.indexedDB) { return; }
    var request = window.indexedDB.open("cordon-quicklog", 1);
    request.onupgradeneeded = function () { request.result.createObjectStore(PHOTOS); };
    request.onsuccess = function () { then(request.result); };
  }

  function keepPhotos(form, owner) {
    var files = Array.prototype.slice.call(form.elements.files.files || []);
    var submission = form.elements.submission.value;
    photoDb(function (db) {
      var store = db.transaction(PHOTOS, "readwrite").objectStore(PHOTOS);
      if (files.length) {
        store.put({ owner: owner, submission: submission, files: files }, "draft");
      } else {
        store.delete("draft");
      }
    });
  }

  function restorePhotos(form, owner, draft) {
    photoDb(function (db) {
      var get = db.transaction(PHOTOS).objectStore(PHOTOS).get("draft");
      get.onsuccess = function () {
        var kept = get.result;
        if (!kept || kept.owner !== owner || kept.submission !== draft.submission ||
            !window.DataTransfer) { return; }
        var transfer = new window.DataTransfer();
        kept.files.forEach(function (file) { transfer.items.add(file); });
        form.elements.files.files = transfer.files;
      };
    });
  }

  function forgetPhotos() {
    photoDb(function (db) {
      db.transaction(PHOTOS, "readwrite").objectStore(PHOTOS).delete("draft");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.quick-log-form");
    var box = document.querySelector(".network-note");
    if (!form || !box || !window.sessionStorage) { return; }
    var owner = form.getAttribute("data-owner");
    var draft = load(owner);
    if (form.elements.files) {
      form.elements.files.addEventListener("change", function () { keepPhotos(form, owner); });
    }

    if (document.querySelector(".logged")) {
      window.sessionStorage.removeItem(STORE);  // the server confirmed the last one
      forgetPhotos();
    } else if (draft && !form.querySelector(".errors")) {
      restore(form, draft);
      if (form.elements.files) { restorePhotos(form, owner, draft); }
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
        return;
      }
      var photo = form.elements.files;
      if (photo && photo.files && photo.files.length && window.fetch && window.FormData) {
        event.preventDefault();  // a photo cannot wait in sessionStorage: keep this page
        sendWithPhoto(form, box);
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
        forgetPhotos();
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
