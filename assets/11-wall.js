/* The command wall in the browser. Pushed reports (assets/12-push.js) go straight into the feed and onto the map with
   DOM and Leaflet calls, their text set as text: no round through Dash. A click on a row flies the map to it. */
(function () {
  const FEED = "wall-feed", EVENTS = "wall-event-markers";  /* dashboard/ids.py: Wall.FEED, Wall.EVENTS */
  const FADE_TICK_MS = 5000;  /* in wall mode, the newest reports' markers fade this often */
  const ROWS = 20;  /* feed rows shown */
  const FRESH_MS = 10000;  /* rows this new stand out */
  const CLUSTER_PX = 60, CLUSTER_MAX_ZOOM = 14;  /* reports this close on screen share a marker, up to this zoom */
  const FLY_ZOOM = 16;
  const wall = {feed: null, layer: null, frame: null, gcj02: false, fading: null};

  function wallMode() {  /* set by assets/13-wall-mode.js, which runs after this file */
    return document.documentElement.classList.contains("wall-mode");
  }

  function held() {
    return window.commandCenterPush ? window.commandCenterPush.held : [];
  }

  function latLngOf(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    return L.latLng(wall.gcj02 ? window.commandCenter.gcj02(lat, lon) : [lat, lon]);
  }

  function flyTo(feature) {
    const map = wall.layer && wall.layer._map;
    if (map) { map.flyTo(latLngOf(feature), FLY_ZOOM); }
  }

  /* The report's own view, where it is dispatched and followed to its close. */
  function openLink(feature) {
    const link = document.createElement("a");
    link.className = "feed-open";
    link.href = "/record?ref=" + encodeURIComponent(feature.id);
    link.textContent = feature.properties.open || "›";
    link.addEventListener("click", (event) => event.stopPropagation());
    return link;
  }

  function row(feature) {
    const p = feature.properties;
    const item = document.createElement("li");
    const fresh = p.fresh && Date.now() - p.fresh < FRESH_MS;
    item.className = "feed-row feed-" + p.family + (fresh ? " fresh" : "");
    ["time", "title", "place", "summary"].forEach(function (part) {
      const span = item.appendChild(document.createElement("span"));
      span.className = "feed-" + part;
      span.textContent = p[part] || "";
    });
    item.appendChild(openLink(feature));
    item.addEventListener("click", () => flyTo(feature));
    return item;
  }

  /* `added` oldest first. A feed that Dash has just mounted (a new page) is filled from everything held. */
  function showRows(added) {
    const feed = document.getElementById(FEED);
    if (!feed) { return; }
    if (feed !== wall.feed) {
      wall.feed = feed;
      added = held().slice(0, ROWS).reverse();
    }
    const rows = document.createDocumentFragment();
    added.slice(-ROWS).reverse().forEach((feature) => rows.appendChild(row(feature)));
    feed.prepend(rows);
    while (feed.childElementCount > ROWS) { feed.lastElementChild.remove(); }
  }

  /* Every report held, one marker each, or one per CLUSTER_PX square on screen up to CLUSTER_MAX_ZOOM; in wall
     mode only the newest, each on its own (assets/15-wall-newest.js). */
  function drawMarkers() {
    wall.frame = null;
    const layer = wall.layer, map = layer && layer._map;
    if (!map) { return; }
    const cc = window.commandCenter, zoom = map.getZoom(), groups = new Map();
    if (wallMode()) {
      cc.newestReports.draw(layer, held(), latLngOf);
      return;
    }
    held().forEach(function (feature) {
      const latlng = latLngOf(feature);
      const square = map.project(latlng, zoom).divideBy(CLUSTER_PX).floor();
      const key = zoom > CLUSTER_MAX_ZOOM ? feature.id : square.x + ":" + square.y;
      if (!groups.has(key)) { groups.set(key, []); }
      groups.get(key).push([feature, latlng]);
    });
    layer.clearLayers();
    cc.events.clear();
    groups.forEach(function (members) {
      if (members.length === 1) {
        layer.addLayer(cc.eventMarker(members[0][0], members[0][1]));
        return;
      }
      const centre = L.latLngBounds(members.map((member) => member[1])).getCenter();
      layer.addLayer(cc.clusterMarker(members.length, centre, "events"));
    });
  }

  function scheduleMarkers() {
    if (wall.frame === null) { wall.frame = window.requestAnimationFrame(drawMarkers); }
  }

  window.addEventListener("commandcenter:reports", function (event) {
    showRows(event.detail);
    scheduleMarkers();
  });

  /* The wall's event layer (a dash-leaflet LayerGroup, its id among its options): draw into it while on a map.
     The map and the feed are mounted together, so the feed is filled then too. */
  L.LayerGroup.addInitHook(function () {
    if (this.options.id !== EVENTS) { return; }
    this.on("add", function () {
      const panel = document.querySelector(".wall-map-panel");
      wall.layer = this;
      wall.gcj02 = Boolean(panel) && panel.dataset.crs === "gcj02";  /* GCJ-02 tiles: shift the reports onto them */
      this._map.on("zoomend", scheduleMarkers);
      if (wallMode()) {
        window.commandCenter.newestReports.forget();  /* a new layer: nothing of the last one is on it */
        wall.fading = window.setInterval(scheduleMarkers, FADE_TICK_MS);
      }
      showRows([]);
      scheduleMarkers();
    });
    this.on("remove", function () {
      this._map.off("zoomend", scheduleMarkers);
      window.clearInterval(wall.fading);
      if (wall.layer !== this) { return; }
      /* The page went (a turn of the wall's rotation): hold on to nothing of it, its feed and markers included,
         or the whole removed page stays in memory until the map comes round again. */
      wall.layer = null;
      wall.feed = null;
      if (wallMode()) { window.commandCenter.newestReports.forget(); }
    });
  });
})();

/* Clientside callbacks of the command wall. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  wall: {
    /* The colours a Dash callback computed, onto the grid cells (no output: it restyles the map in place). */
    colourGrid: function (hideout) {
      if (hideout) { window.commandCenter.recolour(hideout); }
    },

    /* A click on a grid opens its page. */
    openGrid: function (clicked) {
      if (!clicked || !clicked.properties) { return window.dash_clientside.no_update; }
      return "/grid?code=" + encodeURIComponent(clicked.properties.code);
    },
  },
});
