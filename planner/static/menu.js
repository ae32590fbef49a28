// The top bar's Menu (base.html; tablet.css folds the bar into it below MENU_WIDE): a <details>
// that opens and closes by itself, with the keyboard too. This closes it with Escape or a tap
// elsewhere on the page, and, in a browser that cannot show a closed <details>'s content
// (no ::details-content), keeps it open on a wide screen, where its content is the bar.

const MENU_WIDE = "(min-width: 1200px)"; // as in tablet.css

const menu = document.querySelector("details[data-menu]");
if (menu) {
  const wide = window.matchMedia(MENU_WIDE);
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape" || !menu.open || wide.matches) return;
    const inside = menu.contains(document.activeElement);
    menu.open = false;
    if (inside) menu.querySelector("summary").focus();
  });
  document.addEventListener("pointerdown", function (evt) {
    if (menu.open && !wide.matches && !menu.contains(evt.target)) menu.open = false;
  });
  if (!CSS.supports("selector(::details-content)")) {
    const follow = function () { menu.open = wide.matches; };
    wide.addEventListener("change", follow);
    follow();
  }
}
