/* Live countdowns to deadlines (dashboard/components/item_view.py `countdown`): each .countdown[data-deadline] is
   rewritten every few seconds by the rule the server drew it with: "剩余 2天3小时" / "已超期 5小时10分", the two
   largest units that are not zero, and its colour class once the deadline passes or comes within a day. */
(function () {
  "use strict";
  var DAY_MS = 86400000;

  function text(el, now) {
    var deadline = Number(el.getAttribute("data-deadline"));
    var units = JSON.parse(el.getAttribute("data-units") || '["d","h","min"]');
    var minutes = Math.floor((deadline - now) / 60000);
    var label = el.getAttribute(minutes >= 0 ? "data-left" : "data-over");
    var left = Math.abs(minutes);
    var parts = [[Math.floor(left / 1440), units[0]], [Math.floor((left % 1440) / 60), units[1]], [left % 60, units[2]]];
    var shown = parts.filter(function (p) { return p[0] > 0; }).slice(0, 2).map(function (p) { return p[0] + p[1]; });
    return label + " " + (shown.length ? shown.join("") : "0" + units[2]);
  }

  function colour(el, now) {
    var deadline = Number(el.getAttribute("data-deadline"));
    return deadline < now ? "red" : deadline - now < DAY_MS ? "amber" : "green";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var next = text(el, now);
      if (el.textContent !== next) el.textContent = next;
      if (/\bsla-/.test(el.className)) {
        el.className = el.className.replace(/\bsla-\w+/, "sla-" + colour(el, now));
      }
    });
  }

  window.setInterval(tick, 5000);
})();
