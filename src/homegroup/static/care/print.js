// The Print button of a printable page (no inline script: the CSP allows none).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
