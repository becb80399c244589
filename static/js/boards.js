// Boards you can drag (SortableJS, vendored): the tier board and the org chart. Every drag has a
// button or form doing the same without a mouse; the server answers with the board to swap in.
// Also: the searchable "Reports to" list in the person form (a plain select without JavaScript).
(() => {
  "use strict";

  const canDrag = typeof Sortable !== "undefined" && typeof htmx !== "undefined";

  const FILTER = "a, button, select, input, label, textarea, .move-controls";

  // --- Tier board: drag an opportunity card onto another tier's column ---
  let tierBusy = false;

  function initTierBoard(board) {
    if (!canDrag || !board || board.dataset.sortableReady) return;
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

  // --- Org chart: drag a person onto another to make them report to that person ---
  let orgBusy = false;

  function boxAt(point) {
    if (!point) return null;
    const element = document.elementFromPoint(point.x, point.y);
    return element ? element.closest("#org-chart .org-box[data-move-url]") : null;
  }

  function initOrgDrag(chart) {
    if (!canDrag || !chart || chart.dataset.sortableReady || !chart.querySelector(".org-box[data-move-url]")) return;
    chart.dataset.sortableReady = "1";
    let point = null;
    let over = null;
    const track = (event) => {
      const source = event.touches ? event.touches[0] : event;
      if (!source) return;
      point = { x: source.clientX, y: source.clientY };
      const box = boxAt(point);
      if (box === over) return;
      if (over) over.classList.remove("drop-target");
      over = box;
      if (over) over.classList.add("drop-target");
    };
    chart.querySelectorAll("ul.org-tree, ul.org-children, ul.org-leaves").forEach((list) => {
      Sortable.create(list, {
        group: { name: "org", pull: true, put: true },
        draggable: "li:not(.org-leaf-row)",
        handle: ".org-box[data-move-url]",
        filter: FILTER,
        preventOnFilter: false,
        forceFallback: true,
        fallbackTolerance: 4,
        sort: false,
        ghostClass: "dragging",
        // The chart never rearranges itself: the drop target is the person under the pointer.
        onMove: () => false,
        onStart: () => {
          point = null;
          document.addEventListener("mousemove", track, true);
          document.addEventListener("touchmove", track, true);
        },
        onEnd: (event) => {
          document.removeEventListener("mousemove", track, true);
          document.removeEventListener("touchmove", track, true);
          if (over) over.classList.remove("drop-target");
          const target = over || boxAt(point);
          over = null;
          const person = event.item.querySelector(".org-box");
          if (!target || !person || orgBusy) return;
          if (target === person || target.dataset.contactId === person.dataset.managerId) return;
          orgBusy = true;
          chart.setAttribute("aria-busy", "true");
          htmx
            .ajax("POST", person.dataset.moveUrl + window.location.search, {
              target: "#org-board",
              select: "#org-board",
              swap: "outerHTML",
              values: { reports_to: target.dataset.contactId },
            })
            .finally(() => {
              orgBusy = false;
              window.setTimeout(() => {
                if (document.body.contains(chart)) window.location.reload();
              }, 1000);
            });
        },
      });
    });
  }

  // --- Searchable select: a filter box above a long list (title and unit are in each option) ---
  function initSearchableSelects(root) {
    root.querySelectorAll("select[data-searchable]").forEach((select) => {
      if (select.dataset.searchReady) return;
      select.dataset.searchReady = "1";
      const search = document.createElement("input");
      search.type = "search";
      search.className = "form-control form-control-sm mb-1";
      search.placeholder = select.dataset.searchPlaceholder || "";
      search.setAttribute("aria-label", select.dataset.searchLabel || "");
      search.setAttribute("aria-controls", select.id);
      search.autocomplete = "off";
      select.before(search);
      const options = [...select.options];
      search.addEventListener("input", () => {
        const words = search.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
        const matches = (option) => !option.value || words.every((word) => option.textContent.toLocaleLowerCase().includes(word));
        const first = options.find((option) => option.value && matches(option));
        // Pick the first match when the chosen one no longer matches, so typing a name is enough.
        const current = select.selectedOptions[0];
        if (words.length && first && (!current || !current.value || !matches(current))) select.value = first.value;
        options.forEach((option) => {
          option.hidden = !matches(option) && !option.selected;
        });
      });
    });
  }

  function initAll() {
    initTierBoard(document.getElementById("opportunity-board"));
    initOrgDrag(document.getElementById("org-chart"));
    initSearchableSelects(document);
  }

  document.addEventListener("DOMContentLoaded", initAll);
  document.addEventListener("htmx:afterSettle", initAll);
})();
