// A "Print" button on printable pages (the annual progress report): shown only when this
// script runs, so without it nobody sees a button that does nothing.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
