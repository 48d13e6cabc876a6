// An event page's keys: j/k (or n/p) for the next and previous event, u or Esc back to the
// timeline at this event. The links they follow are on the page, so nothing needs this script.
import { bindKeys } from "./keys.js";

function follow(selector) {
  const link = document.querySelector(selector);
  if (link) location.assign(link.href);
}

bindKeys({
  next: () => follow('a[rel="next"]'),
  previous: () => follow('a[rel="prev"]'),
  back: () => follow("a.back-to-timeline"),
});
