// IMS Clinic: behaviour shared by every page. Loaded with the page's CSP nonce; no inline scripts.
(function () {
  "use strict";

  // Send Django's CSRF token with every htmx request.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });

  // Forms that add a row in place start empty again once the row is added.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.hasAttribute && form.hasAttribute("data-reset-on-success") && event.detail.successful &&
        !event.detail.xhr.getResponseHeader("HX-Retarget")) {
      form.reset();
    }
  });

  // A form sent back with errors: the focus goes to the first field in error, whose message is tied to it
  // (aria-describedby), so a keyboard or screen-reader user starts where the problem is. A field the page
  // focuses on purpose (autofocus) keeps the focus.
  var invalid = document.querySelector("main form [aria-invalid=true]");
  if (invalid && !document.querySelector("[autofocus]")) {
    invalid.focus();
  }

  // The same after htmx puts a refused form back in place of itself.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Retarget")) {
      var refused = document.querySelector("main form [aria-invalid=true]");
      if (refused) {
        refused.focus();
      }
    }
  });

  // A choice that fills a text in (the risks of a body region, to read to the patient): data-fill-target names
  // the text box, data-fill-texts the JSON script with each choice's text. Text the clinician changed stays.
  document.querySelectorAll("select[data-fill-target]").forEach(function (select) {
    var target = document.getElementById(select.dataset.fillTarget);
    var source = document.getElementById(select.dataset.fillTexts);
    if (!target || !source) {
      return;
    }
    var texts = JSON.parse(source.textContent);
    var filled = texts[select.value] || "";
    select.addEventListener("change", function () {
      if (target.value.trim() === "" || target.value === filled) {
        filled = texts[select.value] || "";
        target.value = filled;
      }
    });
  });

  // Copy buttons: data-copy-target names the input whose value is copied.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.copyTarget);
      var status = document.getElementById("copy-status");
      input.select();
      navigator.clipboard.writeText(input.value).then(
        function () { if (status) { status.textContent = "Copied."; } },
        function () { if (status) { status.textContent = "Select the link and copy it."; } }
      );
    });
  });

  // Leave no health information on an unattended screen: once the server-side session has
  // expired for lack of activity, go to the sign-in page.
  var idleSeconds = parseInt(document.body.dataset.idleSeconds || "", 10);
  var loginUrl = document.body.dataset.loginUrl;
  if (idleSeconds > 0 && loginUrl) {
    window.setTimeout(function () {
      window.location.assign(loginUrl + "?next=" + encodeURIComponent(window.location.pathname));
    }, (idleSeconds + 5) * 1000);
  }
})();
