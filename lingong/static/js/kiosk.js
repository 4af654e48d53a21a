// Station kiosk (信息一体机): back to the home screen after a spell without touches, so the next person
// starts fresh. Whoever signed in on the kiosk is signed out on the way (the reset form POSTs, with its
// CSRF token). On the home screen itself, an idle reload keeps the gig list current. Also the clock.
// Ordinary pages opened on a kiosk (registration, the profile) carry the same settings on a
// [data-kiosk-idle] element instead of the kiosk body.
(function () {
  "use strict";
  var body = document.querySelector("[data-kiosk-idle]") || document.body;
  var seconds = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var idleMs = (isFinite(seconds) && seconds > 0 ? seconds : 90) * 1000;
  var homeUrl = body.getAttribute("data-home-url") || "/";
  var signedIn = body.getAttribute("data-signed-in") === "1";
  var timer = null;

  function goHome() {
    var form = document.getElementById("kiosk-reset");
    if (signedIn && form) {
      form.submit();
    } else {
      window.location.replace(homeUrl);
    }
  }

  function restart() {
    if (timer !== null) window.clearTimeout(timer);
    timer = window.setTimeout(goHome, idleMs);
  }

  ["pointerdown", "touchstart", "keydown", "wheel", "scroll"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true, capture: true });
  });
  restart();

  var clock = document.querySelector("[data-clock]");
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = new Date();
    clock.textContent = (now.getMonth() + 1) + "月" + now.getDate() + "日 " + pad(now.getHours()) + ":" + pad(now.getMinutes());
  }
  if (clock) {
    tick();
    window.setInterval(tick, 15000);
  }
})();
