/* The export links (dashboard/components/export_menu.py) are fetched here rather than left to the browser's own
   download: a refused or failed export then says why beside the links (the route answers {"error": "…"}), where a
   plain download link would fail silently in the download bar. A file that comes back is saved under the name the
   server gives it. A modified click (new tab, save as) is left to the browser. */
(function exportLinks() {
  function fileName(response, href) {
    const header = response.headers.get("Content-Disposition") || "";
    const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (utf8) {
      try { return decodeURIComponent(utf8[1]); } catch (error) { /* the plain name below */ }
    }
    const plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : href.split("?")[0].split("/").pop();
  }

  function say(menu, text, failed) {
    const status = menu.querySelector(".export-status");
    if (!status) { return; }
    status.textContent = text || "";
    status.classList.toggle("export-error", Boolean(failed));
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest ? event.target.closest("a.export-link") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    const menu = link.closest(".export-menu");
    if (!menu) { return; }
    event.preventDefault();
    say(menu, menu.dataset.busy, false);
    fetch(link.href, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) {
        return response.json().then(
          function (body) { say(menu, (body && body.error) || menu.dataset.failed, true); },
          function () { say(menu, menu.dataset.failed, true); },
        );
      }
      return response.blob().then(function (blob) {
        save(blob, fileName(response, link.href));
        say(menu, "", false);
      });
    }).catch(function () { say(menu, menu.dataset.failed, true); });
  });
})();
