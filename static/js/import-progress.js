// The import page while an import runs: ask how far it has got every two seconds and show it in place (the page
// is never reloaded under the reader: WCAG 2.2.1), then load the finished page once the import is done.
(function () {
  "use strict";
  var status = document.querySelector("[data-progress-url]");
  if (!status || !window.fetch) {
    return;
  }
  var text = status.querySelector(".progress");
  var bar = status.querySelector("progress");
  var note = status.querySelector(".progress-note");
  if (note) {
    note.textContent = "This page updates itself every two seconds.";
  }
  function capfirst(words) {
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  function ask() {
    fetch(status.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (progress) {
        if (!progress) {
          return;
        }
        if (progress.finished) {
          window.location.reload();
          return;
        }
        // A file of areas says its rows in a sentence; its bar has no value while its length is not known.
        text.textContent = progress.text || capfirst(progress.words) + ": " + progress.percent + "% done.";
        if (progress.percent === null) {
          bar.removeAttribute("value");
        } else {
          bar.value = progress.percent;
          bar.textContent = progress.percent + "%";
        }
        window.setTimeout(ask, 2000);
      })
      .catch(function () {
        window.setTimeout(ask, 10000); // the server is away for a moment: ask again, less often
      });
  }
  window.setTimeout(ask, 2000);
})();
