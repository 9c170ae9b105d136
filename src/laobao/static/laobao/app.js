// laobao back office: small keyboard helpers, no dependencies, nothing loaded from outside.
// "/" focuses the page's search box (unless the user is typing in a field already); after a
// rejected form, the first field in error gets the focus so the caseworker can correct it at once.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector(".has-error input, .has-error select");
    if (bad) { bad.focus(); if (bad.select) bad.select(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("[data-slash-focus]");
    if (box) { ev.preventDefault(); box.focus(); box.select(); }
  });
})();
