// The catalogue's filters are folded under «Фильтры» (a <details>) so that on a phone the
// list comes first. On a wide screen there is room beside the list: unfold them. Without
// JavaScript the fold still works; it is only closed until clicked.
(function () {
  var wide = window.matchMedia("(min-width: 60rem)");
  function apply() {
    document.querySelectorAll("details.filters-fold").forEach(function (details) {
      if (wide.matches) details.open = true;
    });
  }
  apply();
  if (wide.addEventListener) wide.addEventListener("change", apply);
})();
