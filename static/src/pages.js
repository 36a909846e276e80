// The TV layout. Text never shrinks below the legible size (app.css sets it
// from the screen's height); what does not fit is shown in pages that turn
// every rotate= seconds, always in the same order, each list saying which
// page it shows and how many items it leaves out ("Page 2 of 4 · +48
// more"). A name that does not fit its tile on two lines is replaced by the
// shorter one the server gives (data-short, "Agnieszka K."), never cut.
//
// Items off the current page carry data-off (hidden by app.css); filters
// use the hidden attribute, so the two never undo each other.

import { word } from "./words.js";

const MAX_SCALE = 1.6; // few people get bigger tiles, up to this factor
const SIDE_LISTS = ["queues", "calls", "conferences", "agents"];
// The queues (service level, callers waiting, free agents: what a
// supervisor reads first) lead the calls and conferences going on by one
// item; today's figures per agent start once those show three each.
const SIDE_RANKS = [0, 1, 1, 4];

/**
 * fitTiles is the grid for n tiles in a width × height box: tiles of
 * cellW × cellH pixels at scale 1 with gap pixels between them. It returns
 * the largest scale (from 1 to MAX_SCALE) at which all n fit, else scale 1
 * and as many pages as it takes: { scale, cols, rows, perPage, pages }.
 */
export function fitTiles(n, width, height, cellW, cellH, gap) {
  const grid = (s) => {
    const cols = Math.max(1, Math.floor((width + gap) / (cellW * s + gap)));
    const rows = Math.max(1, Math.floor((height + gap) / (cellH * s + gap)));
    return { scale: s, cols, rows, perPage: cols * rows, pages: Math.max(1, Math.ceil(n / (cols * rows))) };
  };
  for (let s = MAX_SCALE; s > 1; s = Math.round((s - 0.05) * 100) / 100) {
    const g = grid(s);
    if (g.pages === 1) return g;
  }
  return grid(1);
}

/**
 * share divides space pixels between lists that each want want[i] items of
 * slot[i] pixels (plus gap[i] between items, and cost pixels for a pager
 * while a list does not fit): items are added one at a time to the list
 * that shows the fewest (the shorter list first), as long as they fit, so
 * that a short list is shown whole and a long one takes the rest. A list of
 * rank[i] (0 when not given) counts as showing rank[i] more than it does:
 * one of rank 0 gets its first item before one of rank 1 gets any, its
 * second once the other has one, and so on. It returns the items each list
 * shows; a list may show none, and then its pager says how many it has.
 */
export function share(space, want, slot, gap, cost, rank = want.map(() => 0)) {
  const got = want.map(() => 0);
  let used = 0;
  const open = new Set(want.map((_, i) => i).filter((i) => want[i] > 0));
  const score = (i) => got[i] + rank[i];
  while (open.size > 0) {
    let best = -1;
    for (const i of open) {
      if (best < 0 || score(i) < score(best)) best = i;
      else if (score(i) === score(best) && (got[i] < got[best] || (got[i] === got[best] && want[i] < want[best]))) best = i;
    }
    // The first item brings the pager of a list that will not show all,
    // the last one takes it away again.
    const g = got[best];
    const extra = slot[best] + (g > 0 ? gap[best] : 0) + (g === 0 && want[best] > 1 ? cost : 0) - (g > 0 && g + 1 === want[best] ? cost : 0);
    if (used + extra > space) {
      open.delete(best);
      continue;
    }
    used += extra;
    if (++got[best] === want[best]) open.delete(best);
  }
  return got;
}

const setOff = (el, off) => {
  if (off !== el.hasAttribute("data-off")) el.toggleAttribute("data-off", off);
};

function setPager(name, page, pages, more, none = false) {
  const p = document.querySelector(`[data-pager="${name}"]`);
  if (!p) return;
  const text = none ? word("more", { n: more }) : pages > 1 ? `${word("page", { page: page + 1, pages })} · ${word("more", { n: more })}` : "";
  if (p.textContent !== text) p.textContent = text;
  if (p.hidden !== (pages <= 1)) p.hidden = pages <= 1;
}

/**
 * paginate puts items of the given heights (px, in order) on pages of at
 * most room pixels, gap between items, each page holding at least one: it
 * returns each item's page.
 */
export function paginate(heights, room, gap) {
  const out = [];
  let page = 0;
  let used = 0;
  for (const h of heights) {
    if (used > 0 && used + gap + h > room) {
      page++;
      used = 0;
    }
    used += (used > 0 ? gap : 0) + h;
    out.push(page);
  }
  return out;
}

