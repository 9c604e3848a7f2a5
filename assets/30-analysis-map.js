/* Map analysis (dashboard/components/analysis_map.py): weighted circles for incident density, and the replay of a
   day or week hour by hour. The server sends the points once; moving through the hours happens here. */
window.analysisMap = Object.assign(window.analysisMap || {}, {
  outlineStyle: function () {
    return {color: "#3fa7ff", weight: 2, opacity: 0.9, fillColor: "#3fa7ff", fillOpacity: 0.06,
            className: "analysis-outline"};
  },

  /* yellow (few) to red (the most), bigger with the weight */
  heatPoint: function (feature, latlng) {
    const share = Math.min(1, feature.properties.weight / Math.max(1, feature.properties.peak));
    const green = Math.round(210 * (1 - share));
    return L.circleMarker(latlng, {
      radius: 5 + 15 * Math.sqrt(share), stroke: false, fillOpacity: 0.35 + 0.45 * share,
      fillColor: "rgb(255," + green + ",40)", className: "heat-cell", interactive: false,
    });
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

  features: function (points, peak) {
    return {
      type: "FeatureCollection",
      features: (points || []).map(function (p) {
        return {type: "Feature", geometry: {type: "Point", coordinates: [p[1], p[0]]},
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
      return [am.features(frames.frames[at], frames.peak), frames.labels[at], frames.legend];
    }
    if (density && density.points) {
      return [am.features(density.points, density.peak), density.label, density.legend];
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
