// Quick exit: leave for a neutral site and replace this page in the history, so the back button
// does not bring it back. Without JavaScript the link still leaves (a plain link).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (!link) return;
    event.preventDefault();
    window.location.replace(link.href);
  });
})();
