// The pain map: the body diagram over the "where it hurts" checkboxes. The checkboxes stay the answer (and all
// there is without JavaScript); each half of the diagram is a toggle that ticks them: one half is that side, both
// halves "both sides", as the codes have always been stored.
(function () {
  "use strict";

  var OUTLINE = {fill: "#ffffff", stroke: "#495057", "stroke-width": "1.5"};
  var MARKED = {stroke: "#58151c", "stroke-width": "2.5"};

  function setUp(root) {
    var figure = root.querySelector("[data-pain-map-figure]");
    if (!figure) {
      return;
    }
    var boxes = {};
    root.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      boxes[box.value] = box;
    });
    var hatch = "url(#" + figure.dataset.pattern + ")";

    function box(region, side) {
      return boxes[region + ":" + side];
    }

    function isMarked(region, side) {
      var own = box(region, side);
      var both = box(region, "B");
      return Boolean((own && own.checked) || (both && both.checked));
    }

    function tick(target, on) {
      if (target && target.checked !== on) {
        target.checked = on;
        target.dispatchEvent(new Event("change", {bubbles: true}));
      }
    }

    function paint() {
      figure.querySelectorAll(".pain-map-region").forEach(function (shape) {
        var on = isMarked(shape.dataset.region, shape.dataset.side);
        var look = Object.assign({}, OUTLINE, on ? MARKED : {}, on ? {fill: hatch} : {});
        Object.keys(look).forEach(function (name) {
          shape.setAttribute(name, look[name]);
        });
        shape.classList.toggle("is-marked", on);
        if (shape.hasAttribute("role")) {
          shape.setAttribute("aria-checked", on ? "true" : "false");
        }
      });
    }

    function toggle(region, side) {
      var left = isMarked(region, "L");
      var right = isMarked(region, "R");
      if (side === "L") {
        left = !left;
      } else {
        right = !right;
      }
      var both = box(region, "B");
      var asBoth = Boolean(both) && left && right;
      tick(box(region, "L"), left && !asBoth);
      tick(box(region, "R"), right && !asBoth);
      tick(both, asBoth);
      paint();
    }

    figure.addEventListener("click", function (event) {
      var shape = event.target.closest(".pain-map-region[data-region]");
      if (shape) {
        toggle(shape.dataset.region, shape.dataset.side);
      }
    });
    figure.addEventListener("keydown", function (event) {
      var shape = event.target.closest(".pain-map-region[role=checkbox]");
      if (shape && (event.key === " " || event.key === "Enter")) {
        event.preventDefault();
        toggle(shape.dataset.region, shape.dataset.side);
      }
    });
    root.addEventListener("change", paint);

    figure.hidden = false;
    if (root.hasAttribute("data-fold-list")) {
      root.querySelector(".pain-map-list").open = false;
    }
    paint();
  }

  document.querySelectorAll("[data-pain-map]").forEach(setUp);
})();
