// Charts of the agreements dashboards. Progressive enhancement: each chart has a table beside
// it, and the data comes from a <script type="application/json"> block written by json_script
// (not executed, so the Content-Security-Policy allows it). No inline script anywhere.
//
// A canvas names its data block: <canvas data-chart="kpi-chart" aria-label="…"></canvas>.
// The block holds {type: "bar"|"doughnut", labels: [...], datasets: [{label, data, stack?,
// colours?, status?}], stacked?, horizontal?, y_title?, suggested_max?, status?: [...]}.
// With `status` (the KPI chart) the first dataset's bars take the colour of each KPI's status.
(function () {
  "use strict";

  var PALETTE = ["#0b5394", "#e69138", "#6aa84f", "#a61c00", "#674ea7", "#45818e",
    "#bf9000", "#a64d79", "#3d85c6", "#38761d", "#cc4125", "#999999"];
  var STATUS = { on_track: "#198754", at_risk: "#e0a800", behind: "#dc3545",
    not_started: "#adb5bd", no_period: "#adb5bd", unknown_metric: "#adb5bd" };

  function colourFor(dataset, index, spec) {
    if (dataset.colours) { return dataset.colours; }
    if (dataset.status && STATUS[dataset.status]) { return STATUS[dataset.status]; }
    // The KPI chart: the "actual" bars take the colour of each KPI's status.
    if (index === 0 && spec.status) {
      return spec.status.map(function (s) { return STATUS[s] || PALETTE[0]; });
    }
    if (spec.status && index === 1) { return "rgba(11, 83, 148, 0.3)"; }
    return PALETTE[index % PALETTE.length];
  }

  function build(spec) {
    var datasets = spec.datasets.map(function (d, i) {
      var colour = colourFor(d, i, spec);
      var out = { label: d.label, data: d.data, backgroundColor: colour, borderColor: colour };
      if (d.stack) { out.stack = d.stack; }
      if (spec.type === "doughnut") { out.borderColor = "#fff"; }
      return out;
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } }
    };
    if (spec.status) {
      // The actual bars have one colour per status: show a neutral swatch in the legend.
      options.plugins.legend.labels = {
        generateLabels: function (chart) {
          var items = window.Chart.defaults.plugins.legend.labels.generateLabels(chart);
          if (items[0]) { items[0].fillStyle = "#495057"; items[0].strokeStyle = "#495057"; }
          return items;
        }
      };
    }
    if (spec.type === "bar") {
      var valueAxis = {
        beginAtZero: true,
        suggestedMax: spec.suggested_max,
        stacked: !!spec.stacked,
        title: { display: !!spec.y_title, text: spec.y_title || "" }
      };
      var labelAxis = { stacked: !!spec.stacked, ticks: { autoSkip: false } };
      if (spec.horizontal) {
        options.indexAxis = "y";
        options.scales = { x: valueAxis, y: labelAxis };
      } else {
        options.scales = { x: labelAxis, y: valueAxis };
      }
    }
    return { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options };
  }

  function draw(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (e) { return; }
    if (!spec || !spec.labels || spec.labels.length === 0) { return; }
    canvas.closest("[data-chart-box]").classList.remove("d-none");
    var empty = document.querySelector("[data-chart-empty='" + canvas.getAttribute("data-chart") + "']");
    if (empty) { empty.classList.add("d-none"); }
    new window.Chart(canvas, build(spec));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
