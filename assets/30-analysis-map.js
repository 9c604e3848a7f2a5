/* Map analysis (dashboard/components/analysis_map.py): hexagons coloured by incident density, and the replay of a
   day or week hour by hour. The server sends the points once; moving through the hours happens here. */
window.analysisMap = Object.assign(window.analysisMap || {}, {
  outlineStyle: function () {
    return {color: "#3fa7ff", weight: 2, opacity: 0.9, fillColor: "#3fa7ff", fillOpacity: 0.06,
            className: "analysis-outline"};
  },

  /* a hexagon's colour: pale yellow (few) through orange to deep red (the most), more opaque with the weight; the
     square root spreads the many small cells over the scale instead of leaving them all pale */
  heatStyle: function (feature) {
    const share = Math.sqrt(Math.min(1, feature.properties.weight / Math.max(1, feature.properties.peak)));
    const stops = [[255, 237, 160], [254, 178, 76], [240, 59, 32], [189, 0, 38]];
    const at = share * (stops.length - 1);
    const low = stops[Math.min(stops.length - 2, Math.floor(at))];
    const high = stops[Math.min(stops.length - 1, Math.floor(at) + 1)];
    const part = at - Math.min(stops.length - 2, Math.floor(at));
    const rgb = low.map(function (value, n) { return Math.round(value + (high[n] - value) * part); });
    const colour = "rgb(" + rgb.join(",") + ")";
    return {color: colour, weight: 0.5, opacity: 0.6, fillColor: colour, fillOpacity: 0.35 + 0.5 * share,
            className: "heat-cell"};
  },

  /* the areas one level down: thin lines, a faint fill that takes the pointer (and the click) */
  areaStyle: function () {
    return {color: "#6f93b8", weight: 1, opacity: 0.8, fillColor: "#3fa7ff", fillOpacity: 0.03,
            className: "analysis-area"};
  },

  areaHover: function () {
    return {weight: 2.5, color: "#ffffff", fillOpacity: 0.12};
  },

  /* the area's name on hover, as text (never HTML) */
  areaTip: function (feature, layer) {
    const name = (feature.properties && feature.properties.name) || "";
    layer.bindTooltip(document.createTextNode(name), {sticky: true});
  },

  /* the hexagons around their centres (dashboard/data/heat.py HexGrid: pointy-topped, `radius` centre to corner in
     degrees of latitude, longitude scaled by `scale`) */
  features: function (points, peak, hex) {
    const radius = hex ? hex.radius : 0.001;
    const scale = hex ? hex.scale : 1;
    const corners = [0, 1, 2, 3, 4, 5].map(function (n) {
      const angle = Math.PI / 180 * (60 * n - 30);
      return [radius * Math.cos(angle) / scale, radius * Math.sin(angle)];
    });
    return {
      type: "FeatureCollection",
      features: (points || []).map(function (p) {
        const ring = corners.map(function (c) { return [p[1] + c[0], p[0] + c[1]]; });
        ring.push(ring[0]);
        return {type: "Feature", geometry: {type: "Polygon", coordinates: [ring]},
                properties: {weight: p[2], peak: peak}};
      }),
    };
  },
});

window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.analysis = {
  /* what the map shows: the whole period, or the chosen hour of the replay */
  draw: function (mode, hour, density, frames) {
    const am = window.analysisMap;
    if (mode !== "period" && frames && frames.frames) {
      const at = Math.max(0, Math.min(hour || 0, frames.frames.length - 1));
      return [am.features(frames.frames[at], frames.peak, frames.hex), frames.labels[at], frames.legend];
    }
    if (density && density.points) {
      return [am.features(density.points, density.peak, density.hex), density.label, density.legend];
    }
    return [am.features([], 1), density ? density.label : "", ""];
  },

  /* play or pause; playing from the period view starts the replay of the chosen day */
  play: function (_clicks, stopped, mode, hour, last) {
    const nu = window.dash_clientside.no_update;
    if (!stopped) { return [true, nu, nu]; }
    return [false, mode === "period" ? "day" : nu, (hour || 0) >= last ? 0 : nu];
  },

  /* one hour on; at the last hour the replay stops */
  tick: function (_n, hour, last, mode) {
    const nu = window.dash_clientside.no_update;
    if (mode === "period") { return [nu, true]; }
    const next = (hour || 0) + 1;
    if (next >= last) { return [last, true]; }
    return [next, nu];
  },
};
