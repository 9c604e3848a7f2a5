/* Wall mode (?wall=1&pages=…&every=…): one fixed canvas scaled to the screen, no navigation, a running clock, and
   the next page of the rotation every `every` seconds. A turn is Dash's own in-page navigation (as dcc.Link does it), not a page load: the shell, the push
   stream and the reports held stay. A still copy of the page on screen covers the next one while it is drawn, and
   goes once nothing on it is loading any more (at most STILL_MS later): the wall never shows "Loading...", nor a
   half-drawn page, only the last data until the next page has its own. */
(function () {
  const params = new URLSearchParams(window.location.search);
  if (params.get("wall") !== "1") { return; }
  document.documentElement.classList.add("wall-mode");

  /* One fixed canvas, designed at 1920×1080 and scaled to the screen whole, as autofit.js does it: the same picture
     on a 1080p screen, a 4K one or a wall of four. A screen wider than 16:9 widens the canvas (its side columns
     widen) up to 32:9, and letterboxes beyond; a narrower one letterboxes. assets/14-wall-canvas.css lays the page
     out on it from these variables. */
  const DESIGN_W = 1920, DESIGN_H = 1080, WIDEST_W = 3840;
  function fitCanvas() {
    const vw = window.innerWidth, vh = window.innerHeight;
    if (!vw || !vh) { return; }
    const width = Math.round(Math.min(Math.max(DESIGN_W, DESIGN_H * vw / vh), WIDEST_W));
    const scale = Math.min(vw / width, vh / DESIGN_H);
    const style = document.documentElement.style;
    style.setProperty("--canvas-w", width + "px");
    style.setProperty("--canvas-h", DESIGN_H + "px");
    style.setProperty("--canvas-scale", String(scale));
    style.setProperty("--canvas-x", (vw - width * scale) / 2 + "px");
    style.setProperty("--canvas-y", (vh - DESIGN_H * scale) / 2 + "px");
    window.commandCenter = Object.assign(window.commandCenter || {}, {canvasScale: scale});
  }
  fitCanvas();
  window.addEventListener("resize", fitCanvas);

  const paths = {"wall": "/", "trends": "/trends", "solve-rates": "/solve-rates",
                 "rental-housing": "/rental-housing", "monthly": "/monthly"};
  const pages = (params.get("pages") || "wall").split(",").filter((name) => name in paths);
  const every = Math.min(Math.max(parseInt(params.get("every") || "60", 10) || 60, 10), 3600);
  const query = window.location.search;
  const STILL_MS = 8000;  /* a page still loading after this long is shown as it is */

  /* The page as it is now, as a picture over it: canvases copied pixel for pixel, no ids, no clicks. */
  function holdStill(content) {
    const still = document.createElement("div");
    still.className = "wall-still";
    const copy = still.appendChild(content.cloneNode(true));
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach((node) => node.removeAttribute("id"));
    const from = content.querySelectorAll("canvas"), to = copy.querySelectorAll("canvas");
    from.forEach(function (canvas, i) {
      try { to[i].getContext("2d").drawImage(canvas, 0, 0); } catch (error) { /* a WebGL canvas: left blank */ }
    });
    content.closest(".content").appendChild(still);
    return still;
  }

  function drawn(content, before) {
    return content.firstElementChild !== before && content.textContent.trim() !== ""
      && !content.matches("[data-dash-is-loading]") && !content.querySelector("[data-dash-is-loading]");
  }

  function turn() {
    const content = document.getElementById("_pages_content");
    const still = content && content.closest(".content") ? holdStill(content) : null;
    const before = content ? content.firstElementChild : null;
    const here = pages.findIndex((name) => paths[name] === window.location.pathname);
    window.history.replaceState({}, "", paths[pages[(here + 1) % pages.length]] + query);  /* no history to grow */
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));  /* dcc.Location and Dash Pages follow it */
    if (!still) { stay(); return; }
    whenDrawn(before, function () { still.remove(); stay(); });
  }

  /* `then` once the page that replaces `before` is drawn, or after STILL_MS however far it got. */
  function whenDrawn(before, then) {
    const started = Date.now();
    let calm = 0;  /* checks in a row with nothing loading: the next page's callbacks start a moment after it */
    const check = window.setInterval(function () {
      const content = document.getElementById("_pages_content");
      calm = content && drawn(content, before) ? calm + 1 : 0;
      if (calm >= 3 || Date.now() - started > STILL_MS) {
        window.clearInterval(check);
        then();
      }
    }, 100);
  }

  /* Each page, the first too, stays `every` seconds from when it is drawn, not from when it was asked for: on a busy
     server a slow page would otherwise lose its turn to the next before it was ever seen. */
  function stay() { window.setTimeout(turn, every * 1000); }
  if (pages.length > 1) { whenDrawn(null, stay); }

  /* The city's time, on the zone stored with the city (the shell names it), not the screen's own. */
  function tick() {
    const clock = document.getElementById("wall-mode-clock");
    if (clock) {
      clock.textContent = new Date().toLocaleString("zh-CN", {timeZone: clock.dataset.zone, hour12: false,
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"});
    }
  }
  window.setInterval(tick, 1000);
})();
