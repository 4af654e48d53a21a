// The slip's print button (no inline handlers: the CSP forbids them).
(function () {
  "use strict";
  var button = document.getElementById("print-slip");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
