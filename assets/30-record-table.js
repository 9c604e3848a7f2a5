/* Record tables (dashboard/components/record_table.py): when the page's filter changes, the grid drops the rows it
   holds and asks the server again (its getRowsRequest reads the new filter). */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.records = {
  reload: function (_query, gridId) {
    if (window.dash_ag_grid && window.dash_ag_grid.getApiAsync) {
      window.dash_ag_grid.getApiAsync(gridId).then(function (api) {
        api.purgeInfiniteCache();
      }).catch(function () { /* the grid is gone (the page changed) */ });
    }
  },
};
