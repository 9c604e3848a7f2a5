/* Clientside callbacks of the command wall: they run in the browser, so a pushed report is on screen at once. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  wall: {
    /* New reports onto the map and into the feed, newest first; rows of the last 10 s stand out. */
    renderFeed: function (features) {
      features = features || [];
      const span = (className, text) => ({type: "Span", namespace: "dash_html_components",
                                          props: {className: className, children: text}});
      const rows = features.slice(0, 20).map(function (feature) {  /* each row is five components to render */
        const p = feature.properties;
        const fresh = p.fresh && Date.now() - p.fresh < 10000;
        return {type: "Li", namespace: "dash_html_components", props: {
          id: {type: "wall-feed-row", event: feature.id}, n_clicks: 0,
          className: "feed-row feed-" + p.family + (fresh ? " fresh" : ""),
          children: [span("feed-time", p.time), span("feed-title", p.title), span("feed-place", p.place),
                     span("feed-summary", p.summary || "")],
        }};
      });
      const collection = {type: "FeatureCollection", features: features};
      return [collection, rows.length ? rows : window.dash_clientside.no_update];
    },

    /* A click on a feed row flies the map to that report. */
    flyToReport: function (clicks, features, crs) {
      const trigger = window.dash_clientside.callback_context.triggered_id;
      if (!trigger || !clicks.some((n) => n)) { return window.dash_clientside.no_update; }
      const feature = (features || []).find((f) => f.id === trigger.event);
      if (!feature) { return window.dash_clientside.no_update; }
      const [lon, lat] = feature.geometry.coordinates;
      const center = crs === "gcj02" ? window.commandCenter.gcj02(lat, lon) : [lat, lon];
      return {center: center, zoom: 16, transition: "flyTo"};
    },

    /* A click on a grid opens its page. */
    openGrid: function (clicked) {
      if (!clicked || !clicked.properties) { return window.dash_clientside.no_update; }
      return "/grid?code=" + encodeURIComponent(clicked.properties.code);
    },
  },
});
