// The triage queue: "select every offer on this page" and a count of the selection.
// Without JavaScript each row's checkbox still works; only the shortcut is missing.
(function () {
  "use strict";
  var form = document.querySelector("[data-triage-bulk]");
  if (!form) {
    return;
  }
  var all = form.querySelector("[data-triage-select-all]");
  var wrap = form.querySelector("[data-triage-select-all-wrap]");
  var count = form.querySelector("[data-triage-count]");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("[data-triage-select]"));

  function update() {
    var n = boxes.filter(function (box) { return box.checked; }).length;
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    if (count) {
      var template = count.getAttribute("data-template") || "%s";
      count.textContent = n ? "(" + template.replace("%s", n) + ")" : "";
    }
  }

  if (all && wrap) {
    wrap.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
