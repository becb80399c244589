// Charts of the performance pages. Data comes from json_script elements; labels are already
// translated by Django. Text is only ever set through Chart.js (canvas) or textContent.
(function () {
  "use strict";

  const COLORS = {
    on_track: "#198754",
    at_risk: "#e0a800",
    off_track: "#dc3545",
    primary: "#1f3a5f",
    accent: "#2e86ab",
    muted: "#adb5bd",
  };
  const lang = document.documentElement.lang || "en";
  const compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
  const plain = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

  function shorten(label, length) {
    const text = String(label);
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  function readData(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function formatUnit(value, unit) {
    if (value === null || value === undefined) return "–";
    if (unit === "money") return compact.format(value);
    if (unit === "percent") return plain.format(value) + " %";
    if (unit === "ratio") return plain.format(value) + "×";
    if (unit === "score") return (value > 0 ? "+" : "") + plain.format(value);
    return plain.format(value);
  }

  const base = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
  };

  const builders = {
    status(data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: data.datasets.map((set) => ({ label: set.label, data: set.data, backgroundColor: COLORS[set.key] })),
        },
        options: { ...base, indexAxis: "y", scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true, ticks: { autoSkip: false } } } },
      };
    },
    funnel(data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.amountLabel, data: data.amount, backgroundColor: COLORS.accent },
            { label: data.weightedLabel, data: data.weighted, backgroundColor: COLORS.primary },
          ],
        },
        options: {
          ...base,
          indexAxis: "y",
          scales: { x: { ticks: { callback: (v) => compact.format(v) } } },
          plugins: { ...base.plugins, tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + compact.format(c.raw) } } },
        },
      };
    },
    pareto(data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { type: "line", label: data.cumulativeLabel, data: data.cumulative, yAxisID: "share", borderColor: COLORS.off_track, backgroundColor: COLORS.off_track, pointRadius: 2, tension: 0.2 },
            { type: "bar", label: data.revenueLabel, data: data.revenue, yAxisID: "revenue", backgroundColor: COLORS.accent },
          ],
        },
        options: {
          ...base,
          scales: {
            revenue: { position: "left", ticks: { callback: (v) => compact.format(v) } },
            share: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, ticks: { callback: (v) => v + " %" } },
            x: { ticks: { autoSkip: true, maxRotation: 50, callback(value) { return shorten(this.getLabelForValue(value), 12); } } },
          },
        },
      };
    },
    kpi(data, canvas) {
      const select = document.querySelector("[data-kpi-select]");
      const code = select && data.series[select.value] ? select.value : Object.keys(data.series)[0];
      const series = data.series[code];
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { type: "line", label: data.targetLabel, data: series.target, borderColor: COLORS.off_track, backgroundColor: COLORS.off_track, borderDash: [6, 4], pointRadius: 3, spanGaps: true },
            { type: "bar", label: data.actualLabel, data: series.actual, backgroundColor: COLORS.accent },
          ],
        },
        options: {
          ...base,
          scales: { y: { ticks: { callback: (v) => formatUnit(v, series.unit) } } },
          plugins: { ...base.plugins, tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + formatUnit(c.raw, series.unit) } } },
        },
      };
    },
    repurchase(data) {
      const r = data.repurchase;
      return {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: r.countLabel, data: r.count, borderColor: COLORS.primary, backgroundColor: COLORS.primary, spanGaps: true, tension: 0.2 },
            { label: r.amountLabel, data: r.amount, borderColor: COLORS.accent, backgroundColor: COLORS.accent, spanGaps: true, tension: 0.2 },
          ],
        },
        options: { ...base, scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + " %" } } } },
      };
    },
    nps(data) {
      const values = data.nps.values;
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{
            label: data.nps.label,
            data: values,
            backgroundColor: values.map((v) => (v === null ? COLORS.muted : v >= 0 ? COLORS.on_track : COLORS.off_track)),
          }],
        },
        options: { ...base, plugins: { legend: { display: false } }, scales: { y: { min: -100, max: 100 } } },
      };
    },
    offerings(data) {
      const o = data.offerings;
      return {
        type: "bar",
        data: { labels: o.labels, datasets: [{ label: o.label, data: o.amount, backgroundColor: COLORS.accent }] },
        options: {
          ...base,
          indexAxis: "y",
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => compact.format(c.raw) } } },
          scales: { x: { ticks: { callback: (v) => compact.format(v) } } },
        },
      };
    },
  };

  function draw(canvas) {
    const data = readData(canvas.dataset.source);
    const build = builders[canvas.dataset.chart];
    if (!data || !build || typeof Chart === "undefined") return;
    if (canvas.chart) canvas.chart.destroy();
    canvas.chart = new Chart(canvas, build(data, canvas));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const canvases = document.querySelectorAll("canvas[data-chart]");
    canvases.forEach(draw);
    const select = document.querySelector("[data-kpi-select]");
    if (select) {
      select.addEventListener("change", () => {
        document.querySelectorAll("canvas[data-chart=kpi]").forEach(draw);
      });
    }
  });
})();
