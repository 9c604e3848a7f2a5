/* Functions the dash-leaflet layers call by name ({"variable": "commandCenter.<name>"}). Data in, style out:
   the colours come from the layer's `hideout`, which the server updates without resending any geometry. */
window.commandCenter = Object.assign(window.commandCenter || {}, {
  cells: new Set(),  /* codes of the grid cells drawn: tests and the watchdog read its size */
  events: new Set(),  /* ids of the reports drawn on the map */

  colourOf: function (value, hideout) {
    let colour = hideout.empty;
    const breaks = hideout.breaks || [];
    for (let i = 0; i < breaks.length; i++) {
      if (value >= breaks[i]) { colour = hideout.colours[i]; }
    }
    return colour;
  },

  gridStyle: function (feature, context) {
    const hideout = (context && context.hideout) || {};
    const value = (hideout.values || [])[feature.properties.id - 1] || 0;
    return {
      weight: 0.4, color: "#3a5f8a", opacity: 0.6,
      fillColor: window.commandCenter.colourOf(value, hideout), fillOpacity: value > 0 ? 0.8 : 0.25,
    };
  },

  onEachGrid: function (feature, layer) {
    window.commandCenter.cells.add(feature.properties.code);
    layer.bindTooltip(feature.properties.code, {sticky: true});
  },

  countyStyle: function () {
    return {weight: 2.2, color: "#9cc8f5", opacity: 0.9, fill: false, interactive: false};
  },

  /* An incident or hazard: a circle coloured by its kind; the popup is built from text nodes, never HTML. */
  eventMarker: function (feature, latlng) {
    const p = feature.properties;
    window.commandCenter.events.add(feature.id);
    const marker = L.circleMarker(latlng, {
      radius: 7, weight: 1.5, color: "#ffffff", fillColor: p.colour || "#ff9f43", fillOpacity: 0.95,
    });
    const box = document.createElement("div");
    box.className = "map-popup";
    [p.title, p.place, p.time, p.summary].forEach(function (line) {
      if (line) {
        const row = document.createElement("div");
        row.textContent = line;
        box.appendChild(row);
      }
    });
    marker.bindPopup(box);
    return marker;
  },

  clusterMarker: function (feature, latlng, index, context) {
    const count = feature.properties.point_count;
    const icon = L.divIcon({
      html: "<div><span>" + Number(count) + "</span></div>",
      className: "marker-cluster marker-cluster-events", iconSize: L.point(36, 36),
    });
    return L.marker(latlng, {icon: icon});
  },

  workerMarker: function (feature, latlng) {
    const marker = L.circleMarker(latlng, {radius: 5, weight: 1, color: "#0b1622", fillColor: "#2ecc71",
                                           fillOpacity: 1});
    marker.bindTooltip(document.createTextNode(feature.properties.worker || ""));
    return marker;
  },

  trackStyle: function () {
    return {weight: 2, color: "#2ecc71", opacity: 0.7};
  },
});
