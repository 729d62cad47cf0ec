/* BackCore session player: a hold countdown, rep counter and rest timer on top of a plain form.
 *
 * Without JavaScript the member fills the form and saves; this script only adds timers. It uses
 * setInterval and Date.now() (nothing else), so a test clock can drive it. Markup contract:
 *   <div data-player data-mode="hold|reps" data-hold="20" data-reps="10" data-sets="3"
 *        data-per-side="1" data-rest="30" data-form="form-id" hidden></div>
 * The form has inputs named actual_seconds or actual_reps, actual_sets and sides_done.
 */
(function () {
  "use strict";

  var TICK_MS = 200;
  var audioContext = null;
  var soundOn = true;

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function beep(times) {
    if (!soundOn) return;
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      audioContext = audioContext || new Ctx();
      var start = audioContext.currentTime;
      for (var i = 0; i < (times || 1); i++) {
        var osc = audioContext.createOscillator();
        var gain = audioContext.createGain();
        osc.type = "sine";
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, start + i * 0.3);
        gain.gain.exponentialRampToValueAtTime(0.3, start + i * 0.3 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.3 + 0.22);
        osc.connect(gain).connect(audioContext.destination);
        osc.start(start + i * 0.3);
        osc.stop(start + i * 0.3 + 0.25);
      }
    } catch (err) {
      /* No audio is fine: the visual cue and the announcement still happen. */
    }
  }

  function clock(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(total / 60);
    var s = total % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function button(action, label, extraClass) {
    return el("button", { type: "button", "data-action": action, class: "button " + (extraClass || "") }, label);
  }

  function Player(root) {
    this.root = root;
    this.mode = root.dataset.mode === "reps" ? "reps" : "hold";
    this.hold = parseInt(root.dataset.hold || "0", 10);
    this.targetReps = parseInt(root.dataset.reps || "0", 10);
    this.sets = Math.max(1, parseInt(root.dataset.sets || "1", 10));
    this.perSide = root.dataset.perSide === "1";
    this.rest = parseInt(root.dataset.rest || "0", 10);
    this.form = document.getElementById(root.dataset.form);
    this.set = 1;
    this.side = 0;
    this.phase = "idle"; // idle | running | paused | rest | done
    this.remaining = this.hold * 1000;
    this.endsAt = 0;
    this.timer = null;
    this.count = 0;
    this.setsDone = 0;
    this.repsPerSet = [];
    this.announcedTen = false;
    this.build();
    this.render();
  }

  Player.prototype.build = function () {
    var r = this.root;
    r.textContent = "";
    r.hidden = false;
    r.classList.add("player-timer");
    this.status = el("p", { class: "player-status" });
    this.display = el("p", { class: "player-clock", "aria-hidden": "true" });
    this.live = el("p", { class: "visually-hidden", "aria-live": "polite", "aria-atomic": "true", role: "status" });
    var controls = el("div", { class: "player-controls" });
    if (this.mode === "hold") {
      this.startBtn = button("start", "Start");
      controls.append(this.startBtn, button("pause", "Pause", "button-secondary"), button("reset", "Reset", "button-secondary"));
    } else {
      this.minusBtn = button("rep-minus", "−1 rep", "button-secondary");
      this.plusBtn = button("rep-plus", "+1 rep");
      this.setDoneBtn = button("set-done", "Set done");
      controls.append(this.minusBtn, this.plusBtn, this.setDoneBtn);
    }
    this.skipBtn = button("skip-rest", "Skip rest", "button-secondary");
    this.soundBtn = el("button", { type: "button", "data-action": "sound", class: "link-button", "aria-pressed": "true" }, "Sound on");
    controls.append(this.skipBtn);
    r.append(this.status, this.display, controls, this.soundBtn, this.live);
    r.addEventListener("click", this.onClick.bind(this));
  };

  Player.prototype.onClick = function (event) {
    var target = event.target.closest("button[data-action]");
    if (!target) return;
    var action = target.dataset.action;
    if (action === "start") this.start();
    else if (action === "pause") this.pause();
    else if (action === "reset") this.reset();
    else if (action === "rep-plus") this.changeCount(1);
    else if (action === "rep-minus") this.changeCount(-1);
    else if (action === "set-done") this.finishHoldOrSet();
    else if (action === "skip-rest") this.endRest(true);
    else if (action === "sound") {
      soundOn = !soundOn;
      target.setAttribute("aria-pressed", soundOn ? "true" : "false");
      target.textContent = soundOn ? "Sound on" : "Sound off";
    }
  };

  Player.prototype.sideLabel = function () {
    if (!this.perSide) return "";
    return this.side === 0 ? " · first side" : " · second side";
  };

  Player.prototype.announce = function (text) {
    // Clear first so the same sentence twice is still read out.
    var live = this.live;
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  };

  Player.prototype.cue = function (times) {
    beep(times);
    var root = this.root;
    root.classList.remove("is-flash");
    void root.offsetWidth; // restart the animation
    root.classList.add("is-flash");
    window.setTimeout(function () {
      root.classList.remove("is-flash");
    }, reducedMotion() ? 1500 : 1200);
  };

  Player.prototype.startInterval = function () {
    this.stopInterval();
    this.timer = window.setInterval(this.tick.bind(this), TICK_MS);
  };

  Player.prototype.stopInterval = function () {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = null;
  };

  Player.prototype.start = function () {
    if (this.phase === "running" || this.phase === "rest" || this.phase === "done") return;
    if (this.phase === "idle") {
      this.remaining = this.hold * 1000;
      this.announcedTen = this.hold <= 10;
    }
    this.endsAt = Date.now() + this.remaining;
    this.phase = "running";
    this.announce("Hold started: " + this.hold + " seconds" + this.sideLabel() + ".");
    this.startInterval();
    this.render();
  };

  Player.prototype.pause = function () {
    if (this.phase !== "running") return;
    this.remaining = Math.max(0, this.endsAt - Date.now());
    this.phase = "paused";
    this.stopInterval();
    this.announce("Paused with " + Math.ceil(this.remaining / 1000) + " seconds left.");
    this.render();
  };

  Player.prototype.reset = function () {
    if (this.phase === "rest" || this.phase === "done") return;
    this.stopInterval();
    this.phase = "idle";
    this.remaining = this.hold * 1000;
    this.announce("Timer reset to " + this.hold + " seconds.");
    this.render();
  };

  Player.prototype.changeCount = function (delta) {
    if (this.phase === "done" || this.phase === "rest") return;
    this.count = Math.max(0, Math.min(200, this.count + delta));
    this.announce(this.count + (this.count === 1 ? " rep" : " reps"));
    this.render();
  };

  Player.prototype.tick = function () {
    var now = Date.now();
    if (this.phase === "running") {
      this.remaining = Math.max(0, this.endsAt - now);
      if (!this.announcedTen && this.remaining <= 10000) {
        this.announcedTen = true;
        this.announce("10 seconds left");
      }
      if (this.remaining <= 0) {
        this.stopInterval();
        this.finishHoldOrSet();
        return;
      }
    } else if (this.phase === "rest") {
      this.remaining = Math.max(0, this.endsAt - now);
      if (this.remaining <= 0) {
        this.endRest(false);
        return;
      }
    }
    this.render();
  };

  // One hold (or one set of reps) on one side is finished.
  Player.prototype.finishHoldOrSet = function () {
    if (this.phase === "done" || this.phase === "rest") return;
    if (this.mode === "reps" && this.count === 0) {
      this.announce("Count your reps first, then press Set done.");
      return;
    }
    this.stopInterval();
    if (this.mode === "reps") this.repsPerSet.push(this.count);
    if (this.perSide && this.side === 0) {
      this.side = 1;
      this.phase = "idle";
      this.remaining = this.hold * 1000;
      this.count = 0;
      this.cue(1);
      this.announce(this.mode === "hold" ? "Hold complete — switch sides" : "Set done on this side — switch sides");
      this.render();
      return;
    }
    this.setsDone = this.set;
    this.side = 0;
    this.count = 0;
    this.updateForm();
    if (this.set >= this.sets) {
      this.phase = "done";
      this.cue(2);
      this.announce("Exercise complete. Save it with the Done button.");
      this.render();
      return;
    }
    this.set += 1;
    this.cue(1);
    if (this.rest > 0) {
      this.phase = "rest";
      this.remaining = this.rest * 1000;
      this.endsAt = Date.now() + this.remaining;
      this.announce((this.mode === "hold" ? "Hold complete" : "Set done") + ". Rest for " + this.rest + " seconds.");
      this.startInterval();
    } else {
      this.phase = "idle";
      this.remaining = this.hold * 1000;
      this.announce("Set " + this.set + " of " + this.sets + " next.");
    }
    this.render();
  };

  Player.prototype.endRest = function (skipped) {
    if (this.phase !== "rest") return;
    this.stopInterval();
    this.phase = "idle";
    this.remaining = this.hold * 1000;
    if (!skipped) this.cue(1);
    this.announce("Rest over. Set " + this.set + " of " + this.sets + " when you are ready.");
    this.render();
  };

  Player.prototype.updateForm = function () {
    if (!this.form) return;
    var set = function (name, value) {
      var input = this.form.querySelector('[name="' + name + '"]');
      if (input) input.value = value;
    }.bind(this);
    set("actual_sets", this.setsDone);
    if (this.mode === "hold") set("actual_seconds", this.hold);
    else set("actual_reps", Math.min.apply(null, this.repsPerSet));
    if (this.perSide) set("sides_done", 2);
  };

  Player.prototype.render = function () {
    var status;
    if (this.phase === "done") status = "All " + this.sets + (this.sets === 1 ? " set" : " sets") + " done";
    else if (this.phase === "rest") status = "Rest before set " + this.set + " of " + this.sets;
    else status = "Set " + this.set + " of " + this.sets + this.sideLabel();
    this.status.textContent = status;
    if (this.mode === "reps" && this.phase !== "rest") {
      this.display.textContent = this.phase === "done" ? "✓" : this.count + " / " + this.targetReps;
    } else {
      this.display.textContent = this.phase === "done" ? "✓" : clock(this.remaining);
    }
    this.root.dataset.phase = this.phase;
    var resting = this.phase === "rest";
    this.skipBtn.hidden = !resting;
    if (this.startBtn) {
      this.startBtn.textContent = this.phase === "paused" ? "Resume" : "Start";
      this.startBtn.disabled = this.phase === "running" || resting || this.phase === "done";
    }
    if (this.setDoneBtn) this.setDoneBtn.disabled = resting || this.phase === "done";
  };

  function init(scope) {
    (scope || document).querySelectorAll("[data-player]:not([data-player-ready])").forEach(function (root) {
      root.setAttribute("data-player-ready", "");
      root._player = new Player(root);
    });
  }

  // htmx: show the server's validation message (422/400) in place instead of ignoring it.
  function configureHtmx() {
    if (!window.htmx || !window.htmx.config) return;
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "(400|422)", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  }

  document.addEventListener("DOMContentLoaded", function () {
    configureHtmx();
    init(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    init(event.target);
    var heading = document.querySelector("#player h2");
    if (heading) heading.focus();
  });
  window.BackCorePlayer = { init: init };
})();
