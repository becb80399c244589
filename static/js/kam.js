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

document.addEventListener("DOMContentLoaded", () => {
  kamApplyDataStyles(document);
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.removeAttribute("onchange");
    select.addEventListener("change", () => select.form.submit());
  });
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
  document.body.addEventListener("htmx:load", (event) => kamApplyDataStyles(event.target.parentNode || event.target));
});
