/* The wall's report markers in wall mode (?wall=1): only the newest reports, each on its own, never clustered, so
   that the grid colours underneath stay what the room reads. A report pulses for its first minute, fades, and leaves
   the map after FADE_MS; at most NEWEST are on it. Its age runs from its stream id (when Redis took it), corrected
   by the clock difference seen on pushed reports. assets/11-wall.js calls draw() with the reports held, newest first,
   at most once a frame and every few seconds; only the markers that came or went are touched. */
(function () {
  const FADE_MS = 5 * 60 * 1000, PULSE_MS = 60 * 1000, NEWEST = 60, FAINTEST = 0.25;
  const shown = new Map();  /* feature id -> marker */
  let skew = null;  /* this browser's clock minus the server's, as seen on pushed reports */

  function takenAt(feature) {
    const ms = parseInt(String(feature.properties.sid || "").split("-")[0], 10);
    return Number.isFinite(ms) ? ms : Date.now();
  }

  function age(feature) {
    const p = feature.properties;
    if (p.fresh) { skew = skew === null ? p.fresh - takenAt(feature) : Math.min(skew, p.fresh - takenAt(feature)); }
    return Date.now() - (skew || 0) - takenAt(feature);
  }

  function marker(feature, latlng) {
    const dot = document.createElement("span");
    dot.className = "report-dot";
    dot.style.setProperty("--report", feature.properties.colour || "#ff9f43");
    const icon = L.divIcon({html: dot, className: "report-newest", iconSize: null});
    return L.marker(latlng, {icon: icon, interactive: false, keyboard: false});
  }

  function draw(layer, held, latLngOf) {
    const cc = window.commandCenter, keep = new Map();
    for (const feature of held.slice(0, NEWEST)) {
      const old = age(feature);
      if (old >= FADE_MS) { break; }  /* newest first: the rest are older still */
      keep.set(feature.id, [feature, old]);
    }
    shown.forEach(function (item, id) {
      if (!keep.has(id)) { layer.removeLayer(item); shown.delete(id); cc.events.delete(id); }
    });
    keep.forEach(function ([feature, old], id) {
      let item = shown.get(id);
      if (!item) {
        item = marker(feature, latLngOf(feature));
        layer.addLayer(item);
        shown.set(id, item);
        cc.events.add(id);
      }
      item.setOpacity(1 - (1 - FAINTEST) * old / FADE_MS);
      const element = item.getElement();
      if (element) { element.classList.toggle("pulsing", old < PULSE_MS); }
    });
  }

  /* The layer was emptied (another drawing mode, or a new map): forget what was drawn. */
  function forget() {
    shown.forEach((_item, id) => window.commandCenter.events.delete(id));
    shown.clear();
  }

  window.commandCenter = Object.assign(window.commandCenter || {}, {newestReports: {draw: draw, forget: forget}});
})();
