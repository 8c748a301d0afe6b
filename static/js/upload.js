// Upload progress, as an enhancement: with JavaScript the form is sent in the background and a progress
// bar shows how much of the file has gone. Without JavaScript, or if the background send fails, the form is
// an ordinary form post and works the same way. No inline script: the page's CSP forbids it.
import { initAll } from "/static/build/govuk-frontend.min.js";

function enhance(scope) {
  var form = scope.querySelector("form[data-upload-progress]");
  var status = form && form.querySelector("[data-upload-status]");
  if (!status || !window.FormData || !window.XMLHttpRequest) return;
  var bar = status.querySelector("progress");
  var message = status.querySelector("[data-upload-message]");
  var sending = false;

  function fallback() {
    message.textContent = status.dataset.failed;
    sending = false;
    form.submit(); // an ordinary post: the browser shows whatever the server answers
  }

  function show(page, url) {
    var main = page && page.querySelector("main");
    if (!main) return false;
    document.title = page.title;
    var fresh = document.adoptNode(main);
    document.querySelector("main").replaceWith(fresh);
    if (url && url !== window.location.href) window.history.replaceState(null, "", url);
    initAll({ scope: fresh }); // error summary and success banner move focus themselves
    if (!fresh.querySelector(".govuk-error-summary, .govuk-notification-banner--success")) {
      var heading = fresh.querySelector("h1");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    enhance(fresh);
    return true;
  }

  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]");
    if (sending) {
      event.preventDefault();
      return;
    }
    if (!file || !file.files || !file.files.length) return; // nothing to measure: send it the usual way
    event.preventDefault();
    sending = true;
    var announced = -1;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.responseType = "document";
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      var percent = Math.floor((progress.loaded / progress.total) * 100);
      bar.value = percent;
      // Say it every quarter, not every percent, so a screen reader is not flooded.
      var step = Math.floor(percent / 25) * 25;
      if (step !== announced) {
        announced = step;
        message.textContent = status.dataset.uploading.replace("{percent}", step);
      }
    });
    request.addEventListener("load", function () {
      if (!show(request.response, request.responseURL)) fallback();
    });
    request.addEventListener("error", fallback);
    request.addEventListener("abort", fallback);
    status.hidden = false;
    request.send(new FormData(form));
  });
}

enhance(document);
