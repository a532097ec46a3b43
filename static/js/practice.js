// The guided practice timer: breathing (in 4 s, out 6 s) or a body scan that
// moves attention every 20 seconds. Runs under the CSP: no inline code.
(function () {
  "use strict";

  var SCAN = [
    "Feet: notice their weight and contact with the floor.",
    "Legs: calves, knees, thighs. Let them be heavy.",
    "Hips and lower back: soften anything that holds.",
    "Belly: feel it rise and fall with the breath.",
    "Chest and heart: notice the breath and the heartbeat.",
    "Hands and arms: warmth, tingling, stillness.",
    "Shoulders and neck: let them drop a little.",
    "Face: jaw, eyes, forehead. Unclench.",
    "The whole body at once, breathing.",
  ];

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function start(root, kind, minutes) {
    var setup = root.querySelector("[data-practice-setup]");
    var run = root.querySelector("[data-practice-run]");
    var done = root.querySelector("[data-done]");
    var cue = root.querySelector("[data-cue]");
    var remaining = root.querySelector("[data-remaining]");
    var circle = root.querySelector("[data-circle]");
    var total = minutes * 60;
    var elapsed = 0;
    setup.hidden = true;
    done.hidden = true;
    run.hidden = false;
    circle.hidden = kind !== "breathing";

    function tick() {
      remaining.textContent = format(total - elapsed);
      if (kind === "breathing") {
        var inBreath = elapsed % 10 < 4;
        cue.textContent = inBreath ? "Breathe in" : "Breathe out";
        circle.classList.toggle("inhale", inBreath);
      } else {
        cue.textContent = SCAN[Math.floor(elapsed / 20) % SCAN.length];
      }
    }

    function finish() {
      clearInterval(timer);
      run.hidden = true;
      setup.hidden = false;
      done.hidden = false;
      circle.classList.remove("inhale");
    }

    tick();
    var timer = setInterval(function () {
      elapsed += 1;
      if (elapsed >= total) {
        finish();
        return;
      }
      tick();
    }, 1000);
    root.querySelector("[data-stop]").onclick = finish;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-practice]");
    if (!root) return;
    root.querySelector("[data-practice-setup]").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      start(root, form.elements.kind.value, parseInt(form.elements.minutes.value, 10));
    });
  });
})();
