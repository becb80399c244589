// Account 360: modal forms loaded by htmx, the collapsible org chart, and the charts (the boards'
// dragging is in boards.js). Data reaches this file through json_script and is drawn with
// textContent or on a canvas, never as HTML.
(() => {
  "use strict";

  const modalElement = () => document.getElementById("kam-modal");

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id === "kam-modal-content" && modalElement()) {
      bootstrap.Modal.getOrCreateInstance(modalElement()).show();
      const first = event.detail.target.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    }
  });

  // --- Org chart: collapsible branches, remembered per account for this browser tab ---
  const chartKey = (chart) => `kam-org-collapsed-${chart.dataset.account}`;

  function setExpanded(button, expanded) {
    const branch = document.getElementById(button.getAttribute("aria-controls"));
    if (!branch) return;
    branch.hidden = !expanded;
    button.setAttribute("aria-expanded", String(expanded));
    const icon = button.querySelector(".bi");
    icon.classList.toggle("bi-dash-square", expanded);
    icon.classList.toggle("bi-plus-square", !expanded);
  }

  function saveCollapsed(chart) {
    const collapsed = [...chart.querySelectorAll(".org-toggle[aria-expanded=false]")].map((b) => b.getAttribute("aria-controls"));
    sessionStorage.setItem(chartKey(chart), JSON.stringify(collapsed));
  }

  // Open every collapsed branch above one person (just added or moved) and bring them into view.
  function reveal(chart, contactId) {
    const box = chart.querySelector(`.org-box[data-contact-id="${CSS.escape(contactId)}"]`);
    if (!box) return;
    let branch = box.closest(".org-children");
    while (branch) {
      const toggle = chart.querySelector(`.org-toggle[aria-controls="${CSS.escape(branch.id)}"]`);
      if (toggle) setExpanded(toggle, true);
      branch = branch.parentElement.closest(".org-children");
    }
    saveCollapsed(chart);
    box.classList.add("org-revealed");
    box.scrollIntoView({ block: "nearest" });
  }

  function initOrgChart(chart) {
    if (chart.dataset.ready) return;
    chart.dataset.ready = "1";
    const toggles = [...chart.querySelectorAll(".org-toggle")];
    let collapsed = null;
    try {
      collapsed = JSON.parse(sessionStorage.getItem(chartKey(chart)) || "null");
    } catch (error) {
      collapsed = null;
    }
    if (Array.isArray(collapsed)) {
      toggles.forEach((button) => setExpanded(button, !collapsed.includes(button.getAttribute("aria-controls"))));
    } else if (chart.querySelectorAll(".org-box").length > 40) {
      // A large chart opens two levels deep; every branch below shows how many people it holds.
      toggles.forEach((button) => {
        const depth = button.closest(".org-node").parentElement.closest(".org-node")?.parentElement.closest(".org-node");
        if (depth) setExpanded(button, false);
      });
    }
    if (chart.dataset.reveal) reveal(chart, chart.dataset.reveal);
    chart.addEventListener("click", (event) => {
      const button = event.target.closest(".org-toggle");
      if (!button) return;
      setExpanded(button, button.getAttribute("aria-expanded") !== "true");
      saveCollapsed(chart);
    });
    document.querySelectorAll("[data-org-expand]").forEach((control) => {
      control.addEventListener("click", () => {
        const expand = control.dataset.orgExpand === "all";
        toggles.forEach((button) => setExpanded(button, expand));
        saveCollapsed(chart);
      });
    });
  }

  // --- Charts (Chart.js, vendored) ---
  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Axis ticks and tooltips in the page's short units: 35억 in Korean, 3.5B in English.
  const compact = new Intl.NumberFormat(document.documentElement.lang || "en", { notation: "compact", maximumFractionDigits: 1 });
  const money = { ticks: { callback: (value) => compact.format(value) } };
  const moneyTooltip = { callbacks: { label: (context) => context.dataset.label + ": " + compact.format(context.raw) } };

  function revenueChart() {
    const data = readJson("revenue-chart-data");
    const canvas = document.getElementById("revenue-chart");
    if (!data || !canvas || typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.label, data: data.revenue, backgroundColor: "#2e86ab", order: 2 },
          // Order intake (orders signed) beside revenue (recognised): a contract signed once is revenue over months.
          { type: "line", label: data.intakeLabel, data: data.intake, borderColor: "#e0a800", backgroundColor: "#e0a800", tension: 0.2, order: 1 },
        ],
      },
      options: { plugins: { legend: { display: true, position: "bottom" }, tooltip: moneyTooltip }, scales: { y: { beginAtZero: true, ...money } } },
    });
  }

  function paretoChart() {
    const data = readJson("pareto-chart-data");
    const canvas = document.getElementById("pareto-chart");
    if (!data || !canvas || typeof Chart === "undefined") return;
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.revenueLabel, data: data.revenue, backgroundColor: "#1f3a5f", yAxisID: "y" },
          { type: "line", label: data.cumulativeLabel, data: data.cumulative, borderColor: "#e0a800", yAxisID: "share", tension: 0.2 },
        ],
      },
      options: {
        maintainAspectRatio: false, // the box's height (kam.css): readable on a phone too
        plugins: { tooltip: { callbacks: { label: (context) => context.dataset.yAxisID === "y" ? moneyTooltip.callbacks.label(context) : context.dataset.label + ": " + context.raw + " %" } } },
        scales: {
          y: { beginAtZero: true, position: "left", ...money },
          share: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } },
          x: { ticks: { autoSkip: true, maxRotation: 60 } },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-autosubmit]").forEach((input) => {
      input.addEventListener("change", () => input.form.submit());
    });
    const chart = document.getElementById("org-chart");
    if (chart) initOrgChart(chart);
    // The org chart comes back through htmx after a drag or an undo.
    document.addEventListener("htmx:afterSettle", () => {
      const swapped = document.getElementById("org-chart");
      if (swapped) initOrgChart(swapped);
    });
    revenueChart();
    paretoChart();
  });
})();
