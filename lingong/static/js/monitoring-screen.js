// The big screen's clock and full-screen button. The figures reload through htmx (see the page).
(function () {
  "use strict";
  var clock = document.getElementById("screen-clock");
  var format = new Intl.DateTimeFormat("zh-CN", {
    year: "numeric", month: "long", day: "numeric", weekday: "long",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false
  });
  function tick() {
    if (clock) clock.textContent = format.format(new Date());
  }
  tick();
  setInterval(tick, 1000);

  var full = document.getElementById("screen-full");
  if (full) {
    if (!document.documentElement.requestFullscreen) {
      full.hidden = true;
    } else {
      full.addEventListener("click", function () {
        if (document.fullscreenElement) document.exitFullscreen();
        else document.documentElement.requestFullscreen();
      });
    }
  }
})();
