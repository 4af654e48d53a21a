// Gig window / LED screen (零工橱窗): scrolls the list slowly from top to bottom, pauses, starts again;
// htmx swaps in a fresh list every refresh interval (the list starts again from the top). Also the clock.
(function () {
  "use strict";
  var box = document.querySelector("[data-led-scroll]");
  var SPEED = 36; // pixels per second: a line of very large type passes in about three seconds
  var PAUSE = 4; // seconds to rest at the top and at the bottom
  var pos = 0;
  var rest = PAUSE;
  var last = null;

  function frame(ts) {
    var dt = last === null ? 0 : Math.min((ts - last) / 1000, 0.5);
    last = ts;
    var room = box.scrollHeight - box.clientHeight;
    if (room <= 1) {
      pos = 0;
      box.scrollTop = 0;
    } else if (rest > 0) {
      rest -= dt;
      if (rest <= 0 && pos >= room) {
        pos = 0;
        box.scrollTop = 0;
        rest = PAUSE;
      }
    } else {
      pos = Math.min(room, pos + SPEED * dt);
      box.scrollTop = pos;
      if (pos >= room) rest = PAUSE;
    }
    window.requestAnimationFrame(frame);
  }

  if (box) {
    document.body.addEventListener("htmx:afterSwap", function () {
      pos = 0;
      box.scrollTop = 0;
      rest = PAUSE;
    });
    window.requestAnimationFrame(frame);
  }

  var clock = document.querySelector("[data-clock]");
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = new Date();
    clock.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes());
  }
  if (clock) {
    tick();
    window.setInterval(tick, 10000);
  }
})();
