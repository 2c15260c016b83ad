// The registry's admin behaviour, loaded on every admin page from a static file (no inline
// script: a Content-Security-Policy is coming).
"use strict";

// Staff across eleven time zones edit calendar dates, and the server keeps Moscow time:
// Django's per-field «Ваше локальное время отстаёт от времени сервера» notes only confuse.
// DateTimeShortcuts reads the server offset on window load; dropping it first turns them off.
document.addEventListener("DOMContentLoaded", function () {
  delete document.body.dataset.adminUtcOffset;
});

// After a refused save, bring the first field with an error into view (opening a collapsed
// inline or fieldset around it) and put the cursor in it, instead of leaving the only
// pointer at the top of a long page.
function registryShowFirstError() {
  const list = document.querySelector(
    "#content-main form .errorlist:not(.nonfield), #content-main form .errors .errorlist"
  );
  if (!list) {
    return;
  }
  const place = list.closest("td, .form-row, fieldset") || list;
  for (let node = place; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") {
      node.open = true;
    }
  }
  place.scrollIntoView({ block: "center" });
  const input = place.querySelector("input:not([type=hidden]), select, textarea");
  if (input) {
    input.focus({ preventScroll: true });
  }
  place.classList.add("registry-error-focus");
}

// A changed sum asks for its reason: show the reason box as soon as the amount differs.
function registryWatchMoney() {
  document.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.classList || !input.classList.contains("vRubField")) {
      return;
    }
    const reason = input.parentElement.querySelector(".money-reason");
    if (reason && input.value !== input.defaultValue) {
      reason.hidden = false;
    }
  });
}

window.addEventListener("load", function () {
  registryShowFirstError();
  registryWatchMoney();
});
