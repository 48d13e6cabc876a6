// The timeline's enhancements: filters (state in the URL), deep links that focus their event,
// keyboard navigation, and the axis and the year bar following the reader. The page is whole
// without any of this; the year's and phase's pages use it too.
import { Filters } from "./filters.js";
import { bindKeys, bindToggle } from "./keys.js";

const reduceMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;
const cards = () => [...document.querySelectorAll("li.event:not([hidden])")];
const isCard = (el) => el instanceof Element && el.matches("li.event");

function markFor(slug) {
  return document.querySelector(`.axis .mark[data-slug="${CSS.escape(slug)}"]`);
}

function setActive(card) {
  for (const el of document.querySelectorAll(".mark.is-active")) el.classList.remove("is-active");
  if (card) markFor(card.id)?.classList.add("is-active");
}

function focusCard(card, { instant = false } = {}) {
  card.tabIndex = -1;
  card.scrollIntoView({ block: "center", behavior: instant || reduceMotion ? "instant" : "smooth" });
  card.focus({ preventScroll: true });
  setActive(card);
}

function focusHash({ instant = false } = {}) {
  const id = decodeURIComponent(location.hash.slice(1));
  const card = id && document.getElementById(id);
  if (!card || !isCard(card)) return;
  for (const el of document.querySelectorAll("li.event.is-target")) el.classList.remove("is-target");
  card.classList.add("is-target");
  if (card.hidden) document.querySelector("#f-clear")?.click(); // a shared link beats a filter
  focusCard(card, { instant });
}

function step(direction) {
  const list = cards();
  if (!list.length) return;
  const current = list.indexOf(document.activeElement);
  let next;
  if (current >= 0) next = list[Math.min(Math.max(current + direction, 0), list.length - 1)];
  else {
    // Nothing focused yet: start from the first card below the top of the window.
    next = list.find((c) => c.getBoundingClientRect().top >= 0) || list[list.length - 1];
  }
  focusCard(next);
}

function openCard(card) {
  const link = card?.querySelector("h3 a");
  if (link) location.assign(link.href);
}

function followAxis() {
  // Highlight, on the axis, the event under the pointer or the keyboard focus.
  const list = document.querySelector("main");
  list.addEventListener("focusin", (e) => setActive(e.target.closest?.("li.event")));
  list.addEventListener("pointerover", (e) => {
    const card = e.target.closest?.("li.event");
    if (card) setActive(card);
  });
  // And, in the year bar, the year being read, scrolled into its view on a narrow screen.
  const links = new Map([...document.querySelectorAll(".yearnav a[data-year]")].map((a) => [a.dataset.year, a]));
  if (!links.size) return;
  const sections = [...document.querySelectorAll("section.year")];
  const update = () => {
    // The year being read: the last one begun above the top third of the window, or, at the foot
    // of the page (where the last years cannot scroll that far up), the last one in sight.
    const atFoot = scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
    const line = atFoot ? innerHeight : innerHeight * 0.3;
    const shownSections = sections.filter((section) => !section.hidden);
    const current = shownSections.filter((section) => section.getBoundingClientRect().top < line).pop()
      || shownSections[0];
    const link = current && links.get(current.id.slice(1));
    if (!link || link.hasAttribute("aria-current")) return;
    for (const a of links.values()) a.removeAttribute("aria-current");
    link.setAttribute("aria-current", "location");
    reveal(link);
  };
  const observer = new IntersectionObserver(update, { rootMargin: "-20% 0px -70% 0px" });
  for (const section of sections) observer.observe(section);
  const footer = document.querySelector(".site-footer");
  if (footer) new IntersectionObserver(update).observe(footer);
}

function reveal(link) {
  const bar = link.closest("ol");
  const left = link.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
  const right = left + link.offsetWidth;
  if (left >= bar.scrollLeft && right <= bar.scrollLeft + bar.clientWidth) return;
  bar.scrollTo({ left: left - (bar.clientWidth - link.offsetWidth) / 2, behavior: reduceMotion ? "instant" : "smooth" });
}

function startFilters() {
  const form = document.getElementById("filters");
  if (!form) return;
  bindToggle(form.querySelector("#keys-on"));
  const filters = new Filters(form);
  filters.onChange(() => {
    const shown = new Set(cards().map((c) => c.id));
    for (const mark of document.querySelectorAll(".axis .mark:not(.mark-cluster)")) {
      mark.classList.toggle("is-out", !shown.has(mark.dataset.slug));
    }
  });
  filters.start();
  form.dataset.ready = "true";
}

bindKeys({
  next: () => step(1),
  previous: () => step(-1),
  open: (e) => openCard(isCard(e.target) ? e.target : document.activeElement?.closest?.("li.event")),
  find: () => document.getElementById("f-q")?.focus(),
}, isCard);
followAxis();
window.addEventListener("hashchange", () => focusHash());
startFilters();
// On arrival, go straight to a deep-linked event: no long smooth scroll through the years.
focusHash({ instant: true });
