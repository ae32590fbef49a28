// The photo form: says which photo was chosen (the camera's or a file), and that a photo too
// large will be refused before it is sent over the clinic's network (the server refuses it
// anyway, naming the field). Choosing one input empties the other: one photo is sent.
(function () {
  "use strict";
  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(1) + " MB";
  }
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!input.matches || !input.matches("[data-photo-form] input[type=file]")) {
      return;
    }
    var form = input.closest("[data-photo-form]");
    form.querySelectorAll("input[type=file]").forEach(function (other) {
      if (other !== input) {
        other.value = "";
      }
    });
    var file = input.files && input.files[0];
    var chosen = form.querySelector("[data-photo-chosen]");
    var error = form.querySelector("[data-photo-size-error]");
    var save = form.querySelector("button[type=submit]");
    var tooLarge = !!file && file.size > Number(form.dataset.maxBytes);
    chosen.textContent = file ? file.name + " (" + megabytes(file.size) + ")" : "";
    error.textContent = tooLarge ? form.dataset.tooLarge : "";
    error.hidden = !tooLarge;
    save.disabled = tooLarge;
  });
})();
