// The portal's own behaviour. No inline scripts anywhere: a strict CSP can be switched on.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("has-js");

  var toggle = document.querySelector(".portal-nav__toggle");
  var list = document.getElementById("portal-nav-list");
  if (toggle && list) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      list.classList.toggle("portal-nav__list--open", !open);
    });
  }

  // Move focus to the error summary so a screen reader announces what to fix.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  if (window.ECL && typeof window.ECL.autoInit === "function") {
    window.ECL.autoInit();
  }
})();
