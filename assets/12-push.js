/* Live reports for every page: one EventSource on /events (the browser reconnects by itself, sending the last
   stream id as Last-Event-ID), and while it is not open, a poll of /events/recent once a second. A first visit's
   backlog comes as one "backlog" frame, newest first. Reports are kept once each (a replay or a second delivery is
   dropped by its id), newest first, and announced at once as a "commandcenter:reports" window event whose detail
   is the new ones, oldest first: the wall (assets/11-wall.js) draws them without a round through Dash. */
(function () {
  const KEEP = 500;
  const held = [];
  const seen = new Set();
  let source = null;
  let pollTimer = null;
  let polling = false;

  /* `features` newest first (a backlog, or a poll's answer) or a single pushed one; `fresh`: highlight them. */
  function take(features, fresh) {
    const added = [];
    for (let i = features.length - 1; i >= 0; i--) {  /* oldest first, so the newest ends on top */
      const feature = features[i];
      if (seen.has(feature.id)) { continue; }
      seen.add(feature.id);
      if (fresh) { feature.properties.fresh = Date.now(); }
      held.unshift(feature);
      added.push(feature);
    }
    while (held.length > KEEP) { seen.delete(held.pop().id); }
    if (added.length) { window.dispatchEvent(new CustomEvent("commandcenter:reports", {detail: added})); }
  }

  function newestId() {
    return held.length ? held[0].properties.sid : "";
  }

  function poll() {
    if (polling) { return; }  /* one request at a time */
    polling = true;
    const after = newestId();
    fetch("/events/recent?after=" + encodeURIComponent(after))
      .then((response) => (response.ok ? response.json() : []))
      .then((features) => take(features, after !== ""))
      .catch(() => {})
      .finally(() => { polling = false; });
  }

  function setPolling(on) {
    if (on && !pollTimer) { pollTimer = window.setInterval(poll, 1000); }
    if (!on && pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    source = new EventSource("/events");
    source.onopen = function () { setPolling(false); };
    source.onmessage = function (message) { take([JSON.parse(message.data)], true); };
    source.addEventListener("backlog", function (message) { take(JSON.parse(message.data), false); });
    source.onerror = function () { setPolling(source.readyState !== EventSource.OPEN); };
  }

  window.commandCenterPush = {
    held: held,  /* newest first: a page that mounts later draws what came before */
    state: function () { return source ? source.readyState : -1; },
    polling: function () { return pollTimer !== null; },
  };
  /* ?push=off: poll only (a network that blocks streaming responses, and the benchmark's baseline) */
  if (new URLSearchParams(window.location.search).get("push") === "off") {
    setPolling(true);
    poll();
  } else {
    connect();
  }
})();
