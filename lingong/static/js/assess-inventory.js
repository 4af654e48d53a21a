// Interest inventory and skills self-check (assistance/interest.html, skills.html): one question per
// screen on a phone. Without scripts every question shows in one list and the form works the same.
// Picking an answer moves on to the next question; 上一题 goes back; the last answer shows 看结果.
(function () {
  "use strict";
  var form = document.querySelector("[data-inventory]");
  if (!form) return;
  var items = Array.prototype.slice.call(form.querySelectorAll("[data-item]"));
  if (!items.length) return;
  var bar = form.querySelector("[data-stepper]");
  var current = form.querySelector("[data-current]");
  var prev = form.querySelector("[data-prev]");
  var next = form.querySelector("[data-next]");
  var submit = form.querySelector("[data-submit]");
  var at = 0;

  function answered(item) {
    return !!item.querySelector("input:checked");
  }
  function allAnswered() {
    return items.every(answered);
  }
  function show(index) {
    at = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.hidden = i !== at; });
    current.textContent = String(at + 1);
    prev.disabled = at === 0;
    next.hidden = at === items.length - 1;
    next.disabled = !answered(items[at]);
    submit.hidden = !(at === items.length - 1 || allAnswered());
    var legend = items[at].querySelector("legend");
    if (legend) legend.focus({ preventScroll: false });
  }

  form.classList.add("one-by-one");
  bar.hidden = false;
  items.forEach(function (item, i) {
    var legend = item.querySelector("legend");
    if (legend) legend.setAttribute("tabindex", "-1");
    item.addEventListener("change", function () {
      if (i < items.length - 1) {
        window.setTimeout(function () { show(i + 1); }, 180);
      } else {
        show(i);
      }
    });
  });
  prev.addEventListener("click", function () { show(at - 1); });
  next.addEventListener("click", function () { show(at + 1); });

  // After a refused submit, start at the first question still without an answer.
  var firstOpen = items.findIndex(function (item) { return !answered(item); });
  show(firstOpen === -1 ? items.length - 1 : firstOpen);
})();
