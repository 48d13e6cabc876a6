// Keyboard shortcuts, shared by the timeline and the event pages. Single-character keys can be
// turned off (WCAG 2.1.4) with the checkbox under "Keyboard shortcuts" on the timeline; the
// choice is kept in localStorage. Arrow keys and Enter act only on a focused event card.

const STORE = "sim-keys";

export function keysEnabled() {
  try {
    return localStorage.getItem(STORE) !== "off";
  } catch {
    return true; // storage blocked: keep the default
  }
}

export function bindToggle(checkbox) {
  if (!checkbox) return;
  checkbox.checked = keysEnabled();
  checkbox.addEventListener("change", () => {
    try {
      localStorage.setItem(STORE, checkbox.checked ? "on" : "off");
    } catch {
      // storage blocked: the choice lasts for this page only
    }
  });
}

function isTyping(target) {
  return target instanceof Element && target.closest("input, select, textarea, [contenteditable]");
}

// handlers: {next, previous, open, back, find}, each (event) => void; `card` says whether the
// focus is on an event card, where arrows and Enter act too.
export function bindKeys(handlers, isCard = () => false) {
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    const onCard = isCard(e.target);
    const single = keysEnabled();
    let action = null;
    if (e.key === "Escape") action = "back";
    else if (onCard && e.key === "ArrowDown") action = "next";
    else if (onCard && e.key === "ArrowUp") action = "previous";
    else if (onCard && e.key === "Enter") action = "open";
    else if (single) {
      action = { j: "next", n: "next", k: "previous", p: "previous", o: "open", u: "back", "/": "find" }[e.key] || null;
    }
    if (action && handlers[action]) {
      e.preventDefault();
      handlers[action](e);
    }
  });
}
