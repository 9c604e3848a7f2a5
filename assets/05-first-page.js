/* The layout comes with the page it was fetched from already drawn in it (dashboard/first_page.py), for the address
   its Referer named. Should the browser be on another address all the same (a Referer cut to the bare host by a
   privacy setting), the page container's Location is told to read the address now, so that the router draws the
   page the address names. */
(function checkFirstPage() {
  const watch = new MutationObserver(() => {
    const content = document.getElementById("_pages_content");
    if (!content) { return; }
    watch.disconnect();
    /* The container and its Location are drawn in one React commit: the Location listens by now. */
    const filled = content.dataset.page;
    if (filled !== undefined && filled !== window.location.pathname + window.location.search) {
      window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    }
  });
  watch.observe(document.body, {childList: true, subtree: true});
})();
