// Renfort: drag a card to another column of the board; it presses the card's button for
// that column. Without JavaScript, the buttons do the same.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) { return; }
  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest ? event.target.closest("[data-card]") : null;
    if (dragged && event.dataTransfer) { event.dataTransfer.setData("text/plain", ""); }
  });
  board.querySelectorAll("[data-stage]").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      if (dragged.querySelector('button[data-move="' + column.getAttribute("data-stage") + '"]')) {
        event.preventDefault();
        column.classList.add("board__column--target");
      }
    });
    column.addEventListener("dragleave", function () { column.classList.remove("board__column--target"); });
    column.addEventListener("drop", function (event) {
      column.classList.remove("board__column--target");
      if (!dragged) { return; }
      var button = dragged.querySelector('button[data-move="' + column.getAttribute("data-stage") + '"]');
      if (button) { event.preventDefault(); button.click(); }
      dragged = null;
    });
  });
})();
