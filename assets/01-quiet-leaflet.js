/* dash-leaflet 1.1.3 (the newest) logs four debug lines to the console every time a map's viewport is set from a
   callback ("ISSUE BOUNDS UPDATE" and the like): in normal use the console stays clean, so these four exact lines,
   and nothing else, are dropped. */
(function quietLeafletDebugLines() {
  const dropped = new Set(["ISSUE BOUNDS UPDATE", "BREAK BOUNDS CHANGE", "ISSUE CENTER/ZOOM CHANGE",
                           "BREAK CENTER/ZOOM CHANGE"]);
  const log = console.log.bind(console);
  console.log = function quietLog(...args) {
    if (args.length === 1 && dropped.has(args[0])) { return; }
    log(...args);
  };
})();
