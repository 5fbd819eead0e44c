// Live character counters: a textarea with data-counter="<id>" updates the element with that id.
(function () {
  "use strict";
  function attach(field) {
    var output = document.getElementById(field.getAttribute("data-counter"));
    if (!output) return;
    var max = parseInt(output.getAttribute("data-max") || field.getAttribute("maxlength"), 10);
    var timer = null;
    function update() {
      var used = field.value.length;
      output.textContent = used + " of " + max + " characters used" + (used > max ? ": too long" : "");
      output.classList.toggle("counter-over", used > max);
    }
    update();
    // Screen readers hear the count after a pause, not after every keystroke.
    field.addEventListener("input", function () {
      output.setAttribute("aria-live", "off");
      update();
      clearTimeout(timer);
      timer = setTimeout(function () { output.setAttribute("aria-live", "polite"); update(); }, 600);
    });
  }
  document.querySelectorAll("textarea[data-counter]").forEach(attach);
})();
