/* The city fills the wall's map: fitted to the map's own size as it opens and again whenever that size changes (a
   resized window, the wall's canvas on another screen), at a fractional zoom. The bounds are the map panel's
   data-bounds (dashboard/data/city_extent.py: the imported city's too), or an account's county or township once
   the server has said which (fitArea). */
(function () {
  const MAP = "wall-map";  /* dashboard/ids.py: Wall.MAP */
  const FIT_PADDING = 0.02;  /* the share of the map's width and height left around the city */

  let area = null;  /* the account's area's [[south, west], [north, east]] (dashboard/callbacks/command_wall.py) */

  function cityBounds() {
    const panel = document.querySelector(".wall-map-panel");
    const corners = area || (panel && panel.dataset.bounds ? JSON.parse(panel.dataset.bounds) : null);
    if (!corners) { return null; }
    const shift = panel && panel.dataset.crs === "gcj02" ? window.commandCenter.gcj02 : (lat, lon) => [lat, lon];
    return L.latLngBounds(corners.map((corner) => shift(corner[0], corner[1])));
  }

  function fitCity(map) {
    const bounds = cityBounds();
    map.invalidateSize({pan: false});
    const size = map.getSize();
    if (!bounds || !size.x || !size.y) { return; }
    const options = {padding: [size.x * FIT_PADDING, size.y * FIT_PADDING], animate: false};
    if (map._loaded) {  /* already showing what the fit would show (the server's area is the city it opened on):
                           a fit would still redraw all 7,369 cells, a tenth of a second as the wall first paints */
      const target = map._getBoundsCenterZoom(bounds, options);  /* what fitBounds sets (Leaflet 1.9) */
      const off = map.project(target.center, target.zoom).distanceTo(map.project(map.getCenter(), target.zoom));
      if (Math.abs(target.zoom - map.getZoom()) < 1e-6 && off < 0.5) { return; }
    }
    map.fitBounds(bounds, options);
  }

  L.Map.addInitHook(function () {
    const map = this, container = map.getContainer();
    if (container.id !== MAP) { return; }
    window.commandCenter.wallMap = map;  /* the tests measure the city's extent on it */
    let size = null;
    const watch = new ResizeObserver(function () {
      const now = container.clientWidth + "x" + container.clientHeight;
      if (now !== size) { size = now; fitCity(map); }
    });
    watch.observe(container);
    map.on("unload", function () {
      watch.disconnect();
      if (window.commandCenter.wallMap === map) { window.commandCenter.wallMap = null; }
    });
  });
  /* Back to the whole area, flying (after assets/17-wall-attention.js took the map somewhere). */
  window.commandCenter.flyHome = function (map) {
    const bounds = cityBounds(), size = map.getSize();
    if (bounds) { map.flyToBounds(bounds, {padding: [size.x * FIT_PADDING, size.y * FIT_PADDING], duration: 1.5}); }
  };

  /* The clientside callback that hands over the account's area: fit the map to it from now on. */
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.wall = Object.assign({}, window.dash_clientside.wall, {
    fitArea: function (view) {
      area = view && view.bounds ? view.bounds : null;
      const map = window.commandCenter.wallMap;
      if (map) { fitCity(map); }
    },
  });
})();