// pageItems shows page `step mod pages` of the visible items, perPage to a
// page (or by byItem, each visible item's page, when it fits their count),
// and returns the page shown and the page count.
function pageItems(items, perPage, step, byItem = null) {
  const shown = items.filter((el) => !el.hidden);
  if (perPage <= 0) {
    shown.forEach((el) => setOff(el, true));
    return { page: 0, pages: shown.length > 0 ? 2 : 1, more: shown.length, none: true };
  }
  if (byItem && byItem.length === shown.length && shown.length > 0) {
    const pages = byItem[byItem.length - 1] + 1;
    const page = step % pages;
    let on = 0;
    shown.forEach((el, i) => {
      setOff(el, byItem[i] !== page);
      if (byItem[i] === page) on++;
    });
    return { page, pages, more: shown.length - on };
  }
  const pages = Math.max(1, Math.ceil(shown.length / Math.max(1, perPage)));
  const page = step % pages;
  shown.forEach((el, i) => setOff(el, Math.floor(i / perPage) !== page));
  return { page, pages, more: shown.length - Math.min(perPage, shown.length - page * perPage) };
}

const cssNumber = (style, name, fallback) => parseFloat(style.getPropertyValue(name)) || fallback;

export class TVLayout {
  /** @param {number} period ms between pages; 0 keeps the first page */
  constructor(period) {
    this.period = period;
    this.step = 0;
    this.turnedAt = Date.now();
    this.invalidate();
  }

  /** invalidate forgets every measurement (the screen changed size). */
  invalidate() {
    this.box = null; // the tiles' box and cell sizes
    this.grid = null;
    this.sideCaps = null;
    this.measured = new WeakSet(); // tiles whose name was fitted
  }

  /** invalidateSide measures the side again (its alerts changed). */
  invalidateSide() {
    this.sideCaps = null;
  }

  /**
   * update lays out what changes (null: everything) touched, and the tiles
   * and side lists holding a resized duration (see tickDurations), and
   * turns the page when its time has come.
   */
  update(now, changes, resized = []) {
    for (const el of resized) {
      const tile = el.closest("#tiles > *");
      if (tile) this.measured.delete(tile);
      else if (el.closest(".side")) this.sideCaps = null;
    }
    if (changes === null) {
      // Replaced lists lost what was set on them; filters may have changed.
      this.grid = null;
      this.sideCaps = null;
    }
    let turned = false;
    if (this.period > 0 && now - this.turnedAt >= this.period) {
      this.step++;
      this.turnedAt = now;
      turned = true;
    }
    const touched = (id) => changes === null || [...changes.lists].some((l) => l?.id === id) || [...changes.containers].some((c) => c.id === id);
    if (turned || touched("tiles") || !this.grid) this.tiles();
    else if (resized.length > 0) this.names([...document.getElementById("tiles").children]);
    // The all-queues rows above the queues take the side panel's space too.
    const sideTouched = SIDE_LISTS.some(touched) || touched("queue-totals");
    if (turned || !this.sideCaps || sideTouched) this.side(!this.sideCaps || sideTouched);
  }

  tiles() {
    const list = document.getElementById("tiles");
    if (!list) return;
    const items = [...list.children];
    const n = items.reduce((k, el) => k + (el.hidden ? 0 : 1), 0);
    if (!this.box) {
      const style = getComputedStyle(list);
      const base = cssNumber(style, "--tile-base", 1.75) * parseFloat(getComputedStyle(document.documentElement).fontSize);
      this.box = {
        width: list.clientWidth,
        height: list.clientHeight,
        cellW: cssNumber(style, "--tile-w", 12) * base,
        cellH: cssNumber(style, "--tile-h", 5.6) * base,
        gap: parseFloat(style.rowGap) || 0,
      };
    }
    if (!this.grid || this.grid.n !== n) {
      const b = this.box;
      const g = fitTiles(n, b.width, b.height, b.cellW, b.cellH, b.gap);
      this.grid = { ...g, n };
      list.style.setProperty("--cols", g.cols);
      list.style.setProperty("--rows", Math.min(g.rows, Math.ceil(n / g.cols)) || 1);
      list.style.setProperty("--tile-scale", g.scale);
      if (list.dataset.pages !== String(g.pages)) list.dataset.pages = g.pages;
      this.measured = new WeakSet(); // a new scale changes every name's room
    }
    const { page, pages, more } = pageItems(items, this.grid.perPage, this.step);
    if (list.dataset.page !== String(page + 1)) list.dataset.page = page + 1;
    setPager("tiles", page, pages, more);
    this.names(items);
  }

