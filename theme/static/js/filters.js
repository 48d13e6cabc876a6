// The timeline's filters: phase, actor, kind of source, year range and words, applied in the
// browser from /timeline.json. The state lives in the URL (?phase=...&actor=...), so a filtered
// view can be shared and restored, and the back button steps through earlier filters.

const FIELDS = ["q", "phase", "actor", "kind", "from", "to"];

function fold(text) {
  // Case- and accent-insensitive matching: "Pécs" matches "pecs".
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

export function stateFromURL(search) {
  const params = new URLSearchParams(search);
  const state = {};
  for (const name of FIELDS) state[name] = (params.get(name) || "").trim();
  return state;
}

function stateToQuery(state) {
  const params = new URLSearchParams();
  for (const name of FIELDS) if (state[name]) params.set(name, state[name]);
  const query = params.toString();
  return query ? `?${query}` : "";
}

function isActive(state) {
  return FIELDS.some((name) => state[name]);
}

export function matches(event, state) {
  if (state.phase && event.phase !== state.phase) return false;
  if (state.actor && !event.actors.includes(state.actor)) return false;
  if (state.kind && !event.sources.some((s) => s.kind === state.kind)) return false;
  // An event matches a year range if any day it may fall on is inside it.
  const first = Number((event.earliest || event.latest).slice(0, 4));
  const last = Number((event.latest || event.earliest).slice(0, 4));
  if (state.from && last < Number(state.from)) return false;
  if (state.to && first > Number(state.to)) return false;
  if (state.q) {
    const text = fold(`${event.title} ${event.summary}`);
    return fold(state.q).split(/\s+/).filter(Boolean).every((word) => text.includes(word));
  }
  return true;
}

export class Filters {
  constructor(form, data) {
    this.form = form;
    this.events = new Map(data.events.map((e) => [e.slug, e]));
    this.cards = [...document.querySelectorAll("li.event")];
    this.count = form.querySelector("#f-count");
    this.total = this.cards.length;
    this.listeners = [];
  }

  start() {
    const form = this.form;
    form.addEventListener("submit", (e) => { e.preventDefault(); this.commit(); });
    form.addEventListener("change", (e) => { if (e.target.name) this.commit(); });
    let timer;
    let typing = false;
    form.elements.q.addEventListener("input", () => {
      clearTimeout(timer);
      // One history entry per burst of typing, not one per key.
      timer = setTimeout(() => { this.commit({ replace: typing }); typing = true; }, 200);
    });
    form.elements.q.addEventListener("blur", () => { typing = false; });
    form.querySelector("#f-clear").addEventListener("click", () => {
      this.setControls(stateFromURL(""));
      this.commit();
    });
    window.addEventListener("popstate", () => this.restore());
    this.restore();
  }

  onChange(listener) { this.listeners.push(listener); }

  read() {
    const state = {};
    for (const name of FIELDS) state[name] = (this.form.elements[name].value || "").trim();
    return state;
  }

  setControls(state) {
    for (const name of FIELDS) this.form.elements[name].value = state[name];
  }

  restore() {
    const state = stateFromURL(location.search);
    this.setControls(state);
    this.apply(state);
  }

  commit({ replace = false } = {}) {
    const state = this.read();
    const url = `${location.pathname}${stateToQuery(state)}`;
    if (url !== `${location.pathname}${location.search}`) {
      history[replace ? "replaceState" : "pushState"](null, "", url);
    }
    this.apply(state);
  }

  apply(state) {
    let shown = 0;
    for (const card of this.cards) {
      const event = this.events.get(card.id);
      const show = !event || matches(event, state);
      card.hidden = !show;
      if (show) shown += 1;
    }
    for (const section of document.querySelectorAll("section.year")) {
      section.hidden = !section.querySelector("li.event:not([hidden])");
    }
    const active = isActive(state);
    for (const gap of document.querySelectorAll("p.gap")) gap.hidden = active;
    this.count.textContent = active
      ? `Showing ${shown} of ${this.total} events.`
      : `Showing all ${this.total} events.`;
    for (const listener of this.listeners) listener(state, active);
  }
}
