// Every date field says its date in words, in the page's language, beside it ("3 apr 1961"):
// the field itself shows the browser's format, which may not be the clinic's (a browser set
// to US English shows 04/03/1961 for the 3rd of April).

const DATE_FIELDS = 'input[type="date"], input[type="datetime-local"]';

function sayDate(input) {
  let words = input.nextElementSibling;
  if (!words || !words.classList.contains("date-words")) {
    words = document.createElement("span");
    words.className = "date-words";
    words.dataset.testid = "date-words";
    input.after(words);
  }
  // A date, or a date and time (a session's): "5 ott 2026, 10:00".
  const ymd = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/
    .exec(input.value);
  const time = ymd && ymd[4] !== undefined ? { hour: "2-digit", minute: "2-digit" } : {};
  words.textContent = ymd ? new Intl.DateTimeFormat(document.documentElement.lang, {
    day: "numeric", month: "short", year: "numeric", timeZone: "UTC", ...time,
  }).format(Date.UTC(Number(ymd[1]), Number(ymd[2]) - 1, Number(ymd[3]),
                     Number(ymd[4] || 0), Number(ymd[5] || 0))) : "";
}

export function sayDates() {
  document.querySelectorAll(DATE_FIELDS).forEach(sayDate);
  document.addEventListener("input", function (evt) {
    if (evt.target.matches && evt.target.matches(DATE_FIELDS)) sayDate(evt.target);
  });
}
