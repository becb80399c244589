// Site-wide behaviour, kept out of the templates so pages work under a Content Security Policy.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.removeAttribute("onchange");
    select.addEventListener("change", () => select.form.submit());
  });
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
});
