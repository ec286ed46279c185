// The progress charts (Chart.js, vendored). The numbers come from the page's json_script
// "progress-data"; every chart has a summary and a table beside it, so without JavaScript (or
// with a screen reader) nothing is lost. Colours pair with labels and legends, never alone.
(function () {
  "use strict";
  var source = document.getElementById("progress-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  document.documentElement.classList.add("charts-on");

  var COLOURS = {
    brand: "#0b5563",
    ok: "#2e7d4f",
    used: "#b3401a",
    unknown: "#9a9a9a",
    amber: "#b77900",
    purple: "#6a3d9a",
    sky: "#1f78b4",
    rose: "#c2185b",
    olive: "#6b7d1a",
    ink: "#1b1b1b",
  };
  var SERIES = [
    COLOURS.brand, COLOURS.amber, COLOURS.purple, COLOURS.sky,
    COLOURS.rose, COLOURS.olive, COLOURS.ok, COLOURS.used,
  ];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = COLOURS.ink;

  function base(stacked, max) {
    var y = { beginAtZero: true, stacked: stacked, ticks: { precision: 0 } };
    if (max !== undefined) y.max = max;
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 300 },
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } },
      scales: { x: { stacked: stacked, ticks: { maxRotation: 0, autoSkip: true } }, y: y },
    };
  }

  function mark(label, value, length, colour, dash) {
    var values = [];
    for (var i = 0; i < length; i++) values.push(value);
    return {
      type: "line",
      label: label,
      data: values,
      borderColor: colour,
      borderDash: dash,
      borderWidth: 2,
      pointRadius: 0,
      fill: false,
    };
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  var weeks = data.weeks;

  // A clinician's view of a shared record (care) leaves out what the person did not share.
  if (data.meetings) draw("chart-meetings", {
    type: "bar",
    data: {
      labels: weeks,
      datasets: [
        { type: "bar", label: data.meetings.label, data: data.meetings.values, backgroundColor: COLOURS.brand },
        mark(data.meetings.ninety_label, data.meetings.ninety, weeks.length, COLOURS.amber, [6, 4]),
        mark(data.meetings.weekly_label, data.meetings.weekly, weeks.length, COLOURS.ok, [2, 3]),
      ],
    },
    options: base(false),
  });

  if (data.activities) draw("chart-activities", {
    type: "bar",
    data: {
      labels: weeks,
      datasets: data.activities.map(function (series, index) {
        return { label: series.label, data: series.values, backgroundColor: SERIES[index % SERIES.length] };
      }),
    },
    options: base(true),
  });

  if (data.doses) {
    var doseColours = [COLOURS.ok, COLOURS.amber, COLOURS.used, COLOURS.unknown];
    draw("chart-doses", {
      type: "bar",
      data: {
        labels: weeks,
        datasets: data.doses.map(function (series, index) {
          return { label: series.label, data: series.values, backgroundColor: doseColours[index] };
        }),
      },
      options: base(true),
    });
  }

  var dayColours = { ok: COLOURS.ok, used: COLOURS.used, unknown: COLOURS.unknown };
  if (data.days) draw("chart-days", {
    type: "bar",
    data: {
      labels: weeks,
      datasets: data.days.map(function (series) {
        return { label: series.label, data: series.values, backgroundColor: dayColours[series.key] };
      }),
    },
    options: base(true, 7),
  });

  if (data.bam) {
    var bamColours = [COLOURS.used, COLOURS.amber, COLOURS.ok];
    var bamSets = data.bam.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.values,
        borderColor: bamColours[index],
        backgroundColor: bamColours[index],
        pointRadius: 4,
        tension: 0,
      };
    });
    data.bam.marks.forEach(function (m, index) {
      bamSets.push(mark(m.label, m.value, data.bam.dates.length, COLOURS.unknown, index ? [2, 3] : [6, 4]));
    });
    draw("chart-bam", { type: "line", data: { labels: data.bam.dates, datasets: bamSets }, options: base(false, 24) });
  }

  if (data.network) {
    draw("chart-network", {
      type: "line",
      data: {
        labels: data.network.dates,
        datasets: data.network.series.map(function (series, index) {
          var colour = SERIES[index % SERIES.length];
          return { label: series.label, data: series.values, borderColor: colour, backgroundColor: colour, pointRadius: 4, stepped: true };
        }),
      },
      options: base(false),
    });
  }
})();
