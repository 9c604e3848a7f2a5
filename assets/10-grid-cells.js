/* The city map's grid cells: one canvas layer that draws all 7,369 cells itself, from flat arrays, instead of one
   Leaflet polygon per cell. Building 7,369 polygons (their LatLng objects, bounds and projections) held a wall
   screen's main thread for 230–460 ms before anything was drawn; this layer reads the GeoJSON into typed arrays once
   (kept for the tab: the wall's rotation brings the map back every few minutes) and draws the cells colour by colour,
   then their borders, in a pane below the other overlays (county outlines, reports and patrols stay on top): about
   20 ms for the whole city.

   It is put on the map with the LayersControl's grid group (dashboard/components/map.py: the LayerGroup whose id is
   GROUP), so that the layer control switches it with the county outlines. Hover shows the cell's code; a click
   hands the cell to Dash (`data` of the CLICKED store, which opens the grid's page). The colours come from
   `commandCenter.recolour(hideout)` (assets/10-map_layers.js); `commandCenter.flashCell(code)` flashes one
   (assets/17-wall-attention.js). */
(function () {
  const GROUP = "wall-grid-layers", CLICKED = "wall-grid-clicked";  /* dashboard/ids.py: Wall.GRID_LAYERS, CLICKED */
  const PANE = "gridCells", PANE_Z = 350;  /* above the tiles (200), below the other overlays (400) */
  const STROKE = {weight: 0.4, color: "#3a5f8a", opacity: 0.6};
  const FLASH = {weight: 4, color: "#ffffff", fill: "#ff1744"};
  const BUCKETS = 128;  /* the hit test's grid: BUCKETS x BUCKETS over the city's extent */
  const CELLS_PER_PATH = 32;  /* see _draw */
  const MAX_SIN = Math.sin(85.0511287798 * Math.PI / 180);  /* Leaflet's Web Mercator stops there */

  /* Leaflet's EPSG:3857 projection at zoom 0 (the world 256 px across); zoom z is this times 2^z. */
  function mercator(lat, lon, out, at) {
    const sin = Math.max(Math.min(Math.sin(lat * Math.PI / 180), MAX_SIN), -MAX_SIN);
    out[at] = 256 * (0.5 + lon / 360);
    out[at + 1] = 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
  }

  function polygonsOf(geometry) {
    if (!geometry) { return []; }
    return geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  }

  /* The cells of a GeoJSON FeatureCollection, flat: every ring's vertices projected (xy), where each ring ends
     (ringEnd, in vertices) and each cell's rings start (cellRing), each cell's box (minX, minY, maxX, maxY), code
     and feature id (the index of its value in a hideout). `shift` moves WGS-84 onto GCJ-02 tiles, or is null. */
  function flatten(collection, shift) {
    const features = collection.features || [];
    let vertices = 0, rings = 0;
    features.forEach(function (feature) {
      polygonsOf(feature.geometry).forEach(function (polygon) {
        polygon.forEach(function (ring) { rings += 1; vertices += ring.length; });
      });
    });
    const cells = {
      count: features.length, xy: new Float64Array(vertices * 2), ringEnd: new Uint32Array(rings),
      cellRing: new Uint32Array(features.length + 1), box: new Float64Array(features.length * 4),
      codes: new Array(features.length), ids: new Int32Array(features.length), index: null,
      extent: [Infinity, Infinity, -Infinity, -Infinity],
    };
    let vertex = 0, ring = 0;
    features.forEach(function (feature, cell) {
      cells.codes[cell] = String(feature.properties.code);
      cells.ids[cell] = Number(feature.properties.id);
      cells.cellRing[cell] = ring;
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      polygonsOf(feature.geometry).forEach(function (polygon) {
        polygon.forEach(function (points) {
          points.forEach(function (point) {
            const latLon = shift ? shift(point[1], point[0]) : [point[1], point[0]];
            mercator(latLon[0], latLon[1], cells.xy, vertex * 2);
            const x = cells.xy[vertex * 2], y = cells.xy[vertex * 2 + 1];
            minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
            vertex += 1;
          });
          cells.ringEnd[ring] = vertex;
          ring += 1;
        });
      });
      cells.box.set([minX, minY, maxX, maxY], cell * 4);
      cells.extent = [Math.min(cells.extent[0], minX), Math.min(cells.extent[1], minY),
                      Math.max(cells.extent[2], maxX), Math.max(cells.extent[3], maxY)];
    });
    cells.cellRing[features.length] = ring;
    cells.byCode = new Map(cells.codes.map((code, cell) => [code, cell]));
    return cells;
  }

  /* The hit test's index, built on the first hover or click: the cells whose box touches each bucket. */
  function indexOf(cells) {
    if (cells.index) { return cells.index; }
    const [x0, y0, x1, y1] = cells.extent;
    const size = [(x1 - x0) / BUCKETS || 1, (y1 - y0) / BUCKETS || 1];
    const buckets = Array.from({length: BUCKETS * BUCKETS}, () => []);
    const clamp = (value) => Math.max(0, Math.min(BUCKETS - 1, value));
    for (let cell = 0; cell < cells.count; cell++) {
      const b = cell * 4;
      const left = clamp(Math.floor((cells.box[b] - x0) / size[0]));
      const right = clamp(Math.floor((cells.box[b + 2] - x0) / size[0]));
      const top = clamp(Math.floor((cells.box[b + 1] - y0) / size[1]));
      const bottom = clamp(Math.floor((cells.box[b + 3] - y0) / size[1]));
      for (let row = top; row <= bottom; row++) {
        for (let column = left; column <= right; column++) { buckets[row * BUCKETS + column].push(cell); }
      }
    }
    cells.index = {origin: [x0, y0], size: size, buckets: buckets, clamp: clamp};
    return cells.index;
  }

  /* Whether a zoom-0 point lies in a cell: even-odd over all its rings (holes and parts included). */
  function contains(cells, cell, x, y) {
    let inside = false;
    for (let ring = cells.cellRing[cell]; ring < cells.cellRing[cell + 1]; ring++) {
      const start = ring ? cells.ringEnd[ring - 1] : 0, end = cells.ringEnd[ring];
      for (let i = start, j = end - 1; i < end; j = i++) {
        const xi = cells.xy[i * 2], yi = cells.xy[i * 2 + 1], xj = cells.xy[j * 2], yj = cells.xy[j * 2 + 1];
        if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
      }
    }
    return inside;
  }

  function cellAt(cells, x, y) {
    const index = indexOf(cells), [x0, y0, x1, y1] = cells.extent;
    if (x < x0 || y < y0 || x > x1 || y > y1) { return -1; }
    const column = index.clamp(Math.floor((x - x0) / index.size[0]));
    const row = index.clamp(Math.floor((y - y0) / index.size[1]));
    const found = index.buckets[row * BUCKETS + column].find((cell) => contains(cells, cell, x, y));
    return found === undefined ? -1 : found;
  }

  /* The geometry of a layer's URL on tiles of a datum ("gcj02" or "wgs84"), fetched and flattened once per tab (the
     newest city's only: an import's layer has a new URL). The document preloads it (dashboard/routes.py), so the
     fetch is served from that. */
  let loaded = {key: null, cells: null};
  function cellsOf(url, crs) {
    const key = url + "#" + crs;
    if (loaded.key !== key) {
      const shift = crs === "gcj02" ? (lat, lon) => window.commandCenter.gcj02(lat, lon) : null;
      const entry = {key: key, cells: fetch(url, {credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) { throw new Error("grid cells: " + url + " answered " + response.status); }
          return response.json();
        })
        .then((collection) => flatten(collection, shift))};
      entry.cells.catch(function (error) {
        console.error(error);
        if (loaded === entry) { loaded = {key: null, cells: null}; }  /* the next map asks again */
      });
      loaded = entry;
    }
    return loaded.cells;
  }

  /* A page that opens on the map (the command wall, or a wall screen's rotation) starts on the cells at once, while
     Dash is still starting: the document names them (dashboard/lean_page.py). */
  const named = document.querySelector('meta[name="grid-cells"]');
  const wallScreen = new URLSearchParams(window.location.search).get("wall") === "1";
  if (named && (window.location.pathname === "/" || wallScreen)) {
    cellsOf(named.content, named.dataset.crs);
  }

  const GridCells = L.Canvas.extend({
    options: {pane: PANE, padding: 0.1},

    initialize: function (options) {
      L.Canvas.prototype.initialize.call(this, options);
      this._cells = null;
      this._fills = null;  /* per cell, the index of its fill in this._styles */
      this._styles = [];
      this._flashing = -1;
      this._hovered = -1;
    },

    onAdd: function (map) {
      if (!map.getPane(PANE)) {
        const pane = map.createPane(PANE);
        pane.style.zIndex = PANE_Z;
        pane.style.pointerEvents = "none";  /* the map hears the mouse (getEvents) */
      }
      L.Canvas.prototype.onAdd.call(this, map);
    },

    onRemove: function (map) {
      this._leave();
      L.Canvas.prototype.onRemove.call(this, map);
    },

    setCells: function (cells, empty) {
      this._cells = cells;
      this._empty = empty;
      this.setColours(window.commandCenter.colours);
      return this;
    },

    /* A hideout (dashboard/pipeline/grid_metrics.py: values by feature id - 1, breaks, colours, empty). */
    setColours: function (hideout) {
      const cells = this._cells;
      if (!cells) { return this; }
      const given = hideout || {}, styles = [], keys = new Map();
      const scale = {empty: given.empty || this._empty, breaks: given.breaks, colours: given.colours};
      const fills = new Uint8Array(cells.count), values = given.values || [];
      for (let cell = 0; cell < cells.count; cell++) {
        const value = values[cells.ids[cell] - 1] || 0;
        const colour = window.commandCenter.colourOf(value, scale), opacity = value > 0 ? 0.8 : 0.25;
        const key = colour + "|" + opacity;
        if (!keys.has(key)) { keys.set(key, styles.length); styles.push({colour: colour, opacity: opacity}); }
        fills[cell] = keys.get(key);
      }
      this._styles = styles;
      this._fills = fills;
      return this.redraw();
    },

    flash: function (code, on) {
      const cell = this._cells ? this._cells.byCode.get(code) : undefined;
      this._flashing = on && cell !== undefined ? cell : -1;
      return this.redraw();
    },

    redraw: function () {
      if (this._map) { this._redrawRequest = this._redrawRequest || L.Util.requestAnimFrame(this._redraw, this); }
      return this;
    },

    /* Where the canvas stands: the scale and pixel origin of the view it was last placed for. A redraw between
       two updates (a flash during a flight) draws for that view, which the canvas's CSS transform still follows. */
    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      this._scale = this._map.getZoomScale(this._map.getZoom(), 0);
      this._origin = this._map.getPixelOrigin();
      L.Canvas.prototype._update.call(this);
    },

    /* The renderer's own paths are none: every update (moved, zoomed, resized) redraws the cells, in the next
       animation frame (before it is painted, so the canvas cleared by the update is never shown empty). */
    _updatePaths: function () {
      if (this._postponeUpdatePaths) { return; }
      this.redraw();
    },

    _draw: function () {
      const cells = this._cells, map = this._map;
      if (!cells || !this._fills || !map) { return; }
      const ctx = this._ctx, scale = this._scale, origin = this._origin;
      const bounds = this._bounds, visible = [];
      for (let cell = 0; cell < cells.count; cell++) {  /* the cells on the canvas, by their boxes */
        const b = cell * 4;
        if (cells.box[b + 2] * scale - origin.x < bounds.min.x || cells.box[b] * scale - origin.x > bounds.max.x ||
            cells.box[b + 3] * scale - origin.y < bounds.min.y || cells.box[b + 1] * scale - origin.y > bounds.max.y) {
          continue;
        }
        visible.push(cell);
      }
      const trace = (cell) => {
        for (let ring = cells.cellRing[cell]; ring < cells.cellRing[cell + 1]; ring++) {
          const start = ring ? cells.ringEnd[ring - 1] : 0, end = cells.ringEnd[ring];
          for (let i = start; i < end; i++) {
            const x = cells.xy[i * 2] * scale - origin.x, y = cells.xy[i * 2 + 1] * scale - origin.y;
            if (i === start) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
          }
          ctx.closePath();
        }
      };
      /* A path of a few dozen cells at a time: Chromium builds one path of thousands of rings in time that grows
         faster than its size (320 ms for the city's, against 5 ms in paths of 32 cells). */
      const paint = (list, finish) => {
        for (let first = 0; first < list.length; first += CELLS_PER_PATH) {
          ctx.beginPath();
          list.slice(first, first + CELLS_PER_PATH).forEach(trace);
          finish();
        }
      };
      ctx.save();
      this._styles.forEach((style, fill) => {  /* the cells of each colour */
        ctx.globalAlpha = style.opacity;
        ctx.fillStyle = style.colour;
        paint(visible.filter((cell) => this._fills[cell] === fill), () => ctx.fill("evenodd"));
      });
      ctx.globalAlpha = STROKE.opacity;  /* then every border */
      ctx.lineWidth = STROKE.weight;
      ctx.strokeStyle = STROKE.color;
      ctx.lineJoin = "round";
      paint(visible, () => ctx.stroke());
      if (this._flashing >= 0) {
        const thick = window.commandCenter.canvasScale || 1;
        ctx.beginPath();
        trace(this._flashing);
        ctx.globalAlpha = 0.95;
        ctx.fillStyle = FLASH.fill;
        ctx.fill("evenodd");
        ctx.globalAlpha = 1;
        ctx.lineWidth = FLASH.weight * thick;
        ctx.strokeStyle = FLASH.color;
        ctx.stroke();
      }
      ctx.restore();
      if (!this._drawn) {  /* the first time, in the animation frame that paints them: the page's first paint */
        this._drawn = true;
        window.commandCenter.cells = new Set(cells.codes);
        document.dispatchEvent(new CustomEvent("commandcenter:cellsdrawn", {detail: {cells: cells.count}}));
      }
    },

    /* Hover and click come from the map, not from this canvas: the overlays' canvas lies over it (and the
       stylesheet lets events through this one), and the map hears what no marker above took (the report and
       patrol markers do not pass their clicks on: assets/10-map_layers.js). */
    getEvents: function () {
      const events = L.Canvas.prototype.getEvents.call(this);
      return Object.assign(events, {mousemove: this._hover, mouseout: this._leave, click: this._click});
    },

    _cellAt: function (latlng) {
      if (!this._cells || !this._map) { return -1; }
      const point = this._map.options.crs.latLngToPoint(latlng, 0);
      return cellAt(this._cells, point.x, point.y);
    },

    _feature: function (cell) {
      const bounds = this.boundsOf(this._cells.codes[cell]);
      return {type: "Feature", properties: {code: this._cells.codes[cell], id: this._cells.ids[cell]},
              bounds: [[bounds.getSouth(), bounds.getWest()], [bounds.getNorth(), bounds.getEast()]]};
    },

    _click: function (event) {
      const cell = this._cellAt(event.latlng);
      if (cell < 0) { return; }
      const clicked = this._feature(cell);
      this.fire("cellclick", {feature: clicked});
      window.dash_clientside.set_props(CLICKED, {data: clicked});  /* the store beside the map: opens the grid's page */
    },

    /* The code of the cell under the mouse, in one tooltip (checked at most every 32 ms, as Leaflet's own canvas
       does); a pointer over a cell, which a click opens. */
    _hover: function (event) {
      if (this._hoverThrottled || !this._map) { return; }
      this._hoverThrottled = true;
      setTimeout(() => { this._hoverThrottled = false; }, 32);
      const cell = this._cellAt(event.latlng), map = this._map, cc = window.commandCenter;
      if (cell < 0) { this._leave(); return; }
      cc.gridTip = cc.gridTip || L.tooltip({direction: "top", offset: [0, -8]});
      L.DomUtil.addClass(map.getContainer(), "over-grid-cell");
      cc.gridTip.setLatLng(event.latlng);
      if (cell !== this._hovered || !map.hasLayer(cc.gridTip)) {
        this._hovered = cell;
        cc.gridTip.setContent(document.createTextNode(this._cells.codes[cell]));
        if (!map.hasLayer(cc.gridTip)) { cc.gridTip.openOn(map); }
      }
    },

    _leave: function () {
      const tip = window.commandCenter.gridTip;
      this._hovered = -1;
      if (this._map) { L.DomUtil.removeClass(this._map.getContainer(), "over-grid-cell"); }
      if (tip) { tip.remove(); }
    },

    /* For tests and the attention flash: the codes drawn, and a cell's bounds as Leaflet gives them. */
    codes: function () { return this._cells ? this._cells.codes.slice() : []; },

    boundsOf: function (code) {
      const cell = this._cells ? this._cells.byCode.get(code) : undefined;
      if (cell === undefined || !this._map) { return null; }
      const b = this._cells.box, crs = this._map.options.crs;
      return L.latLngBounds(crs.pointToLatLng(L.point(b[cell * 4], b[cell * 4 + 3]), 0),
                            crs.pointToLatLng(L.point(b[cell * 4 + 2], b[cell * 4 + 1]), 0));
    },
  });

  window.commandCenter = Object.assign(window.commandCenter || {}, {
    cells: new Set(),  /* the codes of the cells drawn (tests read it); "commandcenter:cellsdrawn" says when */
    gridCells: null,  /* the layer on the map now */

    /* One cell flashing (white border, red fill) until the returned function is called. */
    flashCell: function (code, everyMs) {
      const cc = window.commandCenter;
      let on = false;
      const timer = window.setInterval(function () {
        on = !on;
        if (cc.gridCells) { cc.gridCells.flash(code, on); }
      }, everyMs);
      return function () {
        window.clearInterval(timer);
        if (cc.gridCells) { cc.gridCells.flash(code, false); }
      };
    },
  });

  /* The map's grid group: when it is on a map, so are the cells (the panel names the layer's URL and the tiles'
     datum: dashboard/pages/command_wall.py). */
  L.LayerGroup.addInitHook(function () {
    if (this.options.id !== GROUP) { return; }
    const layer = new GridCells();
    this.on("add", function () {
      const panel = document.querySelector(".wall-map-panel");
      if (!panel || !panel.dataset.cells) { return; }
      this.addLayer(layer);
      window.commandCenter.gridCells = layer;
      cellsOf(panel.dataset.cells, panel.dataset.crs)
        .then((cells) => layer.setCells(cells, panel.dataset.empty), () => {});  /* a failure is logged in cellsOf */
    });
    this.on("remove", function () {
      if (window.commandCenter.gridCells === layer) { window.commandCenter.gridCells = null; }
    });
  });
})();
