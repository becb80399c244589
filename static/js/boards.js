// Boards you can drag (SortableJS, vendored): the tier board and the org chart. Every drag has a
// button or form doing the same without a mouse; the server answers with the board to swap in.
(() => {
  "use strict";

  if (typeof Sortable === "undefined" || typeof htmx === "undefined") return;

  const FILTER = "a, button, select, input, label, textarea, .move-controls";

  // --- Tier board: drag an opportunity card onto another tier's column ---
  let tierBusy = false;

  function initTierBoard(board) {
    if (!board || board.dataset.sortableReady) return;
    board.dataset.sortableReady = "1";
    const sortables = [];
    board.querySelectorAll(".tier-cards[data-drop-tier]").forEach((list) => {
      sortables.push(
        Sortable.create(list, {
          group: "tiers",
          draggable: ".opportunity-card[data-move-url]",
          filter: FILTER,
          preventOnFilter: false,
          forceFallback: true,
          fallbackTolerance: 4,
          animation: 120,
          ghostClass: "dragging",
          sort: false,
          onEnd: (event) => {
            const card = event.item;
            const target = event.to.dataset.dropTier;
            // A drop on the card's own column moves nothing; one move at a time.
            if (event.from === event.to || tierBusy || !target) return;
            tierBusy = true;
            sortables.forEach((sortable) => sortable.option("disabled", true));
            board.setAttribute("aria-busy", "true");
            htmx
              .ajax("POST", card.dataset.moveUrl, { target: "#opportunity-board", swap: "outerHTML", values: { tier: target } })
              .finally(() => {
                tierBusy = false;
                // The board was not swapped (the request failed): show the truth again.
                window.setTimeout(() => {
                  if (document.body.contains(board)) window.location.reload();
                }, 1000);
              });
          },
        }),
      );
    });
  }

  document.addEventListener("DOMContentLoaded", () => initTierBoard(document.getElementById("opportunity-board")));
  document.addEventListener("htmx:afterSettle", () => initTierBoard(document.getElementById("opportunity-board")));
})();
