// Printed letters and summaries: the Print button opens the browser's print dialogue. Without JavaScript the
// button stays hidden and the browser's own Print (Ctrl+P) prints the same page.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
