/* On the command wall the map comes first. dcc.Graph loads plotly.js (about 440 KB on the wire, and seconds of a
   loaded 2-core screen's main thread to parse) as soon as a chart mounts, racing the map's own geometry and drawing;
   it takes `window.Plotly` when one is there, also a promise of it. So on the wall's page that promise stands in
   until the map has drawn its grid cells (or WAIT_MS passed), then loads plotly.js from the address dcc.Graph would
   have used: the charts draw a moment after the map instead of the map after the charts. Every other page loads
   plotly.js as dcc.Graph does. */
(function () {
  if (window.location.pathname !== "/" || window.Plotly) { return; }
  const WAIT_MS = 4000;
  window.Plotly = new Promise(function (resolve, reject) {
    const started = Date.now();
    function load() {
      const script = document.createElement("script");
      script.src = window._dashPlotlyJSURL;  /* set by Dash's renderer when it starts, before any graph mounts */
      script.async = true;
      script.onload = function () { resolve(window.Plotly); };  /* the bundle sets window.Plotly itself */
      script.onerror = reject;
      document.body.appendChild(script);
    }
    const waiting = window.setInterval(function () {
      const cells = window.commandCenter && window.commandCenter.cells;
      if ((cells && cells.size > 0) || Date.now() - started > WAIT_MS) {
        window.clearInterval(waiting);
        window.requestAnimationFrame(function () { window.setTimeout(load, 0); });  /* after the cells' frame */
      }
    }, 50);
  });
})();
