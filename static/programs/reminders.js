/* Default the reminder timezone to the browser's own, until the member has saved a choice. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (err) {
      return;
    }
    if (!zone) return;
    var hidden = document.querySelector('input[name="browser_timezone"]');
    if (hidden) hidden.value = zone;
    var select = document.querySelector("select[data-browser-default]");
    if (select && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
  });
})();
