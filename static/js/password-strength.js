// Shows, while the person types, which password rules hold; the server checks them anyway.
(function () {
  function setup(input) {
    var box = document.getElementById(input.dataset.strength);
    if (!box) { return; }
    box.hidden = false;
    var meter = box.querySelector("meter");
    var names = (box.dataset.names || "").replace(/[.\-]/g, " ").toLowerCase().split(/\s+/).filter(Boolean);
    function check() {
      var value = input.value;
      var lower = value.toLowerCase();
      var rules = {
        length: value.length >= 10,
        mixed: /[a-zA-Z]/.test(value) && /[^a-zA-Z]/.test(value),
        name: value.length > 0 && !names.some(function (n) { return n.length > 2 && lower.indexOf(n) !== -1; })
      };
      var score = 0;
      Object.keys(rules).forEach(function (key) {
        var item = box.querySelector('[data-rule="' + key + '"]');
        item.classList.toggle("ok", rules[key]);
        item.setAttribute("aria-label", item.textContent + (rules[key] ? " : respecté" : " : non respecté"));
        if (rules[key]) { score += 1; }
      });
      if (value.length >= 14 && score === 3) { score = 4; }
      meter.value = score;
    }
    input.addEventListener("input", check);
    check();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-strength]").forEach(setup);
  });
})();
