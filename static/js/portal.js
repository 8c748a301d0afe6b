// Enhancements only: every page works without this file.
import { initAll } from "/static/build/govuk-frontend.min.js";

initAll();

// Session timeout (WCAG 2.2.1): warn shortly before the idle sign-out and offer "Stay signed in",
// which restarts the server's idle clock without leaving the page (so nothing typed is lost).
var timeout = document.getElementById("session-timeout");
if (timeout && typeof timeout.showModal === "function") {
  var warnTimer;
  var endTimer;
  var showState = function (name) {
    timeout.querySelectorAll("[data-timeout-state]").forEach(function (part) {
      part.hidden = part.getAttribute("data-timeout-state") !== name;
    });
    timeout.setAttribute("aria-labelledby", name === "ended" ? "session-timeout-ended" : "session-timeout-title");
  };
  var schedule = function (secondsLeft, warnAt) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      showState("warning");
      if (!timeout.open) timeout.showModal();
    }, warnAt * 1000);
    endTimer = setTimeout(function () {
      showState("ended");
      if (!timeout.open) timeout.showModal();
    }, secondsLeft * 1000);
  };
  var full = Number(timeout.dataset.secondsLeft);
  var warning = full - Number(timeout.dataset.warnAt);
  timeout.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(event.target.action, {
      method: "POST",
      body: new FormData(event.target),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.status === 204) {
        timeout.close();
        // The server's idle limit starts again from now.
        var idle = Number(timeout.dataset.idleSeconds);
        schedule(idle, idle - warning);
      } else {
        showState("ended");
      }
    }, function () {
      showState("ended");
    });
  });
  schedule(full, Number(timeout.dataset.warnAt));
}
