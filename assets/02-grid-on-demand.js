/* dash-ag-grid's bundle (1.3 MB) is loaded the first time a record table is drawn, not by every page: Dash leaves it
   out of the page, which names its address in <meta name="dash-ag-grid-bundle"> instead (dashboard/grid_bundle.py).
   Until then window.dash_ag_grid is this stand-in, where Dash looks for the grid's component: its AgGrid holds the
   grid's place (its class and size) while the bundle loads, then draws the real grid inside. It stays the component
   Dash finds afterwards too, so a grid already drawn is never drawn anew. In wall mode the tables are hidden, and the
   bundle is never loaded. */
(function () {
  const meta = document.querySelector('meta[name="dash-ag-grid-bundle"]');
  if (!meta || window.dash_ag_grid) { return; }  /* the page loads the bundle itself */
  let grid = null;  /* the real namespace, once loaded */
  let loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = meta.content;
        script.onload = function () {
          grid = window.dash_ag_grid;
          window.dash_ag_grid = standIn;
          AgGrid.dashPersistence = grid.AgGrid.dashPersistence;  /* what Dash reads off the component: the real's */
          AgGrid.propTypes = grid.AgGrid.propTypes;
          resolve(grid);
        };
        script.onerror = function () {
          loading = null;  /* a later grid tries again */
          reject(new Error("dash-ag-grid: could not load " + meta.content));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function AgGrid(props) {
    const [loaded, setLoaded] = React.useState(grid);
    const hidden = document.documentElement.classList.contains("wall-mode");
    React.useEffect(function () {
      if (loaded || hidden) { return undefined; }
      let mounted = true;
      load().then(function (real) { if (mounted) { setLoaded(real); } }, function (error) { console.error(error); });
      return function () { mounted = false; };
    }, [loaded, hidden]);
    if (!loaded || hidden) {
      return React.createElement("div", {className: props.className, style: props.style});
    }
    return React.createElement(loaded.AgGrid, props);
  }
  AgGrid.dashRenderType = true;  /* as the real one: Dash tells it why it renders (dash-ag-grid reads it) */

  const standIn = {
    AgGrid: AgGrid,
    getApi: function (id) {
      if (!grid) { throw new Error("no grid found, or grid is not initialized yet, with id: " + id); }
      return grid.getApi(id);
    },
    /* A grid is drawn, or being drawn, only once its bundle loads: asked before that, there is no grid to wait for
       (one drawn later reads the page's state as it starts). Never loads the bundle itself: a hidden table asks too. */
    getApiAsync: function (id) {
      if (!loading) { return Promise.reject(new Error("no grid drawn, with id: " + id)); }
      return loading.then(function (real) { return real.getApiAsync(id); });
    },
  };
  window.dash_ag_grid = standIn;
})();
