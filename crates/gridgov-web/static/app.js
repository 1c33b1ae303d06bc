// gridgov desk UI: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Menu button on small screens.
  document.querySelectorAll("[data-toggle-sidebar]").forEach(function (b) {
    b.addEventListener("click", function () { document.body.classList.toggle("sidebar-open"); });
  });
  // Instant filter of a table by the text typed (names and codes).
  document.querySelectorAll("[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        tr.hidden = q !== "" && tr.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
  // A file input fills a textarea with the file's text, so GeoJSON imports post as ordinary
  // forms; the picker stays hidden without this script, where pasting still works.
  document.querySelectorAll("[data-file-into]").forEach(function (input) {
    var target = document.getElementById(input.getAttribute("data-file-into"));
    if (!target || !window.FileReader) return;
    var picker = input.closest("[data-file-picker]");
    if (picker) picker.hidden = false;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      var tooBig = picker && picker.querySelector("[data-file-too-big]");
      var max = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
      reader.onload = function () {
        var text = String(reader.result);
        // The form is sent urlencoded: refuse here what the server's body limit would refuse.
        var over = max > 0 && encodeURIComponent(text).length > max;
        if (tooBig) tooBig.hidden = !over;
        if (over) {
          input.value = "";
          return;
        }
        target.value = text;
        var name = input.form && input.form.querySelector("[data-file-name]");
        if (name) name.value = file.name;
      };
      reader.readAsText(file);
    });
  });
  // Print buttons, shown only where they work. An empty data-print prints the page (the public
  // grid card); one naming an element prints that element alone (the card's QR code on a grid's
  // page), marked for the print stylesheet until printing is over.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var only = b.getAttribute("data-print") ? document.getElementById(b.getAttribute("data-print")) : null;
      if (only) {
        only.classList.add("print-only");
        document.body.classList.add("printing-one");
      }
      window.print();
    });
  });
  window.addEventListener("afterprint", function () {
    document.body.classList.remove("printing-one");
    document.querySelectorAll(".print-only").forEach(function (e) { e.classList.remove("print-only"); });
  });
  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
})();
