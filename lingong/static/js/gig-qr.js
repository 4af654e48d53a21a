// Attendance page (gigs/attendance.html): the QR code refreshes itself through htmx polling; this
// keeps the screen on while it is shown (where the browser allows) and offers a full-screen view so
// workers can scan it from a step away.
(function () {
  "use strict";
  function keepAwake() {
    if (!navigator.wakeLock || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").catch(function () {});
  }
  keepAwake();
  document.addEventListener("visibilitychange", keepAwake);

  var button = document.querySelector("[data-qr-fullscreen]");
  var panel = document.querySelector(".qr-panel");
  if (!button || !panel || !panel.requestFullscreen) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else {
      panel.requestFullscreen().catch(function () {});
    }
  });
})();
