// Typing in a form keeps the session open (web/sessions.py ends a session after the idle
// time, and typing alone makes no request): while a form is being typed in, the page tells
// the server at most once per data-keepalive-seconds. A page left alone still ends.
(function () {
  "use strict";
  const url = document.body.dataset.keepaliveUrl;
  if (!url) return;
  let last = Date.now();
  document.addEventListener("input", function (event) {
    if (!event.target.closest || !event.target.closest("form")) return;
    const every = Number(document.body.dataset.keepaliveSeconds) * 1000;
    if (!(every >= 0)) return;
    const now = Date.now();
    if (now - last < every) return;
    last = now;
    fetch(url, {credentials: "same-origin", cache: "no-store"}).catch(function () {});
  });
})();
