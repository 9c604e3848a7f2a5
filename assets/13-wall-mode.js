/* Wall mode (?wall=1&pages=…&every=…): no navigation, a running clock, and the next page of the rotation every
   `every` seconds. A turn is Dash's own in-page navigation (as dcc.Link does it), not a page load: the shell, the push
   stream and the reports held stay, and the page on screen stays until the next one is drawn over it, so the wall
   never shows a blank "Loading..." page while the next one loads. */
(function () {
  const params = new URLSearchParams(window.location.search);
  if (params.get("wall") !== "1") { return; }
  document.documentElement.classList.add("wall-mode");

  const paths = {"wall": "/", "trends": "/trends", "solve-rates": "/solve-rates",
                 "rental-housing": "/rental-housing", "monthly": "/monthly"};
  const pages = (params.get("pages") || "wall").split(",").filter((name) => name in paths);
  const every = Math.min(Math.max(parseInt(params.get("every") || "60", 10) || 60, 10), 3600);
  const query = window.location.search;

  function turn() {
    const here = pages.findIndex((name) => paths[name] === window.location.pathname);
    const next = paths[pages[(here + 1) % pages.length]] + query;
    window.history.replaceState({}, "", next);  /* no history to grow on a screen that runs for days */
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));  /* dcc.Location and Dash Pages follow it */
  }
  if (pages.length > 1) { window.setInterval(turn, every * 1000); }

  function tick() {
    const clock = document.getElementById("wall-mode-clock");
    if (clock) {
      clock.textContent = new Date().toLocaleString("zh-CN", {timeZone: "Asia/Shanghai", hour12: false,
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"});
    }
  }
  window.setInterval(tick, 1000);
})();
