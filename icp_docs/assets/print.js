/* icp-docs: the print button of the checklist pages.
 *
 * Wired here rather than with an inline onclick attribute so that a strict Content Security
 * Policy (script-src 'self') still lets it work. One listener on the document, not one per
 * button: Material's instant navigation swaps the page content without reloading scripts.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target instanceof Element ? target.closest("[data-icp-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
