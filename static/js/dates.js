// Date inputs (core.dates.DateInput, `data-date`): text inputs, so the date reads the page's way
// (2026-12-07) whatever the browser's locale. A typed 2026.12.07, 2026/12/07, 2026년 12월 7일 or
// 20261207 is tidied into that form when the field is left (the server reads all of them and
// says what is wrong with anything else); a calendar button opens the browser's own date picker.
// `data-date="datetime"` (core.dates.DateTimeInput): the same date, then a 24-hour time (14:00).
(function () {
  "use strict";

  const FORMS = [
    /^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\s*\.?$/,
    /^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일?$/,
    /^(\d{4})(\d{2})(\d{2})$/,
  ];

  function halfWidth(text) {
    return text.replace(/[０-９－．／]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");
  }

  // "YYYY-MM-DD" for a typed date the calendar has, null for anything else.
  function isoDate(text) {
    const cleaned = halfWidth(text).trim();
    for (const form of FORMS) {
      const match = form.exec(cleaned);
      if (!match) continue;
      const [year, month, day] = match.slice(1).map(Number);
      const date = new Date(Date.UTC(year, month - 1, day));
      if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
      return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    }
    return null;
  }

  const TIME = /^(.+?)(?:\s*T\s*|\s+)(\d{1,2}):(\d{2})(?::\d{2})?$/;

  // "YYYY-MM-DD HH:MM" for a typed date and time, null for anything else.
  function isoDateTime(text) {
    const match = TIME.exec(halfWidth(text).trim());
    if (!match || Number(match[2]) > 23 || Number(match[3]) > 59) return null;
    const date = isoDate(match[1]);
    return date && `${date} ${match[2].padStart(2, "0")}:${match[3]}`;
  }

  const withTime = (input) => input.dataset.date === "datetime";

  // The tidied value, and the page-language message (data-date-invalid) the browser shows for one it
  // cannot read, instead of its own "match the requested format" in the browser's language.
  function tidy(input) {
    const tidied = withTime(input) ? isoDateTime(input.value) : isoDate(input.value);
    if (tidied && tidied !== input.value) input.value = tidied;
    input.setCustomValidity(input.value.trim() && !tidied ? input.dataset.dateInvalid || "?" : "");
  }

  function enhance(input) {
    if (input.dataset.dateReady !== undefined || input.disabled || input.readOnly) return;
    input.dataset.dateReady = "";
    const small = input.classList.contains("form-control-sm");
    const group = document.createElement("span");
    group.className = `input-group flex-nowrap date-input${small ? " input-group-sm" : ""}`;
    // The server's message (.invalid-feedback after the input) shows for the group it now sits in.
    if (input.classList.contains("is-invalid")) group.classList.add("is-invalid", "has-validation");
    input.replaceWith(group);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary date-input-button";
    button.setAttribute("aria-label", input.dataset.dateChoose || "Choose a date");
    button.title = button.getAttribute("aria-label");
    button.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
    const picker = document.createElement("input");
    picker.type = withTime(input) ? "datetime-local" : "date";
    picker.className = "date-input-picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    group.append(input, button, picker);
  }

  function enhanceAll(root) {
    if (root.matches && root.matches("input[data-date]")) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll("input[data-date]").forEach(enhance);
  }

  document.addEventListener("input", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-date")) target.setCustomValidity("");
  });

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.hasAttribute("data-date")) {
      tidy(target);
    } else if (target.classList.contains("date-input-picker") && target.value) {
      const input = target.parentElement.querySelector("input[data-date]");
      input.value = target.value.replace("T", " ");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    }
  });

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest(".date-input-button");
    if (!button) return;
    const group = button.parentElement;
    const input = group.querySelector("input[data-date]");
    const picker = group.querySelector(".date-input-picker");
    picker.value = (withTime(input) ? isoDateTime(input.value)?.replace(" ", "T") : isoDate(input.value)) || "";
    try {
      picker.showPicker();
    } catch (error) {
      input.focus(); // a browser without showPicker: the date is typed
    }
  });

  // A form sends the tidied date even when submitted with Enter before the field was left.
  document.addEventListener("submit", (event) => {
    event.target.querySelectorAll("input[data-date]").forEach(tidy);
  }, true);

  document.addEventListener("DOMContentLoaded", () => {
    enhanceAll(document.body);
    new MutationObserver((changes) => {
      for (const change of changes) change.addedNodes.forEach((node) => enhanceAll(node));
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
