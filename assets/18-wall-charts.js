/* Wall mode (?wall=1): every chart of every page the wall turns to drawn for the canvas, read from across the room.
   The figures are the interactive pages' own (the server draws one figure for both); here, just before Plotly draws
   one, its text is raised to the canvas's sizes (MIN_PX at least, titles TITLE_PX; the canvas is 1920×1080 design
   pixels, scaled whole to the screen), tick labels get the room they need (automargin), bar labels that would not fit
   at MIN_PX are left off rather than shrunk, text on a bar in dark ink, the toolbar goes, and a title's click hint ("（点击筛选）") goes too:
   nothing is clicked on a wall. Plotly is caught as it arrives (dcc.Graph loads it when the first chart mounts;
   assets/08-charts-after-map.js may hold a promise of it until then). */
(function () {
  if (new URLSearchParams(window.location.search).get("wall") !== "1") { return; }
  const MIN_PX = 16, TITLE_PX = 20, INK = "#0b1620";
  const CLICK_HINT = /\s*[（(](?:点击|click)[^）)]*[）)]/gi;

  function atLeast(font, px) {
    return Object.assign({}, font, {size: Math.max((font && font.size) || 0, px)});
  }
  function titled(title) {
    if (!title) { return title; }
    const text = typeof title === "string" ? title : title.text;
    const shown = typeof text === "string" ? text.replace(CLICK_HINT, "") : text;
    return Object.assign({}, typeof title === "string" ? {} : title, {text: shown, font: atLeast(title.font, TITLE_PX)});
  }
  function readableLayout(layout) {
    const out = Object.assign({}, layout, {
      font: atLeast(layout.font, MIN_PX),
      title: titled(layout.title),
      uniformtext: {minsize: MIN_PX, mode: "hide"},
    });
    if (layout.legend) { out.legend = Object.assign({}, layout.legend, {font: atLeast(layout.legend.font, MIN_PX)}); }
    if (layout.annotations) {
      out.annotations = layout.annotations.map((note) => Object.assign({}, note, {font: atLeast(note.font, MIN_PX)}));
    }
    if (layout.coloraxis && layout.coloraxis.colorbar) {
      const bar = layout.coloraxis.colorbar;
      out.coloraxis = Object.assign({}, layout.coloraxis,
                                    {colorbar: Object.assign({}, bar, {tickfont: atLeast(bar.tickfont, MIN_PX)})});
    }
    Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key)).forEach(function (key) {
      const axis = layout[key] || {};
      out[key] = Object.assign({}, axis, {tickfont: atLeast(axis.tickfont, MIN_PX), automargin: true,
                                          title: axis.title ? titled(axis.title) : axis.title});
    });
    return out;
  }
  function readableTrace(trace) {
    const out = Object.assign({}, trace);
    ["textfont", "insidetextfont", "outsidetextfont"].forEach(function (key) {
      if (trace[key] || key === "textfont") { out[key] = atLeast(trace[key], MIN_PX); }
    });
    if (trace.type === "bar") {  /* the bars are bright: Plotly's grey on them reads at 3:1, the page's ink at 8:1 */
      out.insidetextfont = Object.assign({color: INK}, out.insidetextfont);
    }
    if (trace.colorbar) {
      out.colorbar = Object.assign({}, trace.colorbar, {tickfont: atLeast(trace.colorbar.tickfont, MIN_PX)});
    }
    return out;
  }
  /* dcc.Graph calls Plotly.react(gd, {data, layout, frames, config}) */
  function forTheWall(figure) {
    if (!figure || typeof figure !== "object" || !figure.layout) { return figure; }
    return Object.assign({}, figure, {
      data: (figure.data || []).map(readableTrace),
      layout: readableLayout(figure.layout),
      config: Object.assign({}, figure.config, {displayModeBar: false}),
    });
  }
  function wallReady(plotly) {
    if (!plotly || typeof plotly.react !== "function" || plotly.__forTheWall) { return plotly; }
    ["react", "newPlot"].forEach(function (name) {
      const draw = plotly[name];
      plotly[name] = function (gd, figure) {
        return draw.apply(this, [gd, forTheWall(figure)].concat(Array.prototype.slice.call(arguments, 2)));
      };
    });
    plotly.__forTheWall = true;
    return plotly;
  }
  let held = wallReady(window.Plotly);
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    enumerable: true,
    get: function () { return held; },
    set: function (value) { held = wallReady(value); },
  });
})();
