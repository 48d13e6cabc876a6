// A "Copy" button after each <code data-copy="label">: used for SHA-256 hashes, with its
// "Copied." beside it (announced). Without JavaScript the hash stays plain selectable text.
(function () {
  "use strict";
  document.querySelectorAll("code[data-copy]").forEach(function (node) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the " + node.dataset.copy);
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      var done = function () { status.textContent = "Copied."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(node.textContent).then(done, function () { select(node); });
      } else {
        select(node);
      }
    });
    node.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", status);
  });
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
})();
