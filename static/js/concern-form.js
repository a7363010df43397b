// Concern form: when a violence category is chosen, the guardians must not be
// told, so the "guardians informed" box is cleared and disabled. The server
// enforces the same rule; this only helps while typing.
(function () {
  "use strict";
  var form = document.querySelector("[data-concern-form]");
  if (!form) return;
  var violence = (form.getAttribute("data-violence") || "").split(",");
  var guardians = form.querySelector("input[name=guardians_informed]");
  var warning = document.getElementById("violence-warning");
  function update() {
    var chosen = Array.prototype.some.call(
      form.querySelectorAll("input[name=categories]:checked"),
      function (box) { return violence.indexOf(box.value) !== -1; }
    );
    if (guardians) {
      if (chosen) guardians.checked = false;
      guardians.disabled = chosen;
    }
    if (warning) warning.hidden = !chosen;
  }
  form.addEventListener("change", update);
  update();
})();
