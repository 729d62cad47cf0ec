/* Admin: redraw the exercise figure as a coach edits its keyframes JSON (no inline script). */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setup(preview) {
    var textarea = document.getElementById("id_demonstration");
    if (!textarea) return;
    var frames = preview.querySelector(".figure-preview-frames");
    var errors = preview.querySelector(".figure-preview-errors");
    var hold = document.getElementById("id_hold_seconds");
    var timer = null;
    var latest = 0;

    function showErrors(messages) {
      errors.textContent = "";
      messages.forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        errors.appendChild(li);
      });
      errors.hidden = messages.length === 0;
    }

    function refresh() {
      var request = ++latest;
      if (!textarea.value.trim()) {
        frames.textContent = "";
        showErrors([]);
        return;
      }
      fetch(preview.getAttribute("data-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ demonstration: textarea.value, is_hold: !!(hold && hold.value) }),
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (request !== latest) return; // a newer edit is on its way
          if (data.html !== undefined) {
            frames.innerHTML = data.html; // SVG from our own renderer
            showErrors([]);
          } else {
            showErrors(data.errors || ["The preview could not be drawn."]);
          }
        })
        .catch(function () { showErrors(["The preview could not be reached."]); });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure-preview]").forEach(setup);
  });
})();
