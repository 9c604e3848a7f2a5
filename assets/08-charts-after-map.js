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
    let loading = false;
    function load() {
      if (loading) { return; }
      loading = true;
      const script = document.createElement("script");
      script.src = window._dashPlotlyJSURL;  /* set by Dash's renderer when it starts, before any graph mounts */
      script.async = true;
      script.onload = function () { resolve(window.Plotly); };  /* the bundle sets window.Plotly itself */
      script.onerror = reject;
      document.body.appendChild(script);
    }
    /* told in the animation frame that paints the cells (assets/10-grid-cells.js): a task queued now runs after it */
    document.addEventListener("commandcenter:cellsdrawn", () => window.setTimeout(load, 0), {once: true});
    window.setTimeout(load, WAIT_MS);
  });
})();
