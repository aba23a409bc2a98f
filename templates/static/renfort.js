// Renfort: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // Warn five minutes before the session ends, so the person can extend it.
  var bar = document.getElementById("session-bar");
  if (bar) {
    var expires = Date.parse(bar.getAttribute("data-expires"));
    var warning = document.getElementById("session-warning");
    if (!isNaN(expires) && warning) {
      var warnIn = expires - Date.now() - 5 * 60 * 1000;
      window.setTimeout(function () {
        warning.hidden = false;
        warning.setAttribute("role", "alert");
      }, Math.max(0, warnIn));
    }
  }
  // Move focus to the error summary when a form comes back with errors.
  var summary = document.getElementById("erreurs");
  if (summary) { summary.focus(); }
})();
