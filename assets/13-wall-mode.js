/* Wall mode (?wall=1&pages=…&every=…): no navigation, a running clock, and the next page of the rotation every
   `every` seconds. Each turn is a full page load, so a screen that runs for days never accumulates memory. */
(function () {
  const params = new URLSearchParams(window.location.search);
  if (params.get("wall") !== "1") { return; }
  document.documentElement.classList.add("wall-mode");

  const paths = {"wall": "/", "trends": "/trends", "solve-rates": "/solve-rates",
                 "rental-housing": "/rental-housing", "monthly": "/monthly"};
  const pages = (params.get("pages") || "wall").split(",").filter((name) => name in paths);
  const every = Math.min(Math.max(parseInt(params.get("every") || "60", 10) || 60, 10), 3600);
  const here = pages.findIndex((name) => paths[name] === window.location.pathname);
  if (pages.length > 1) {
    const next = pages[(here + 1) % pages.length];
    window.setTimeout(function () {
      window.location.assign(paths[next] + window.location.search);
    }, every * 1000);
  }

  function tick() {
    const clock = document.getElementById("wall-mode-clock");
    if (clock) {
      clock.textContent = new Date().toLocaleString("zh-CN", {timeZone: "Asia/Shanghai", hour12: false,
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"});
    }
  }
  window.setInterval(tick, 1000);
})();
