// Account plan pages: add rows to editable tables, confirm removals, print the meeting view.
// No inline scripts; data comes from the DOM, text is set with textContent only.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-formset]").forEach((formset) => {
    const prefix = formset.dataset.formset;
    const total = formset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const body = formset.querySelector("[data-formset-body]");
    const template = formset.querySelector("template[data-formset-template]");
    const button = formset.querySelector("[data-formset-add]");
    if (!total || !body || !template || !button) return;
    button.addEventListener("click", () => {
      const index = Number.parseInt(total.value, 10);
      const row = template.content.firstElementChild.cloneNode(true);
      row.querySelectorAll("[name], [id], label[for]").forEach((element) => {
        for (const attribute of ["name", "id", "for"]) {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replaceAll("__prefix__", String(index)));
        }
      });
      body.appendChild(row);
      total.value = String(index + 1);
      const first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });

  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});

// Step 4: show what the quarters add up to next to the year, as the user types. The grid comes after
// the page (htmx): each row is set up once, when it arrives.
function kamQuarterSums(root) {
  root.querySelectorAll("[data-target-row][data-cumulative='1']:not([data-sums-ready])").forEach((row) => {
    row.setAttribute("data-sums-ready", "");
    const cells = row.querySelectorAll("tr:first-child td.target-cell input");
    const output = row.querySelector("[data-quarter-sum]");
    if (cells.length !== 5 || !output) return;
    const quarters = Array.from(cells).slice(0, 4);
    const year = cells[4];
    const update = () => {
      const values = quarters.map((input) => input.value.trim());
      if (values.some((value) => value === "")) {
        output.textContent = "–";
        output.classList.remove("text-danger", "text-success");
        return;
      }
      // Amount cells may hold separators and units (4,200,000,000 · 42억): static/js/money.js reads them.
      const sum = values.reduce((total, value) => total + window.kamMoney.parse(value), 0);
      output.textContent = Number.isNaN(sum) ? "–" : sum.toLocaleString(document.documentElement.lang || undefined);
      const matches = year.value.trim() !== "" && Math.abs(sum - window.kamMoney.parse(year.value)) < 1e-6;
      output.classList.toggle("text-success", matches);
      output.classList.toggle("text-danger", !matches);
    };
    [...quarters, year].forEach((input) => input.addEventListener("input", update));
    update();
  });
}
document.addEventListener("DOMContentLoaded", () => {
  kamQuarterSums(document);
  document.body.addEventListener("htmx:load", (event) => kamQuarterSums(event.target.parentNode || event.target));
});
