// New plan: the treatment ticked goes with the body part however it is picked. The figure's
// body parts are links written when the page was made, with the treatment ticked then (the
// default, antalgic): a part clicked after ticking Face or Cellulite opened the editor as
// antalgic, with antalgic's spacing and volume. Each link takes the ticked treatment when it
// is followed (by a click, a tap or the keyboard). Without scripts the view list's buttons,
// which submit the form with its radios, keep it.

export function keepChosenTreatment() {
  const form = document.getElementById("choose-form");
  if (!form) return;
  form.addEventListener("click", function (evt) {
    const link = evt.target.closest("a.overview-link");
    const ticked = form.querySelector("input[name=treatment]:checked");
    if (!link || !ticked) return;
    const href = link.getAttribute("href");
    const url = new URL(href, window.location.href);
    url.searchParams.set("treatment", ticked.value);
    link.setAttribute("href", url.pathname + url.search);
  });
}
