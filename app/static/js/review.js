// Entity review on the report page without a reload per entity: the Accept / Reject forms
// of a row and the "Accept all" / "Reject all" forms of a label are sent with fetch, asking
// for JSON, and the rows, the highlights in the text and the counts change in place.
// Keys on a focused row (listed on the page under "Keyboard"): j/k or the arrows move,
// a/r accept or reject the row, Shift+A/Shift+R all proposed of its label.
// Without script the same forms post and the page reloads (progressive enhancement).
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) { return; }
  var busy = false;

  function status(message, failed) {
    var box = document.querySelector(".review-status");
    if (!box) { return; }
    box.textContent = message;
    box.classList.toggle("error", Boolean(failed));
  }

  // The status line's words come translated from the page (data-* on .review-status).
  function box() {
    return document.querySelector(".review-status") || { dataset: {} };
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.mentions tr[data-mention]"));
  }

  function rowOf(id) {
    return rows().filter(function (row) { return row.dataset.mention === id; })[0];
  }

  function setReview(id, review) {
    var row = rowOf(id);
    if (row) {
      row.classList.remove("review-proposed", "review-accepted", "review-rejected");
      row.classList.add("review-" + review);
      row.dataset.review = review;
      var word = (box() && box().dataset[review]) || review;  // in the page's language
      row.querySelector(".review-state").textContent = word;
      var label = row.getAttribute("aria-label") || "";
      row.setAttribute("aria-label", label.replace(/, [^,]+$/, ", " + word));
      row.querySelectorAll("form.review-form").forEach(function (form) {
        form.hidden = form.dataset.review === review;
      });
    }
    document.querySelectorAll("mark[data-mention]").forEach(function (mark) {
      if (mark.dataset.mention !== id) { return; }
      mark.classList.remove("review-proposed", "review-accepted", "review-rejected");
      mark.classList.add("review-" + review);
    });
  }

  function recount() {
    document.querySelectorAll("[data-bulk-label]").forEach(function (item) {
      var label = item.dataset.bulkLabel;
      var left = rows().filter(function (row) {
        return row.dataset.label === label && row.dataset.review === "proposed";
      }).length;
      item.querySelector(".bulk-count").textContent = String(left);
      item.hidden = left === 0;
    });
  }

  function send(form, after) {
    if (busy) { return; }
    busy = true;
    status(box().dataset.saving);
    window.fetch(form.getAttribute("action"), { // form.action is its "action" input
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      busy = false;
      if (!answer.ok) {
        status(answer.body.detail || answer.body.error || box().dataset.notSaved, true);
        return;
      }
      answer.body.mentions.forEach(function (id) { setReview(id, answer.body.review); });
      recount();
      status(answer.body.message || box().dataset.saved);
      if (after) { after(); }
    }).catch(function () {
      busy = false;
      form.submit(); // not JSON (signed out, server away): the plain form shows what happened
    });
  }

  function bulkForm(label, review) {
    var item = Array.prototype.slice.call(document.querySelectorAll("[data-bulk-label]"))
      .filter(function (li) { return li.dataset.bulkLabel === label && !li.hidden; })[0];
    if (!item) { return null; }
    return Array.prototype.slice.call(item.querySelectorAll("form.bulk-form"))
      .filter(function (form) { return form.elements.action.value === review; })[0] || null;
  }

  function onKey(event) {
    var row = event.target;
    if (!row.matches || !row.matches("tr[data-mention]")) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var all = rows();
    var index = all.indexOf(row);
    var key = event.key;
    var move = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[key];
    if (move) {
      var next = all[index + move];
      if (next) { next.focus(); }
      event.preventDefault();
      return;
    }
    var review = { a: "accepted", r: "rejected", A: "accepted", R: "rejected" }[key];
    if (!review) { return; }
    event.preventDefault();
    if (key === "A" || key === "R") {
      var form = bulkForm(row.dataset.label, review);
      if (!form) { status(box().dataset.noneLeft.replace("{label}", row.dataset.label)); return; }
      send(form, function () { row.focus(); });
      return;
    }
    var own = Array.prototype.slice.call(row.querySelectorAll("form.review-form"))
      .filter(function (f) { return f.dataset.review === review; })[0];
    if (!own || own.hidden) { status(review === "rejected" ? box().dataset.alreadyRejected : box().dataset.alreadyAccepted); return; }
    send(own, function () { row.focus(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("table.mentions");
    if (!table) { return; }
    table.addEventListener("keydown", onKey);
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches("form.review-form, form.bulk-form")) { return; }
      event.preventDefault();
      var label = form.classList.contains("bulk-form") ? form.elements.label.value : null;
      send(form, function () {
        var item = form.closest("[data-bulk-label]");
        if (label && item && item.hidden) { // its buttons are gone: focus the label's first row
          var first = rows().filter(function (row) { return row.dataset.label === label; })[0];
          if (first) { first.focus(); }
        }
      });
    });
  });
}());
