// "Same time last week" beside each queue: the figures of the same weekday
// a week ago up to this time of day (GET /api/v1/lastweek), written into
// the queue row's [data-lastweek] and shown only when there are some.
// Fetched on load and every 5 minutes, per company the rows carry
// (data-company), matched to the rows by data-company and data-queue. A
// viewer the API refuses (agents, display links) or a log without history
// simply has no line. The queue wall's CSS hides it from ten queues on.

import { hhmm } from "./clock.js";
import { word } from "./words.js";

const PERIOD = 5 * 60 * 1000;
// An unbound viewer's board can hold many companies: ask for at most this
// many per round.
const MAX_COMPANIES = 20;

export class LastWeek {
  /** onLoad is called after each round of fetches, to schedule a fill. */
  constructor(onLoad) {
    this.onLoad = onLoad;
    this.byCompany = new Map(); // company → {day, until, queues: Map name → figures}
    this.refused = new Set(); // companies the API will not answer for
    this.numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  }

  start() {
    this.load();
    setInterval(() => this.load(), PERIOD);
  }

  companies() {
    const out = new Set();
    for (const row of document.querySelectorAll("#queues > [data-queue][data-company]")) {
      if (out.size >= MAX_COMPANIES) break;
      if (!this.refused.has(row.dataset.company)) out.add(row.dataset.company);
    }
    return out;
  }

  async load() {
    for (const company of this.companies()) {
      try {
        const res = await fetch(`/api/v1/lastweek?company=${encodeURIComponent(company)}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if ([401, 403, 404, 501].includes(res.status)) {
          this.refused.add(company);
          this.byCompany.delete(company);
          continue;
        }
        if (!res.ok) continue; // keep what was shown; the next round retries
        const body = await res.json();
        const queues = new Map();
        for (const q of body.queues || []) queues.set(q.name, q);
        this.byCompany.set(company, { day: body.day, until: body.until, queues });
      } catch {
        // offline: keep what was shown
      }
    }
    this.onLoad();
  }

  /** fill writes the lines of the rows in scope (every row when null). */
  fill(elements = null) {
    const lines = [];
    if (elements === null) lines.push(...document.querySelectorAll("#queues [data-lastweek]"));
    else for (const el of elements) lines.push(...el.querySelectorAll("[data-lastweek]"));
    for (const el of lines) {
      const row = el.closest("[data-queue]");
      const week = row && this.byCompany.get(row.dataset.company);
      const q = week?.queues.get(row.dataset.queue);
      if (!q) {
        el.hidden = true;
        el.textContent = "";
        continue;
      }
      const offered = this.numbers.format(q.offered);
      el.textContent =
        q.serviceLevel == null
          ? word("lastWeekNoSL", { offered })
          : word("lastWeek", { sl: this.numbers.format(Math.round(q.serviceLevel)), offered });
      el.title = word("lastWeekTitle", { day: week.day, time: hhmm(week.until) });
      el.hidden = false;
    }
  }
}
