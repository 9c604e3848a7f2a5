/* Leaflet 1.9 leaves timers running after map.remove() (invalidateSize's 200 ms, a zoom or pan transition's end,
   a layer's redraw on the last "moveend"):
   when the page holding a map is replaced (a drill, "back"), one fires on the removed map and reads its panes, which
   are gone ("Cannot read properties of undefined (reading '_leaflet_pos')"; Leaflet#9575, fixed upstream by #9577,
   not yet in the Leaflet dash-leaflet bundles). A removed map ignores them; a hidden one fits no bounds. */
(function guardRemovedMaps() {
  if (!window.L || !window.L.Map) {
    setTimeout(guardRemovedMaps, 50); // dash-leaflet's bundle (which brings Leaflet) is still loading
    return;
  }
  const proto = window.L.Map.prototype;
  if (proto._dashboardGuarded) { return; }
  proto._dashboardGuarded = true;
  ["_onZoomTransitionEnd", "_move", "_moveEnd", "_onResize", "invalidateSize", "_panInsideMaxBounds"].forEach((name) => {
    const original = proto[name];
    if (typeof original !== "function") { return; }
    proto[name] = function guarded(...args) {
      return this._mapPane ? original.apply(this, args) : this; // removed: its panes are gone
    };
  });
  // A map that takes no room (the drill pages' density map, left off the wall's canvas) cannot fit bounds: Leaflet
  // would compute a NaN zoom and throw "Invalid LatLng object: (NaN, NaN)" on the next "moveend". It keeps its view.
  ["fitBounds", "flyToBounds"].forEach((name) => {
    const original = proto[name];
    if (typeof original !== "function") { return; }
    proto[name] = function sized(...args) {
      const size = this._mapPane ? this.getSize() : null;
      return size && size.x > 0 && size.y > 0 ? original.apply(this, args) : this;
    };
  });
  // Where the others read the map pane's position (layers and renderers redrawing on a late "zoom" or "moveend",
  // popups animating): on a removed map, the origin.
  const panePosition = proto._getMapPanePos;
  proto._getMapPanePos = function guardedPosition() {
    return this._mapPane ? panePosition.call(this) : new window.L.Point(0, 0);
  };
})();
