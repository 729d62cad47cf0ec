/* The landing page's sample hold: a Start button counts the hold down, then says what comes next.
 * Without JavaScript the card still shows the figure, the dose and the hold length. Markup:
 *   <div data-sample-timer data-hold="10" data-sets="3"> [data-clock] [data-status] [data-start] </div>
 */
(function () {
  "use strict";

  function setUp(box) {
    var hold = parseInt(box.getAttribute("data-hold"), 10);
    var sets = parseInt(box.getAttribute("data-sets"), 10) || 1;
    var clock = box.querySelector("[data-clock]");
    var status = box.querySelector("[data-status]");
    var start = box.querySelector("[data-start]");
    if (!hold || !clock || !status || !start) return;
    var timer = null;

    start.hidden = false;
    start.addEventListener("click", function () {
      if (timer) return;
      var endsAt = Date.now() + hold * 1000;
      box.setAttribute("data-state", "holding");
      status.textContent = "Hold… breathe normally.";
      start.disabled = true;
      timer = setInterval(function () {
        var left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
        clock.textContent = String(left);
        if (left > 0) return;
        clearInterval(timer);
        timer = null;
        box.setAttribute("data-state", "done");
        status.textContent =
          sets > 1
            ? "Well held. In a session you rest now, then do " + (sets - 1) + " more."
            : "Well held. In a session you rest now, then move on.";
        start.disabled = false;
        start.textContent = "Try again";
      }, 200);
    });
  }

  function init() {
    var boxes = document.querySelectorAll("[data-sample-timer]");
    for (var i = 0; i < boxes.length; i++) setUp(boxes[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
