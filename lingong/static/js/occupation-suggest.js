// Occupation type-ahead (catalog/_occupation_field.html). htmx fetches suggestions from
// /occupations/suggest into the list; this script fills the hidden occupation_code when one is chosen
// and clears it when the text changes again. Without scripts the form still posts what was typed.
(function () {
  "use strict";

  function box(el) {
    return el && el.closest ? el.closest("[data-occupation-suggest]") : null;
  }

  function setChosen(container, code, name) {
    var hidden = container.querySelector("[data-occupation-code]");
    var note = container.querySelector("[data-occupation-chosen]");
    if (hidden) {
      hidden.value = code;
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (note) note.textContent = code ? "已选：" + name + "（" + code + "）" : "";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-occupation-suggest] button[data-code]");
    if (!button) return;
    event.preventDefault();
    var container = box(button);
    var input = container.querySelector("input[type=text], input[type=search]");
    setChosen(container, button.dataset.code, button.dataset.name);
    if (input) {
      input.value = button.dataset.name; // a programmatic change: no new request
      input.focus();
    }
    var list = button.closest("ul");
    if (list) list.innerHTML = "";
  });

  document.addEventListener("input", function (event) {
    var container = box(event.target);
    if (!container || event.target.matches("[data-occupation-code]")) return;
    var hidden = container.querySelector("[data-occupation-code]");
    if (hidden && hidden.value) setChosen(container, "", "");
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var container = box(event.target);
    var list = container && container.querySelector("ul");
    if (list) list.innerHTML = "";
  });
})();
