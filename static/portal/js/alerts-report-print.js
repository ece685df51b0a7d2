// The printable weekly report: a "Print" button. Without JavaScript the button stays hidden
// and the browser's own print command does the same.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button || typeof window.print !== "function") {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
