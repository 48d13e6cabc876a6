// Copy buttons for the Cite box. Without JavaScript the citations stay plain selectable text;
// this only adds a button after each one. The copy carries italics (text/html) where the
// browser allows it, and plain text otherwise.
(function () {
  "use strict";
  function copy(node) {
    var plain = node.textContent;
    if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
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
  function setUp(box) {
    var status = box.querySelector(".cite-status");
    box.querySelectorAll(".cite-text").forEach(function (node) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cite-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the " + node.dataset.label + " citation");
      button.addEventListener("click", function () {
        copy(node).then(function () {
          status.textContent = node.dataset.label + " citation copied.";
        }, function () {
          var range = document.createRange();
          range.selectNodeContents(node);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
          status.textContent = "Copying is blocked here: the citation is selected, press Ctrl+C or Cmd+C.";
        });
      });
      node.parentNode.appendChild(button);
    });
  }
  document.querySelectorAll("[data-cite]").forEach(setUp);
})();
