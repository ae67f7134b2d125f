// partnerhub console: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // A dialog the server rendered open becomes a real modal (focus kept inside, Escape cancels).
  document.querySelectorAll("dialog[data-modal][open]").forEach(function (dialog) {
    dialog.close();
    dialog.showModal();
    var first = dialog.querySelector("input:not([type=hidden]), button, a[href]");
    if (first) { first.focus(); }
    dialog.addEventListener("cancel", function (event) {
      var back = dialog.getAttribute("data-cancel-url");
      if (back) { event.preventDefault(); window.location.assign(back); }
    });
  });

  // One submit per form: a second click while the first request runs is ignored (the server dedupes too).
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting") === "1") { event.preventDefault(); return; }
      form.setAttribute("data-submitting", "1");
      window.setTimeout(function () { form.removeAttribute("data-submitting"); }, 4000);
    });
  });

  // "Select all" ticks every row checkbox of its list; the bulk buttons say how many are ticked.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var scope = document.getElementById(all.getAttribute("data-scope")) || document;
    var boxes = function () { return scope.querySelectorAll("input[type=checkbox][name='" + name + "']"); };
    var counter = document.getElementById(all.getAttribute("data-counter"));
    var update = function () {
      var ticked = Array.prototype.filter.call(boxes(), function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
      if (counter) { counter.textContent = counter.getAttribute("data-template").replace("{n}", ticked); }
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      update();
    });
    boxes().forEach(function (box) { box.addEventListener("change", update); });
    update();
  });

  // The eye button: reveal through the audited POST, hide again locally. Step-up falls back to the page.
  document.querySelectorAll("form[data-reveal]").forEach(function (form) {
    var target = document.getElementById(form.getAttribute("data-reveal"));
    var button = form.querySelector("button");
    if (!target || !button) { return; }
    var masked = target.textContent;
    form.addEventListener("submit", function (event) {
      if (button.getAttribute("aria-pressed") === "true") {
        event.preventDefault();
        target.textContent = masked;
        button.setAttribute("aria-pressed", "false");
        button.setAttribute("aria-label", button.getAttribute("data-show-label"));
        form.removeAttribute("data-submitting");
        return;
      }
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        form.removeAttribute("data-submitting");
        if (!data || data.step_up || typeof data.value === "undefined") { form.submit(); return; }
        target.textContent = data.value === null ? "—" : data.value;
        button.setAttribute("aria-pressed", "true");
        button.setAttribute("aria-label", button.getAttribute("data-hide-label"));
      }).catch(function () { form.removeAttribute("data-submitting"); form.submit(); });
    });
  });

  // Show / hide a password field.
  document.querySelectorAll("button[data-toggle-password]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-toggle-password"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
    });
  });
})();
