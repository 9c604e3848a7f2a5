/* Live reports for every page: at most one EventSource on /events per tab, shared by every panel (the browser
   reconnects by itself, sending the last stream id as Last-Event-ID), and while it is not open, a poll of
   /events/recent once a second. The stream is closed when the page is left (pagehide): a page kept in the
   back/forward cache would otherwise hold its connection, and with six connections per host in HTTP/1.1, a few pages
   left behind made every later page load wait for a free one. A page shown again from that cache reconnects.
   A first visit's backlog comes as one "backlog" frame, newest first. Reports are kept once each (a replay or a
   second delivery is dropped by its id), newest first, and announced at once as a "commandcenter:reports" window
   event whose detail is the new ones, oldest first: the wall (assets/11-wall.js) draws them without a round through
   Dash. Past the account's cap of open streams the server answers 429: the page polls, and tries again later. */
(function () {
  const KEEP = 500;
  const held = [];
  const seen = new Set();
  let source = null;
  let pollTimer = null;
  let polling = false;
  let retryTimer = null;
  const RETRY_MS = 30000;  /* after a refusal: the server's Retry-After */

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
    if (source) { return; }  /* one per tab */
    const opened = new EventSource("/events");
    source = opened;
    opened.onopen = function () { setPolling(false); };
    opened.onmessage = function (message) { take([JSON.parse(message.data)], true); };
    opened.addEventListener("backlog", function (message) { take(JSON.parse(message.data), false); });
    opened.onerror = function () {
      setPolling(opened.readyState !== EventSource.OPEN);
      if (opened.readyState === EventSource.CLOSED && source === opened) {  /* refused (429): it will not retry */
        source = null;
        retryTimer = window.setTimeout(function () { retryTimer = null; connect(); }, RETRY_MS);
      }
    };
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    setPolling(false);
  }

  window.commandCenterPush = {
    held: held,  /* newest first: a page that mounts later draws what came before */
    state: function () { return source ? source.readyState : -1; },
    polling: function () { return pollTimer !== null; },
  };
  /* ?push=off: poll only (a network that blocks streaming responses, and the benchmark's baseline) */
  const pushOff = new URLSearchParams(window.location.search).get("push") === "off";
  function start() {
    if (pushOff) {
      setPolling(true);
      poll();
    } else {
      connect();
    }
  }
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { start(); } });
  start();
})();
