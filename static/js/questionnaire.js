// The patient's questionnaire: show a follow-up question only when the answer it depends on calls for it.
// Without JavaScript the server shows the follow-ups after "Next"; with it they appear at once.
(function () {
  "use strict";

  var form = document.getElementById("questionnaire-form");
  if (!form) {
    return;
  }

  function answersTo(code) {
    var values = [];
    form.querySelectorAll('[name="' + code + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) {
        return;
      }
      values.push(input.value);
    });
    return values;
  }

  function update() {
    var visible = [];
    form.querySelectorAll("[data-question]").forEach(function (wrapper) {
      var rules = wrapper.dataset.showIf ? JSON.parse(wrapper.dataset.showIf) : null;
      var show = true;
      if (rules) {
        show = rules.some(function (rule) {
          var parent = form.querySelector('[data-question="' + rule[0] + '"]');
          if (parent && parent.hidden) {
            return false;
          }
          return answersTo(rule[0]).some(function (value) {
            return rule[1].indexOf(value) !== -1;
          });
        });
      }
      wrapper.hidden = !show;
      if (show) {
        visible.push(wrapper.dataset.question);
      }
    });
    document.getElementById("visible-questions").value = visible.join(" ");
  }

  form.addEventListener("change", update);
  update();

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
