// A select marked data-autosubmit (the language menu) submits its form when it changes: no
// button to press (the page keeps one inside <noscript>).

export function autosubmitSelects() {
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("select[data-autosubmit]")) {
      evt.target.form.submit();
    }
  });
}
