// Admin: name the boxes that select2 (autocomplete fields) adds after the page loads, which
// otherwise have no label, and keep its mouse-only "clear" cross out of its list of choices.
(function () {
  "use strict";

  // A tabular inline labels its columns with the table's headings, not <label>s.
  function columnHeading(field) {
    var cell = field.closest("td");
    var table = cell && cell.closest("table");
    if (!cell || !table) return "";
    if (cell.classList.contains("delete")) return "Delete";
    var name = Array.prototype.find.call(cell.classList, function (c) { return c.indexOf("field-") === 0; });
    var heading = name && table.querySelector("th.column-" + name.slice(6));
    return heading ? heading.textContent.trim() : "";
  }

  function rowNumber(field) {
    var row = field.closest("tr");
    return row ? Array.prototype.indexOf.call(row.parentNode.children, row) + 1 : 0;
  }

  function labelFor(select) {
    if (select.labels && select.labels.length) return select.labels[0].textContent.trim();
    return columnHeading(select) || select.name;
  }

  function labelInlineFields(root) {
    root.querySelectorAll(".tabular td input:not([type=hidden]), .tabular td select, .tabular td textarea").forEach(function (field) {
      if ((field.labels && field.labels.length) || field.hasAttribute("aria-label")) return;
      var heading = columnHeading(field);
      if (heading) field.setAttribute("aria-label", heading + " (row " + rowNumber(field) + ")");
    });
  }

  function fix(root) {
    labelInlineFields(root);
    root.querySelectorAll(".select2-container").forEach(function (container) {
      var select = container.previousElementSibling;
      if (!select || select.tagName !== "SELECT") return;
      var label = labelFor(select);
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (input) {
        input.setAttribute("aria-label", "Search " + label);
      });
      container.querySelectorAll(".select2-selection__clear").forEach(function (cross) {
        cross.setAttribute("aria-hidden", "true");
        cross.setAttribute("role", "listitem");
      });
    });
    // The dropdown's search box lives at the end of <body>, away from its select.
    document.querySelectorAll(".select2-dropdown .select2-search__field:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", "Search");
    });
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fix(document); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { fix(document); });
})();
