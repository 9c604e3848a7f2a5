/* Live reports for every page: one EventSource on /events (the browser reconnects by itself, sending the last
   stream id as Last-Event-ID), and while it is not open, a poll of /events/recent once a second. Reports are kept
   once each, newest first, and handed to the Dash store `app-events-store`. */
(function () {
  const STORE = "app-events-store";
  const KEEP = 500;
  const held = [];
  const seen = new Set();
  const PUBLISH_MS = 250;  /* at most four store updates a second, however fast reports arrive */
  let source = null;
  let pollTimer = null;
  let polling = false;
  let publishTimer = null;

  function publish() {
    publishTimer = null;
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(STORE, {data: held.slice()});
    }
  }

  function schedulePublish() {
    if (publishTimer === null) { publishTimer = window.setTimeout(publish, PUBLISH_MS); }
  }

  /* `features` newest first (as /events/recent answers) or a single pushed one. */
  function take(features, fresh) {
    let added = false;
    for (let i = features.length - 1; i >= 0; i--) {  /* oldest first, so the newest ends on top */
      const feature = features[i];
      if (seen.has(feature.id)) { continue; }
      seen.add(feature.id);
      if (fresh) { feature.properties.fresh = Date.now(); }
      held.unshift(feature);
      added = true;
    }
    while (held.length > KEEP) { seen.delete(held.pop().id); }
    if (added) { schedulePublish(); }
  }

  function newestId() {
    return held.length ? held[0].properties.sid : "";
  }

  function poll() {
    if (polling) { return; }  /* one request at a time */
    polling = true;
    fetch("/events/recent?after=" + encodeURIComponent(newestId()))
      .then((response) => (response.ok ? response.json() : []))
      .then((features) => take(features, true))
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
    source.onerror = function () { setPolling(source.readyState !== EventSource.OPEN); };
  }

  window.commandCenterPush = {
    held: held,
    state: function () { return source ? source.readyState : -1; },
    polling: function () { return pollTimer !== null; },
  };
  /* Start once Dash has drawn the layout (the store must exist before set_props can reach it). */
  function start() {
    if (!document.querySelector("#_dash-app-content, .shell")) { window.setTimeout(start, 200); return; }
    /* ?push=off: poll only (a network that blocks streaming responses, and the benchmark's baseline) */
    if (new URLSearchParams(window.location.search).get("push") === "off") {
      setPolling(true);
      window.setInterval(publish, 60000);
      return;
    }
    connect();
    window.setInterval(publish, 60000);  /* a page that mounted the store late still gets the reports */
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
