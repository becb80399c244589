// Money inputs (core.money.MoneyInput, `data-money`): thousands separators appear while typing
// digits; Korean units (42억 5,000만) and English ones (3.5B) are left as typed, the server reads them.
(function () {
  "use strict";

  function groupDigits(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function reformat(input) {
    const value = input.value;
    if (!/^-?[\d,]*$/.test(value)) return; // units or text: leave it to the server's parser
    const caretFromEnd = value.length - (input.selectionEnd ?? value.length);
    const sign = value.startsWith("-") ? "-" : "";
    const digits = value.replace(/[^\d]/g, "").replace(/^0+(?=\d)/, "");
    const formatted = sign + groupDigits(digits);
    if (formatted === value) return;
    input.value = formatted;
    const caret = Math.max(0, formatted.length - caretFromEnd);
    input.setSelectionRange(caret, caret);
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-money")) reformat(input);
  });
})();
