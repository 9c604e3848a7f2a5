/* Attention, in wall mode (?wall=1): a new red alert or a major hazard (重大隐患) flashes its grid, and the map flies
   there for HOLD_MS, then back to the whole area; one at a time, the next waiting its turn. With ?sound=on a short
   chime too (a wall's browser must allow sound without a click: Chromium's --autoplay-policy=no-user-gesture-required).
   Red alerts come from the alert panel's store (dashboard/callbacks/wall_alerts.py); those on the wall when it opens
   are taken as seen. Major hazards come pushed (assets/11-wall.js). */
(function () {
  const HOLD_MS = 8000, FLY_ZOOM = 13, FLASH_MS = 500, WAITING = 5;
  const params = new URLSearchParams(window.location.search);
  const sound = params.get("sound") === "on";
  const seen = new Set();
  const waiting = [];
  let primed = false, busy = false, audio = null;

  function wallMode() { return document.documentElement.classList.contains("wall-mode"); }

  function chime() {
    if (!sound) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.25, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.6);
      window.commandCenter.chimes = (window.commandCenter.chimes || 0) + 1;
    } catch (error) { /* no sound on this screen */ }
  }

  /* The grid's cell in white and red, on and off, for as long as the map stays there. */
  function flash(code) {
    return code ? window.commandCenter.flashCell(code, FLASH_MS) : () => {};
  }

  function next() {
    const cc = window.commandCenter, map = cc.wallMap;
    if (busy || !waiting.length || !map) { return; }
    const spot = waiting.shift();
    const onGcj02 = document.querySelector(".wall-map-panel[data-crs='gcj02']") !== null;  /* GCJ-02 tiles */
    const [lat, lon] = onGcj02 ? cc.gcj02(spot.lat, spot.lon) : [spot.lat, spot.lon];
    busy = true;
    cc.attending = spot.grid || spot.key;
    cc.attended.push(spot.key);  /* what drew the eye, in order (tests read it) */
    if (cc.attended.length > 50) { cc.attended.shift(); }
    chime();
    const stop = flash(spot.grid);
    map.flyTo([lat, lon], Math.max(FLY_ZOOM, map.getZoom()), {duration: 1.5});
    window.setTimeout(function () {
      stop();
      cc.flyHome(map);
      cc.attending = null;
      busy = false;
      window.setTimeout(next, 2000);  /* the flight back, before the next one */
    }, HOLD_MS);
  }

  function attend(spot) {
    if (!wallMode() || seen.has(spot.key)) { return; }
    seen.add(spot.key);
    waiting.push(spot);
    while (waiting.length > WAITING) { waiting.shift(); }  /* a burst: the newest few */
    next();
  }

  window.commandCenter = Object.assign(window.commandCenter || {}, {attending: null, attended: []});

  /* Pushed reports: a major hazard, as it arrives (not those of the backlog a wall opens with). */
  window.addEventListener("commandcenter:reports", function (event) {
    event.detail.forEach(function (feature) {
      const p = feature.properties;
      if (!p.major || !p.fresh) { return; }
      const [lon, lat] = feature.geometry.coordinates;
      attend({key: "report:" + feature.id, lat: lat, lon: lon, grid: p.grid});
    });
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.wall = Object.assign({}, window.dash_clientside.wall, {
    /* The open red alerts shown (id, lat, lon, grid): any not seen before draws the eye. */
    attendAlerts: function (spots) {
      if (!Array.isArray(spots)) { return; }  /* not drawn yet */
      spots.forEach(function (spot) {
        const key = "alert:" + spot.id;
        if (!primed) { seen.add(key); return; }  /* on the wall when it opened: not news */
        attend({key: key, lat: spot.lat, lon: spot.lon, grid: spot.grid});
      });
      primed = true;
    },
  });
})();
