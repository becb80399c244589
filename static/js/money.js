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

  // The amount a money input says, as core.money.parse_money reads it (NaN when it says none):
  // for sums shown while typing; the server's parser stays the authority.
  const KOREAN = /^(?:(\d+(?:\.\d+)?)조)?(?:(\d+(?:\.\d+)?)억)?(?:(\d+(?:\.\d+)?)만)?(?:(\d+(?:\.\d+)?)천)?(\d+(?:\.\d+)?)?$/;
  const KOREAN_UNITS = [1e12, 1e8, 1e4, 1e3, 1];
  const ENGLISH = /^(\d+(?:\.\d+)?)([kmbt])$/;
  const ENGLISH_UNITS = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

  function parseMoney(text) {
    let cleaned = String(text).replace(/[\s,_]/g, "").toLowerCase();
    cleaned = cleaned.replace(/^(krw|₩)/, "").replace(/(krw|원)$/, "");
    let sign = 1;
    if (cleaned.startsWith("-")) {
      sign = -1;
      cleaned = cleaned.slice(1);
    }
    if (!cleaned) return Number.NaN;
    const english = ENGLISH.exec(cleaned);
    if (english) return sign * Number(english[1]) * ENGLISH_UNITS[english[2]];
    const korean = KOREAN.exec(cleaned);
    if (!korean || korean.slice(1).every((part) => part === undefined)) return Number.NaN;
    return sign * korean.slice(1).reduce((total, part, index) => total + (part === undefined ? 0 : Number(part) * KOREAN_UNITS[index]), 0);
  }
  window.kamMoney = { parse: parseMoney };

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-money")) reformat(input);
  });
})();
