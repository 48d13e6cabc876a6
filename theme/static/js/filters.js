// The timeline's filters: phase, actor, kind of source, year range and words, applied in the
// browser to what each card says of itself (its data-* attributes and its text; see
// _event_card.html), so nothing is fetched. The state lives in the URL (?phase=...&actor=...), so
// a filtered view can be shared and restored, and the back button steps through earlier filters.

const FIELDS = ["q", "phase", "actor", "kind", "from", "to"];
const LABELS = { q: "Words", phase: "Phase", actor: "Actor", kind: "Kind of source", from: "From", to: "To" };

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

// What a card says of itself: the same facts as its entry in /timeline.json.
export function describe(card) {
  const [first, last] = card.dataset.years.split(" ").map(Number);
  const actors = (card.querySelector(".actors")?.textContent || "").replace(/^\s*Actors:\s*/, "")
    .split(";").map((a) => a.trim()).filter(Boolean);
  const words = `${card.querySelector("h3").textContent} ${card.querySelector(".summary").textContent}`;
  return { phase: card.dataset.phase, kinds: card.dataset.kinds.split(" "), first, last, actors, text: fold(words) };
}

export function matches(event, state) {
  if (state.phase && event.phase !== state.phase) return false;
  if (state.actor) {
    // A name picked from the list matches exactly; a few letters match every actor containing them.
    const wanted = fold(state.actor);
    const names = event.actors.map(fold);
    if (!names.includes(wanted) && !names.some((name) => name.includes(wanted))) return false;
  }
  if (state.kind && !event.kinds.includes(state.kind)) return false;
  // An event matches a year range if any day it may fall on is inside it.
  if (state.from && event.last < Number(state.from)) return false;
  if (state.to && event.first > Number(state.to)) return false;
  if (state.q) return fold(state.q).split(/\s+/).filter(Boolean).every((word) => event.text.includes(word));
  return true;
}

export class Filters {
  constructor(form) {
    this.form = form;
    this.cards = [...document.querySelectorAll("li.event")];
    this.events = new Map(this.cards.map((card) => [card, describe(card)]));
    this.count = form.querySelector("#f-count");
    this.drop = form.querySelector("#f-drop");
    this.total = this.cards.length;
    this.listeners = [];
  }

  start() {
    const form = this.form;
    form.addEventListener("submit", (e) => { e.preventDefault(); this.commit(); });
    form.addEventListener("change", (e) => { if (e.target.name) this.commit(); });
    let timer;
    let typing = false;
    for (const name of ["q", "actor"]) {
      form.elements[name].addEventListener("input", () => {
        clearTimeout(timer);
        // One history entry per burst of typing, not one per key.
        timer = setTimeout(() => { this.commit({ replace: typing }); typing = true; }, 200);
      });
      form.elements[name].addEventListener("blur", () => { typing = false; });
    }
    form.querySelector("#f-clear").addEventListener("click", () => {
      this.setControls(stateFromURL(""));
      this.commit();
    });
    this.drop.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-field]");
      if (!button) return;
      this.form.elements[button.dataset.field].value = "";
      this.commit();
      this.form.elements[button.dataset.field].focus();
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

  counted(state) {
    let shown = 0;
    for (const event of this.events.values()) if (matches(event, state)) shown += 1;
    return shown;
  }

  // With nothing shown, one button per filter in use, saying how many events dropping it shows.
  suggest(state) {
    const list = this.drop.querySelector("ul");
    list.replaceChildren();
    for (const name of FIELDS.filter((field) => state[field])) {
      const n = this.counted({ ...state, [name]: "" });
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.field = name;
      button.textContent = `Drop ${LABELS[name]}: ${state[name]} (${n} event${n === 1 ? "" : "s"})`;
      item.append(button);
      list.append(item);
    }
  }

  apply(state) {
    let shown = 0;
    for (const [card, event] of this.events) {
      const show = matches(event, state);
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
    this.drop.hidden = !(active && shown === 0);
    if (!this.drop.hidden) this.suggest(state);
    for (const listener of this.listeners) listener(state, active);
  }
}
