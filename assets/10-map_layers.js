/* Functions the dash-leaflet layers call by name ({"variable": "commandCenter.<name>"}). Data in, style out. The
   grid cells are drawn by assets/10-grid-cells.js; their colours come as a `hideout`, which the server updates
   without resending any geometry. */
window.commandCenter = Object.assign(window.commandCenter || {}, {
  colours: null,  /* the latest colours of the cells (a `hideout`, see recolour) */
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

  /* New colours for the cells (a hideout: dashboard/pipeline/grid_metrics.py), kept for a map drawn later. */
  recolour: function (hideout) {
    const cc = window.commandCenter;
    cc.colours = hideout;
    if (cc.gridCells) { cc.gridCells.setColours(hideout); }
  },

  countyStyle: function () {
    const scale = window.commandCenter.canvasScale || 1;  /* the wall's canvas: as thick at 4K as at 1080p */
    return {weight: 2.2 * scale, color: "#9cc8f5", opacity: 0.9, fill: false, interactive: false};
  },

  /* A county's name, at the point the server chose inside it (dashboard/data/city_extent.py), as text. */
  countyName: function (feature, latlng) {
    const label = document.createElement("span");
    label.textContent = feature.properties.label || "";
    const icon = L.divIcon({html: label, className: "county-name", iconSize: null});
    return L.marker(latlng, {icon: icon, interactive: false, keyboard: false});
  },

  /* An incident or hazard: a circle coloured by its kind; the popup, built when opened, is text nodes, never HTML. */
  eventMarker: function (feature, latlng) {
    const p = feature.properties;
    window.commandCenter.events.add(feature.id);
    const marker = L.circleMarker(latlng, {  /* its click opens its popup, not the grid's page under it */
      radius: 7, weight: 1.5, color: "#ffffff", fillColor: p.colour || "#ff9f43", fillOpacity: 0.95,
      bubblingMouseEvents: false,
    });
    return marker.bindPopup(function () {
      const box = document.createElement("div");
      box.className = "map-popup";
      [p.title, p.place, p.time, p.summary].filter(Boolean).forEach(function (line) {
        box.appendChild(document.createElement("div")).textContent = line;
      });
      if (p.open) {  /* the report's own view (dashboard/pages/record.py) */
        const link = box.appendChild(document.createElement("a"));
        link.href = "/record?ref=" + encodeURIComponent(feature.id);
        link.textContent = p.open;
      }
      return box;
    });
  },

  /* Reports (`kind` events) or workers on patrol (`kind` workers) close together at this zoom: their number; a
     click zooms in on them. */
  clusterMarker: function (count, latlng, kind) {
    const icon = L.divIcon({
      html: "<div><span>" + Number(count) + "</span></div>",
      className: "marker-cluster marker-cluster-" + kind, iconSize: L.point(36, 36),
    });
    return L.marker(latlng, {icon: icon}).on("click", function () {
      this._map.setView(latlng, this._map.getZoom() + 2);
    });
  },

  /* A worker on patrol, or the number of them in one square on screen (dashboard/components/map.py); in wall mode
     a small dot either way, its size following the canvas's scale (assets/13-wall-mode.js). */
  workerMarker: function (feature, latlng) {
    const cc = window.commandCenter;
    if (document.documentElement.classList.contains("wall-mode")) {
      const scale = cc.canvasScale || 1;
      return L.circleMarker(latlng, {radius: 2.5 * scale, weight: 0, fillColor: "#2ecc71", fillOpacity: 0.95,
                                     interactive: false});
    }
    if (feature.properties.count) {
      return cc.clusterMarker(feature.properties.count, latlng, "workers");
    }
    const marker = L.circleMarker(latlng, {radius: 5, weight: 1, color: "#0b1622", fillColor: "#2ecc71",
                                           fillOpacity: 1, bubblingMouseEvents: false});
    marker.bindTooltip(document.createTextNode(feature.properties.worker || ""));
    return marker;
  },

  trackStyle: function () {
    return {weight: 2, color: "#2ecc71", opacity: 0.7};
  },
});
