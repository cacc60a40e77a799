// Storyline web UI: draw the volume chart from the page's JSON data block (never from inline script).
(function () {
  "use strict";

  function monthStart(month) {
    var parts = month.split("-");
    return Date.UTC(+parts[0], +parts[1] - 1, 1) / 1000;
  }

  function drawVolume() {
    var box = document.getElementById("volume-chart");
    var data = document.getElementById("volume-data");
    if (!box || !data || box.dataset.drawn || typeof uPlot === "undefined") return;
    var rows = JSON.parse(data.textContent || "[]");
    box.dataset.drawn = "1";
    if (!rows.length) {
      box.textContent = "No dated documents.";
      return;
    }
    var xs = rows.map(function (r) { return monthStart(r.month); });
    var ys = rows.map(function (r) { return r.count; });
    var opts = {
      width: Math.max(box.clientWidth, 300),
      height: 160,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{ stroke: "#6a7282" }, { stroke: "#6a7282", size: 40 }],
      series: [
        {},
        { label: "documents", stroke: "#2456a6", fill: "rgba(36,86,166,0.25)", width: 1,
          paths: uPlot.paths.bars({ size: [0.8, 40] }), points: { show: false } }
      ]
    };
    new uPlot(opts, [xs, ys], box);
  }

  document.addEventListener("DOMContentLoaded", drawVolume);
  document.addEventListener("htmx:afterSettle", drawVolume);
})();