  // names fits the names of the tiles on screen that were not fitted yet:
  // all reads first, then all writes, then the reads of what was shortened.
  names(items) {
    const todo = items.filter((el) => !el.hidden && !el.hasAttribute("data-off") && !this.measured.has(el));
    const names = todo.map((el) => el.querySelector(".tile-name")).filter(Boolean);
    // A tile fitted before (at another size) starts again from its full name.
    for (const n of names) {
      if (n.dataset.full !== undefined) {
        n.textContent = n.dataset.full;
        delete n.dataset.full;
      }
      n.classList.remove("break");
    }
    for (const el of todo) el.removeAttribute("data-crowded");
    const over = (n) => n.scrollHeight > n.clientHeight + 1 || n.scrollWidth > n.clientWidth;
    const long = names.filter(over);
    for (const n of long) {
      if (!n.dataset.short) continue;
      n.dataset.full = n.textContent;
      n.textContent = n.dataset.short;
    }
    // A word with separators (an email's "alessandro.colombo") breaks
    // after them first; a single word still too long for the tile may
    // break anywhere rather than be cut, and so may a short name that still
    // does not fit.
    for (const n of long.filter(over)) {
      const soft = n.textContent.replace(/([._-])(?=[^\s\u200b])/g, "$1\u200b");
      if (soft === n.textContent) continue;
      n.dataset.full ??= n.textContent;
      n.textContent = soft;
    }
    for (const n of long.filter(over)) n.classList.add("break");
    // A call line whose party does not fit shows the party's short name
    // with its number ("Kenji T. · 219"), then alone ("Kenji T."), rather
    // than an ellipsis.
    const parties = todo.map((el) => el.querySelector(".tile-party")).filter(Boolean);
    for (const p of parties) {
      if (p.dataset.full !== undefined) {
        p.textContent = p.dataset.full;
        delete p.dataset.full;
      }
    }
    const cut = (p) => p.scrollWidth > p.clientWidth;
    for (const key of ["short", "shorter"]) {
      for (const p of parties.filter((p) => p.dataset[key] && cut(p))) {
        p.dataset.full ??= p.textContent;
        p.textContent = p.dataset[key];
      }
    }
    // A tile whose name and state take two lines each has no room for its
    // call or message line: that line goes rather than being cut.
    const crowded = todo.filter((el) => el.scrollHeight > el.clientHeight + 1);
    for (const el of crowded) el.setAttribute("data-crowded", "");
    for (const el of todo) this.measured.add(el);
  }

  // side shows the side lists' pages; measure first when their items or
  // sizes changed.
  side(measure) {
    const lists = SIDE_LISTS.map((id) => document.getElementById(id));
    if (measure || !this.sideCaps) {
      const side = document.querySelector(".side");
      if (!side) return;
      // Measure every list's current page, and at least its first item, then
      // divide the side's height between the lists by what each needs.
      for (const l of lists) {
        const first = l && [...l.children].find((el) => !el.hidden);
        if (first) setOff(first, false);
      }
      const style = getComputedStyle(side);
      const gapSide = parseFloat(style.rowGap) || 0;
      let used = -gapSide;
      for (const el of side.children) if (el.offsetParent !== null || el.offsetHeight > 0) used += el.offsetHeight + gapSide;
      // The lists' pagers shown now are not fixed: share counts a pager for
      // each list that will not fit.
      for (const name of SIDE_LISTS) {
        const p = document.querySelector(`[data-pager="${name}"]`);
        if (p && !p.hidden) used -= p.offsetHeight + (parseFloat(getComputedStyle(p.parentElement).rowGap) || 0);
      }
      const want = [];
      const slot = [];
      const gap = [];
      const heights = [];
      let listsHeight = 0;
      lists.forEach((l, i) => {
        const items = l ? [...l.children].filter((el) => !el.hidden) : [];
        want[i] = items.length;
        gap[i] = l ? parseFloat(getComputedStyle(l).rowGap) || 0 : 0;
        listsHeight += l ? l.offsetHeight : 0;
      });
      // Every item's own height (all shown for one layout, then put back):
      // a list holds as many items as fit, not as many as its tallest
      // would allow.
      const off = lists.map((l) => (l ? [...l.children].filter((el) => !el.hidden && el.hasAttribute("data-off")) : []));
      off.flat().forEach((el) => setOff(el, false));
      lists.forEach((l, i) => {
        heights[i] = l ? [...l.children].filter((el) => !el.hidden).map((el) => el.offsetHeight) : [];
        const sorted = [...heights[i]].sort((a, b) => a - b);
        slot[i] = Math.max(sorted[Math.floor(sorted.length / 2)] || 0, 1); // a typical item
      });
      off.flat().forEach((el) => setOff(el, true));
      const pagerCost = document.querySelector("[data-pager]")?.scrollHeight || 0;
      const space = side.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - (used - listsHeight);
      const got = share(space, want, slot, gap, pagerCost + gapSide, SIDE_RANKS);
      // Each list's pixels: what its share of typical items takes; its
      // pages are filled item by item within them, in order.
      const pages = heights.map((hs, i) => {
        if (got[i] === 0) return null;
        const room = got[i] * slot[i] + (got[i] - 1) * gap[i];
        const p = paginate(hs, room, gap[i]);
        // Pages after all: the pager needs its room too.
        return p[p.length - 1] > 0 && got[i] === want[i] ? paginate(hs, room - pagerCost - gapSide, gap[i]) : p;
      });
      this.sideCaps = { got, slot, pages };
    }
    lists.forEach((l, i) => {
      if (!l) return;
      const { page, pages, more, none } = pageItems([...l.children], this.sideCaps.got[i], this.step, this.sideCaps.pages[i]);
      setPager(SIDE_LISTS[i], page, pages, more, none);
    });
  }
}
