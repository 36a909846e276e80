// Filters and order: what the URL's q=, group=, department=, queue= and
// free= exclude is hidden, the people are ordered as sort= asks (me= first
// in the agent view), and the header counts what is shown. All of it from
// the facts the server derived and put on each element (data-sort,
// data-rank, data-sort-since, data-search, data-state, data-tile): nothing
// here encodes the board's precedence, ids or names.
//
// A full pass (new filters, a first frame) looks at every element; after a
// push only the elements it changed are looked at, and moved only when they
// are out of order.

import { word } from "./words.js";

const PEOPLE_LISTS = ["tiles", "people"];

/** fold is text as the server's data-search holds it: lower case, no accents. */
export const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** Filters is what the URL asks to show, and in which order. */
export class Filters {
  constructor(params) {
    this.q = fold((params.get("q") || "").trim());
    this.rawQ = (params.get("q") || "").trim();
    this.groups = params.getAll("group").filter(Boolean);
    this.department = params.get("department") || "";
    this.queue = params.get("queue") || "";
    this.free = params.get("free") === "1";
    this.sort = params.get("sort") || "name";
    this.me = params.get("me") || "";
  }

  /** showsPerson reports whether a tile or agent-view row passes the filters. */
  showsPerson(el) {
    const d = el.dataset;
    return (
      (this.q === "" || (d.search || "").includes(this.q)) &&
      (this.groups.length === 0 || this.groups.includes(d.group || "")) &&
      (this.department === "" || d.department === this.department) &&
      (!this.free || d.state === "available")
    );
  }

  /**
   * key is el's place among its list's items: data-sort, or for people the
   * tuple sort= asks for, built from the server's facts.
   */
  key(el) {
    const d = el.dataset;
    const name = d.sort || "";
    if (!PEOPLE_LISTS.includes(el.parentElement?.id)) return name;
    if (this.me !== "" && d.extension === this.me && el.parentElement.id === "people") return "";
    switch (this.sort) {
      case "state":
        return `${d.rank ?? "9"}\t${name}`;
      case "since":
        return `${d.sortSince || "~"}\t${name}`;
      case "exceptions":
        return `${d.state === "available" ? 1 : 0}\t${name}`;
      default:
        return name;
    }
  }
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// keepFocus runs move, then gives focus back to what had it inside el
// (moving an element drops the focus inside it).
function keepFocus(el, move) {
  const active = document.activeElement;
  move();
  if (active && active !== document.body && el.contains(active) && document.activeElement !== active) active.focus({ preventScroll: true });
}

// sortList puts every item of list in order, moving nothing when the order
// is already right.
function sortList(list, f) {
  const items = [...list.children];
  const keyed = items.map((el) => [f.key(el), el]);
  keyed.sort((a, b) => cmp(a[0], b[0]));
  if (keyed.some(([, el], i) => el !== items[i])) {
    const active = document.activeElement;
    list.append(...keyed.map(([, el]) => el));
    if (active && list.contains(active) && document.activeElement !== active) active.focus({ preventScroll: true });
  }
}

// place moves el to its place in its sorted list, when it is not there.
function place(el, f) {
  const list = el.parentElement;
  if (!list?.hasAttribute("data-sorted")) return;
  const k = f.key(el);
  const prev = el.previousElementSibling;
  const next = el.nextElementSibling;
  if ((!prev || f.key(prev) <= k) && (!next || k <= f.key(next))) return;
  keepFocus(el, () => {
    el.remove();
    const items = list.children;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f.key(items[mid]) <= k) lo = mid + 1;
      else hi = mid;
    }
    list.insertBefore(el, items[lo] || null);
  });
}

/** View keeps the page's lists filtered, ordered and counted. */
export class View {
  constructor() {
    this.shown = new Map(); // person id -> state, for the people the filters show
  }

  /**
   * update applies f to what changes changed, or to everything when changes
   * is null. It returns whether the people shown may have changed.
   */
  update(f, changes) {
    if (changes === null) this.full(f);
    else this.partial(f, changes);
    this.counts();
    this.noMatch(f);
    if (changes === null || newChoice(changes)) choices(f);
  }

  full(f) {
    this.shown.clear();
    for (const id of PEOPLE_LISTS) {
      const list = document.getElementById(id);
      if (!list) continue;
      for (const el of list.children) this.person(el, f);
      sortList(list, f);
    }
    for (const el of document.querySelectorAll("#agents > [data-tile]")) agent(el, f);
    for (const el of document.querySelectorAll("#calls > [data-queue], #queues > [data-queue]")) byQueue(el, f);
  }

