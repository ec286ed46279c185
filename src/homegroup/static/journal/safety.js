// Quick exit (recovery-care.md, Safety): the button's address signs the person out at once and
// sends the browser on to a neutral site. The page is replaced in the history rather than added,
// and pressing Esc three times in a row does the same. Without JavaScript the link still signs
// out and leaves (a plain link); Back then finds only the sign-in page, because a signed-in
// person's pages are never stored (Cache-Control: no-store).
(function () {
  "use strict";
  var ESC_PRESSES = 3;
  var ESC_WINDOW_MS = 2000;
  var escTimes = [];

  function leave(href) {
    window.location.replace(href);
  }

  function quickExitLink() {
    return document.querySelector("[data-quick-exit]");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (!link) return;
    event.preventDefault();
    leave(link.href);
  });

  // Discreet mode keeps the support panel closed: its link opens it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href="#crisis"]') : null;
    var panel = document.getElementById("crisis");
    if (link && panel && panel.tagName === "DETAILS") panel.open = true;
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    escTimes.push(now);
    escTimes = escTimes.filter(function (t) { return now - t <= ESC_WINDOW_MS; });
    if (escTimes.length >= ESC_PRESSES) {
      var link = quickExitLink();
      if (link) leave(link.href);
    }
  });

  // A page brought back from the back-forward cache after a quick exit in another tab: ask the
  // server again (it answers with the sign-in page once the session is gone).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
