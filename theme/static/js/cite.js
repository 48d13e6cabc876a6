// Copy buttons for the Cite box: one after each citation and each file (BibTeX, RIS, CSL-JSON).
// Without JavaScript the texts stay plain selectable text. A style's copy carries its italics
// (text/html) where the browser allows it, with the plain text beside them; the message saying
// it was copied appears beside the button that was pressed, and is announced (role=status).
(function () {
  "use strict";
  function copy(node) {
    var plain = node.textContent;
    var rich = node.tagName !== "PRE";
    if (rich && window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      var item = new ClipboardItem({
        "text/plain": new Blob([plain], { type: "text/plain" }),
        "text/html": new Blob([node.innerHTML], { type: "text/html" })
      });
      return navigator.clipboard.write([item]);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(plain);
    }
    return Promise.reject(new Error("no clipboard"));
  }
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
  function addButton(node) {
    var button = document.createElement("button");
    var status = document.createElement("span");
    button.type = "button";
    button.className = "cite-copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the " + node.dataset.label + " citation");
    status.className = "cite-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copy(node).then(function () {
        status.textContent = node.dataset.label + " copied.";
      }, function () {
        if (node.closest("details")) { node.closest("details").open = true; }
        select(node);
        status.textContent = "Copying is blocked here: the text is selected, press Ctrl+C or Cmd+C.";
      });
    });
    // Beside the text: a file's button goes after its <details>, so it shows while it is closed.
    var anchor = node.closest("details") || node;
    anchor.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", status);
  }
  document.querySelectorAll("[data-cite] .cite-text").forEach(addButton);
})();