  partial(f, changes) {
    for (const id of changes.removed) this.shown.delete(id);
    for (const el of changes.elements) {
      if (!el.isConnected) continue;
      const list = el.parentElement.id;
      if (PEOPLE_LISTS.includes(list)) {
        this.person(el, f);
        const row = document.querySelector(`#agents > [data-tile="${el.id}"]`);
        if (row) row.hidden = el.hidden;
      } else if (list === "agents") agent(el, f);
      else if (list === "calls" || list === "queues") byQueue(el, f);
      place(el, f);
    }
  }

  person(el, f) {
    const hide = !f.showsPerson(el);
    if (el.hidden !== hide) el.hidden = hide;
    if (hide) this.shown.delete(el.id);
    else this.shown.set(el.id, el.dataset.state);
    if (el.parentElement?.id === "people") {
      const me = f.me !== "" && el.dataset.extension === f.me;
      if (me && el.getAttribute("aria-current") !== "true") el.setAttribute("aria-current", "true");
      else if (!me && el.hasAttribute("aria-current")) el.removeAttribute("aria-current");
    }
  }

  // counts writes the header's people per state, for the people shown.
  counts() {
    const n = {};
    for (const state of this.shown.values()) n[state] = (n[state] || 0) + 1;
    for (const el of document.querySelectorAll("[data-count-state]")) {
      const text = String(n[el.dataset.countState] || 0);
      const out = el.querySelector("[data-count]");
      if (out && out.textContent !== text) out.textContent = text;
    }
  }

  // noMatch says so when the agent view's search or free=1 leave nobody.
  noMatch(f) {
    const box = document.getElementById("no-match");
    if (!box) return;
    const total = document.getElementById("people")?.children.length || 0;
    const none = total > 0 && this.shown.size === 0 && (f.rawQ !== "" || f.free);
    const text = !none ? "" : f.rawQ === "" ? word("noneFree") : word(f.free ? "noMatchFree" : "noMatch", { q: f.rawQ });
    if (box.textContent !== text) box.textContent = text;
    if (box.hidden !== !none) box.hidden = !none;
  }
}

// agent hides an agent's figures with their tile (the tile the server names
// in data-tile); an agent without a tile follows the search.
function agent(el, f) {
  const tile = document.getElementById(el.dataset.tile);
  el.hidden = tile ? tile.hidden : f.q !== "" && !fold(el.textContent).includes(f.q);
}

function byQueue(el, f) {
  el.hidden = f.queue !== "" && el.dataset.queue !== f.queue;
}

// newChoice reports whether a changed element carries a group, department
// or queue the filter form does not offer yet.
function newChoice(changes) {
  const form = document.getElementById("filters");
  if (!form) return false;
  const offered = (name) => new Set([...(form.querySelector(`select[data-choices="${name}"]`)?.options || [])].map((o) => o.value));
  const sets = { group: offered("group"), department: offered("department"), queue: offered("queue") };
  for (const el of changes.elements) {
    for (const name of ["group", "department", "queue"]) {
      const v = el.dataset[name];
      if (v && form.querySelector(`select[data-choices="${name}"]`) && !sets[name].has(v)) return true;
    }
  }
  return false;
}

// choices fills the filter form's selects from what the board shows, and
// sets every control from the URL.
function choices(f) {
  const form = document.getElementById("filters");
  if (!form) return;
  const values = {
    group: new Set([...document.querySelectorAll("#tiles > [data-group]")].map((el) => el.dataset.group)),
    department: new Set([...document.querySelectorAll("#tiles > [data-department]")].map((el) => el.dataset.department)),
    queue: new Set([...document.querySelectorAll("#queues > [data-queue], #calls > [data-queue]")].map((el) => el.dataset.queue)),
  };
  const wanted = { group: f.groups, department: [f.department], queue: [f.queue] };
  for (const select of form.querySelectorAll("select[data-choices]")) {
    const name = select.dataset.choices;
    const all = [...new Set([...values[name], ...wanted[name]])].filter(Boolean).sort();
    const have = [...select.options].slice(1).map((o) => o.value);
    if (all.join("\n") !== have.join("\n")) {
      select.replaceChildren(select.options[0], ...all.map((v) => new Option(v, v)));
    }
    const value = wanted[name][0] || "";
    if (select.value !== value) select.value = value;
  }
  if (form.elements.sort && form.elements.sort.value !== f.sort) form.elements.sort.value = f.sort;
  if (form.elements.free) form.elements.free.checked = f.free;
}
