// Draws the Insights charts from the JSON the server put on each chart element.
// Loaded only on pages with charts; runs under the CSP (no inline code, no eval).
(function () {
  "use strict";

  function draw(root) {
    if (!window.Plotly) return;
    var text = getComputedStyle(document.body).color;
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      if (element.dataset.drawn) return;
      var figure = JSON.parse(element.dataset.figure);
      var layout = figure.layout || {};
      layout.font = Object.assign({}, layout.font, { color: text });
      // Quiet grid lines that work on light and dark backgrounds alike.
      ["xaxis", "yaxis"].forEach(function (key) {
        layout[key] = Object.assign({}, layout[key], {
          gridcolor: "rgba(127, 127, 127, 0.25)",
          zerolinecolor: "rgba(127, 127, 127, 0.6)",
          // Room for long labels and titles at any width: none is cut off.
          automargin: true,
        });
      });
      layout.autosize = true;
      window.Plotly.newPlot(element, figure.data, layout, {
        displayModeBar: false,
        responsive: true,
      });
      element.dataset.drawn = "true";
      // A chart wider than the screen opens on its latest days.
      var scroller = element.closest(".chart-scroll");
      if (scroller) scroller.scrollLeft = scroller.scrollWidth;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  // htmx fires htmx:load on content it has just swapped in.
  document.addEventListener("htmx:load", function (event) {
    draw(event.detail.elt.parentNode || document);
  });
})();
