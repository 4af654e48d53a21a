// Posting form (gigs/post_form.html): shift rows. Without scripts the page shows three empty rows;
// with them it keeps one empty row and a button adds more, copying the last row's times and
// moving its date on by a day (the usual next shift).
(function () {
  "use strict";
  var list = document.querySelector("[data-shift-rows]");
  var add = document.querySelector("[data-add-shift]");
  if (!list || !add) return;
  var max = parseInt(list.dataset.max || "31", 10);

  function rows() {
    return list.querySelectorAll("[data-shift-row]");
  }
  function isEmpty(row) {
    return Array.prototype.every.call(row.querySelectorAll("input"), function (input) {
      return !input.value;
    });
  }
  function nextDay(value) {
    var parts = value.split("-");
    if (parts.length !== 3) return "";
    var d = new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]) + 1);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  var keptEmpty = false;
  Array.prototype.forEach.call(rows(), function (row) {
    if (!isEmpty(row)) return;
    if (keptEmpty) row.remove(); else keptEmpty = true;
  });

  add.hidden = false;
  add.addEventListener("click", function () {
    var current = rows();
    if (current.length >= max) return;
    var copy = current[current.length - 1].cloneNode(true);
    var date = copy.querySelector("input[type=date]");
    if (date && date.value) date.value = nextDay(date.value);
    list.appendChild(copy);
    (date || copy.querySelector("input")).focus();
    add.disabled = rows().length >= max;
  });
})();
