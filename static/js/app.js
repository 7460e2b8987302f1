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

  // A row added in place (a range of motion, a muscle test, a reflex): its section comes back with the form
  // keeping the movement, muscle or reflex. The focus goes to the first field in error, or else to the value to
  // type next (data-focus-field), so the other side is recorded without going back to the top of the page.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var area = event.detail.elt;
    if (!area || !area.matches || !area.matches("[data-row-area]")) {
      return;
    }
    var field = area.querySelector("form [aria-invalid=true]") ||
      area.querySelector("form [name='" + area.dataset.focusField + "']");
    if (field) {
      field.focus();
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

  // The spinal grid, one control for the keyboard: a single Tab stop (the last cell used), the arrow keys move
  // between cells (a row is a level, a column a sign on a side), Home and End to the ends of the level,
  // Ctrl+Home and Ctrl+End to the corners; Space or Enter records the sign, and the focus stays on the cell
  // htmx puts back in place of the one pressed. Without this script the grid is a table of plain buttons.
  document.querySelectorAll("table[data-spine-grid]").forEach(function (grid) {
    if (!grid.querySelector("button.spine-toggle:not([disabled])")) {
      return;
    }
    grid.setAttribute("role", "grid");
    var keys = document.getElementById("spine-keys");
    if (keys) {
      keys.hidden = false;
    }
    var rows = function () {
      return Array.prototype.map.call(grid.tBodies[0].rows, function (row) {
        return Array.prototype.slice.call(row.querySelectorAll("button.spine-toggle"));
      });
    };
    var activeCell = grid.querySelector("button.spine-toggle").dataset.cell;
    var rove = function () {
      grid.querySelectorAll("button.spine-toggle").forEach(function (button) {
        button.tabIndex = button.dataset.cell === activeCell ? 0 : -1;
      });
    };
    rove();
    grid.addEventListener("focusin", function (event) {
      if (event.target.matches("button.spine-toggle")) {
        activeCell = event.target.dataset.cell;
        rove();
      }
    });
    grid.addEventListener("keydown", function (event) {
      if (!event.target.matches("button.spine-toggle") || event.altKey || event.metaKey) {
        return;
      }
      var cells = rows();
      var row = cells.findIndex(function (buttons) { return buttons.indexOf(event.target) >= 0; });
      var column = cells[row].indexOf(event.target);
      var last = cells.length - 1;
      var moves = {
        ArrowUp: [Math.max(row - 1, 0), column],
        ArrowDown: [Math.min(row + 1, last), column],
        ArrowLeft: [row, Math.max(column - 1, 0)],
        ArrowRight: [row, Math.min(column + 1, cells[row].length - 1)],
        Home: event.ctrlKey ? [0, 0] : [row, 0],
        End: event.ctrlKey ? [last, cells[last].length - 1] : [row, cells[row].length - 1]
      };
      var to = moves[event.key];
      if (!to) {
        return;
      }
      event.preventDefault();
      var target = cells[to[0]][Math.min(to[1], cells[to[0]].length - 1)];
      activeCell = target.dataset.cell;
      rove();
      target.focus();
    });
    // The answer replaces the cell's form, and with it the focused button: give the new one its place in
    // the Tab order, and the focus if the keyboard has not moved on meanwhile.
    document.body.addEventListener("htmx:load", function (event) {
      var cell = event.detail.elt;
      var button = cell.matches && cell.matches("form.spine-cell") && cell.querySelector("button.spine-toggle");
      if (!button || !grid.contains(button)) {
        return;
      }
      button.tabIndex = button.dataset.cell === activeCell ? 0 : -1;
      var lost = !document.activeElement || document.activeElement === document.body;
      if (lost && button.dataset.cell === activeCell) {
        button.focus();
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
