/* The city fills the wall's map: fitted to the map's own size as it opens and again whenever that size changes (a
   resized window, the wall's canvas on another screen), at a fractional zoom. The bounds are the map panel's
   data-bounds (dashboard/data/city_extent.py: the imported city's too). */
(function () {
  const MAP = "wall-map";  /* dashboard/ids.py: Wall.MAP */
  const FIT_PADDING = 0.02;  /* the share of the map's width and height left around the city */

  function cityBounds() {
    const panel = document.querySelector(".wall-map-panel");
    if (!panel || !panel.dataset.bounds) { return null; }
    const corners = JSON.parse(panel.dataset.bounds);
    const shift = panel.dataset.crs === "gcj02" ? window.commandCenter.gcj02 : (lat, lon) => [lat, lon];
    return L.latLngBounds(corners.map((corner) => shift(corner[0], corner[1])));
  }

  function fitCity(map) {
    const bounds = cityBounds();
    map.invalidateSize({pan: false});
    const size = map.getSize();
    if (!bounds || !size.x || !size.y) { return; }
    map.fitBounds(bounds, {padding: [size.x * FIT_PADDING, size.y * FIT_PADDING], animate: false});
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
})();
