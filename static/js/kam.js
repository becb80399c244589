// Site-wide behaviour, kept out of the templates so pages work under a Content Security Policy.

// Sizes computed on the server travel as data attributes (inline style attributes are blocked
// by the policy); setting them through the CSSOM is allowed.
function kamApplyDataStyles(root) {
  root.querySelectorAll("[data-kam-width]").forEach((el) => {
    const percent = Math.min(100, Math.max(0, parseFloat(el.dataset.kamWidth) || 0));
    el.style.width = `${percent}%`;
  });
  root.querySelectorAll("[data-kam-indent]").forEach((el) => {
    const rem = Math.max(0, parseFloat(el.dataset.kamIndent) || 0);
    el.style.paddingLeft = `${rem}rem`;
  });
}

// A region that scrolls must be reachable by keyboard (arrow keys scroll it once focused).
function kamFocusableScrollers(root) {
  root.querySelectorAll(".table-responsive, .org-tree-scroll, .org-chart, .whitespace-wrap, .timeline-wrap").forEach((el) => {
    if (!el.hasAttribute("tabindex") && (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight)) el.setAttribute("tabindex", "0");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  kamApplyDataStyles(document);
  kamFocusableScrollers(document);
  window.addEventListener("resize", () => kamFocusableScrollers(document));
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.removeAttribute("onchange");
    select.addEventListener("change", () => select.form.submit());
  });
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
  // A part of the page loaded after it (data-load-failed holds what to say) that could not be loaded.
  const loadFailed = (event) => {
    const el = event.detail.elt;
    if (!el || !el.dataset || !el.dataset.loadFailed) return;
    el.setAttribute("aria-busy", "false");
    const status = el.querySelector("[role=status]") || el;
    status.textContent = el.dataset.loadFailed;
    status.classList.add("text-danger");
  };
  document.body.addEventListener("htmx:responseError", loadFailed);
  document.body.addEventListener("htmx:sendError", loadFailed);
  document.body.addEventListener("htmx:load", (event) => {
    kamApplyDataStyles(event.target.parentNode || event.target);
    kamFocusableScrollers(document);
  });
});
