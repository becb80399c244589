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
