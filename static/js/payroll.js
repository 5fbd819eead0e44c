// Payroll form: show the ITIN and bank fields only when they apply. Without JavaScript every
// field stays visible, with a note saying when it is needed.
(function () {
  "use strict";
  var form = document.querySelector(".payroll-form");
  if (!form) return;
  var sections = form.querySelectorAll("[data-show-when]");

  function update() {
    sections.forEach(function (section) {
      var rule = section.getAttribute("data-show-when").split("=");
      var checked = form.querySelector('input[name="' + rule[0] + '"]:checked');
      section.hidden = !checked || checked.value !== rule[1];
    });
  }

  form.addEventListener("change", update);
  update();
})();
