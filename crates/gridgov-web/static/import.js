// gridgov desk UI: follows a running base-data import on its page. Without this file the page
// refreshes itself every two seconds (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-import-status");
  var text = box.querySelector("[data-import-text]");
  var bar = box.querySelector("[data-import-bar]");
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        if (s.state !== "running") {
          // The finished page shows the counts and the faults.
          window.location.reload();
          return;
        }
        if (text && s.text) text.textContent = s.text;
        if (bar) {
          if (s.permille === null || s.permille === undefined) bar.removeAttribute("value");
          else bar.value = s.permille;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
