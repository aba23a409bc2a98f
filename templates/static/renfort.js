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
  // A need's end date and season unfold when a fixed-term contract is chosen.
  var contract = document.getElementById("contract_kind"), dates = document.getElementById("need-dates");
  if (contract && dates) {
    contract.addEventListener("change", function () {
      if (contract.value === "cdd" || contract.value === "seasonal_cdd") { dates.open = true; }
    });
  }
  // Move focus to the error summary when a form comes back with errors.
  var summary = document.getElementById("erreurs");
  if (summary) { summary.focus(); }
})();
