// The page that waits for a printout (templates/printouts/progress.html): asks the server how
// far the print worker has got, shows it, and opens the PDF as soon as it is made. A failed
// printout opens the same address, which then says what went wrong.
(function () {
  "use strict";
  const box = document.querySelector("[data-print-progress]");
  if (!box) return;
  const bar = box.querySelector("[data-progress-bar]");
  const words = box.querySelector("[data-progress-words]");
  const time = box.querySelector("[data-progress-time]");
  const every = Number(box.dataset.pollMs) || 400;
  let misses = 0;

  function show(status) {
    if (status.state === "done" || status.state === "failed") {
      location.replace(box.dataset.pdfUrl);
      return false;
    }
    if (status.state === "making") bar.value = status.fraction;
    else bar.removeAttribute("value"); // queued: a bar that moves without a measure
    words.textContent = status.words;
    time.textContent = status.time;
    box.classList.toggle("stalled", Boolean(status.stalled));
    box.dataset.state = status.state;
    return true;
  }

  function ask() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", cache: "no-store",
                                  headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (status) {
        misses = 0;
        if (show(status)) setTimeout(ask, every);
      })
      .catch(function () {
        // Logged out meanwhile, or the server restarting: after a few misses the page itself
        // is asked again (and says why, or shows the login).
        misses += 1;
        if (misses >= 5) location.reload();
        else setTimeout(ask, every * 2 * misses);
      });
  }

  setTimeout(ask, every);
})();
