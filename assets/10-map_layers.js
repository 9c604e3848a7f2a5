/* Functions the dash-leaflet layers call by name ({"variable": "commandCenter.<name>"}). Data in, style out:
   the colours come from the layer's `hideout`, which the server updates without resending any geometry. */
window.commandCenter = Object.assign(window.commandCenter || {}, {
  cells: new Set(),  /* codes of the grid cells drawn: tests and the watchdog read its size */
  events: new Set(),  /* ids of the reports drawn on the map */

  /* WGS-84 to GCJ-02 (the offset Chinese map tiles such as Amap's use), the published algorithm; the Python side
     uses prcoords, and a browser test checks the two agree. Outside China the coordinates are left alone. */
  gcj02: function (lat, lon) {
    if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [lat, lon]; }
    const a = 6378245.0, ee = 0.00669342162296594323, x = lon - 105.0, y = lat - 35.0;
    let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    dLat += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    dLat += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLon += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    dLon += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    dLon += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    const radLat = lat / 180.0 * Math.PI;
    let magic = Math.sin(radLat);
    magic = 1 - ee * magic * magic;
    const sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * Math.PI);
    dLon = (dLon * 180.0) / (a / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lat + dLat, lon + dLon];
  },

  /* GeoJSON [lon, lat] to a Leaflet position on GCJ-02 tiles. */
  gcj02LatLng: function (coords) {
    const shifted = window.commandCenter.gcj02(coords[1], coords[0]);
    return L.latLng(shifted[0], shifted[1]);
  },

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
