// gridgov report form: a click on the map of the caller's grids fills in longitude and latitude
// (WGS84), and choosing a category fills in its default grade when none is chosen yet. Without
// this file the form still works: the grid select places the report.
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";

  // The server writes its projection on the SVG (gridgov-geo's svg module):
  // lng = lng0 + (x - ox) / kx, lat = lat1 - (y - oy) / ky, in viewBox units.
  function projection(svg) {
    var p = {};
    var names = ["lng0", "lat1", "kx", "ky", "ox", "oy"];
    for (var i = 0; i < names.length; i++) {
      var v = parseFloat(svg.getAttribute("data-" + names[i]));
      if (!isFinite(v)) return null;
      p[names[i]] = v;
    }
    return p.kx !== 0 && p.ky !== 0 ? p : null;
  }

  function setupMap(box) {
    var svg = box.querySelector("svg");
    var form = box.closest("form");
    if (!svg || !form) return;
    var lngInput = form.querySelector("[data-pick-lng]");
    var latInput = form.querySelector("[data-pick-lat]");
    var p = projection(svg);
    if (!p || !lngInput || !latInput) return;
    var marker = null;
    svg.classList.add("pick-live");
    svg.addEventListener("click", function (ev) {
      var ctm = svg.getScreenCTM();
      if (!ctm) return;
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      var u = pt.matrixTransform(ctm.inverse());
      var lng = p.lng0 + (u.x - p.ox) / p.kx;
      var lat = p.lat1 - (u.y - p.oy) / p.ky;
      // Six decimals: about 0.1 m, finer than any click.
      lngInput.value = lng.toFixed(6);
      latInput.value = lat.toFixed(6);
      if (!marker) {
        marker = document.createElementNS(NS, "circle");
        marker.setAttribute("class", "pick-marker");
        marker.setAttribute("r", "60");
        svg.appendChild(marker);
      }
      marker.setAttribute("cx", String(u.x));
      marker.setAttribute("cy", String(u.y));
    });
  }

  function setupGrade(form) {
    var category = form.querySelector("select[data-category-grades]");
    var grade = form.querySelector("select[name=grade]");
    if (!category || !grade) return;
    var grades = {};
    category.getAttribute("data-category-grades").split(" ").forEach(function (pair) {
      var at = pair.indexOf(":");
      if (at > 0) grades[pair.slice(0, at)] = pair.slice(at + 1);
    });
    var touched = grade.value !== "";
    grade.addEventListener("change", function () { touched = grade.value !== ""; });
    category.addEventListener("change", function () {
      var g = grades[category.value];
      if (!touched && g) grade.value = g;
    });
  }

  document.querySelectorAll("[data-pick-map]").forEach(setupMap);
  document.querySelectorAll("form[data-report-form]").forEach(setupGrade);
})();
