// Intake review: selecting words in the report text fills the "add a missed entity" form.
(function () {
  "use strict";
  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var text = document.querySelector(".report-text");
    var form = document.querySelector(".add-mention");
    if (!text || !form) { return; }
    text.addEventListener("mouseup", function () {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
      var r = sel.getRangeAt(0);
      if (!text.contains(r.startContainer) || !text.contains(r.endContainer)) { return; }
      var start = offsetIn(text, r.startContainer, r.startOffset);
      var end = offsetIn(text, r.endContainer, r.endOffset);
      form.querySelector("[name=start]").value = start;
      form.querySelector("[name=end]").value = end;
      form.querySelector("[name=text]").value = sel.toString();
    });
  });
}());
