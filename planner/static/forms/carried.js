// The session record form: a value carried over from the cycle's previous session is marked
// until someone confirms it. Answering a carried question again, or typing a carried lot's
// number again, confirms that one: its mark goes and its name leaves the form's "carried" list
// (the server reads that list; the tick box of a section confirms the whole section without
// this). Changing a lot row's expiry or product does not confirm its lot.

export function confirmCarried() {
  document.addEventListener("input", confirm);
  document.addEventListener("change", confirm);
  document.addEventListener("click", (evt) => {
    if (evt.target.matches && evt.target.matches("[data-carried] input[type=radio]")) confirm(evt);
  });
}

function confirm(evt) {
  const holder = evt.target.closest && evt.target.closest("[data-carried]");
  if (!holder) return;
  if (holder.tagName === "TR" && !(evt.target.name || "").startsWith("lot-")) return;
  const list = holder.closest("form").querySelector("[data-carried-list]");
  const name = holder.dataset.carried;
  list.value = list.value.split(" ").filter((n) => n && n !== name).join(" ");
  holder.classList.remove("carried");
  holder.removeAttribute("data-carried");
  holder.querySelectorAll(".carried-badge").forEach((badge) => badge.remove());
}
