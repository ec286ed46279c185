// Installable web app: register the service worker (templates/service_worker.js), which keeps
// only the offline page and the static files.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* no offline page */ });
    });
  }
})();
