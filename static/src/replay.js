// Replay: the board at a past moment (GET /?at=… or ?seq=…). The page has
// no WebSocket; its bar (#replay) steps by one log entry or one minute,
// plays at ×10 or ×60 and scrubs over today. Each move asks
// /api/v1/replay for the board at the new moment and swaps its containers
// in like a first frame, keeping the URL in step, so a reload shows the
// same moment. Its links work without the script.

import { hhmmss } from "./clock.js";

const PLAY_TICK = 1000; // a play step each second: ×10 moves 10 s of the day

export class Replay {
  /**
   * @param {HTMLElement} bar the #replay bar
   * @param {(html: string) => void} onFrame called with each moment's frame
   */
  constructor(bar, onFrame) {
    this.bar = bar;
    this.onFrame = onFrame;
    this.at = Date.parse(bar.dataset.at);
    this.seq = Number(bar.dataset.seq);
    this.playing = 0; // the speed, 0 when paused
    this.timer = 0;
    this.busy = false; // a move is in flight; play skips a tick meanwhile
    this.scrub = bar.querySelector("[data-replay-scrub]");
    for (const a of bar.querySelectorAll("a[data-replay-step]")) {
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        this.pause();
        this.step(a.dataset.replayStep);
      });
    }
    for (const b of bar.querySelectorAll("button[data-replay-play]")) {
      b.addEventListener("click", () => this.toggle(Number(b.dataset.replayPlay)));
    }
    this.scrub?.addEventListener("change", () => {
      this.pause();
      this.go({ at: new Date(Number(this.scrub.value) * 1000) });
    });
    this.show();
  }

  /** step moves one entry or one minute: "-event", "+event", "-minute", "+minute". */
  step(kind) {
    if (kind === "-event") return this.go({ seq: Math.max(0, this.seq - 1) });
    if (kind === "+event") return this.go({ seq: this.seq + 1 });
    return this.go({ at: new Date(this.at + (kind === "-minute" ? -60_000 : 60_000)) });
  }

  toggle(speed) {
    const again = this.playing === speed;
    this.pause();
    if (again) return;
    this.playing = speed;
    this.pressed();
    this.timer = setInterval(() => {
      if (this.busy) return;
      const now = Date.now();
      const next = this.at + speed * PLAY_TICK;
      // Caught up with now: show now and stop; live is a click away.
      if (next >= now) this.pause();
      this.go({ at: new Date(Math.min(next, now)) });
    }, PLAY_TICK);
  }

  pause() {
    clearInterval(this.timer);
    this.timer = 0;
    this.playing = 0;
    this.pressed();
  }

  pressed() {
    for (const b of this.bar.querySelectorAll("button[data-replay-play]")) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.replayPlay) === this.playing));
    }
  }

  /** go shows the moment at (a Date) or entry seq. */
  async go({ at, seq }) {
    const q = new URLSearchParams(location.search);
    q.delete("at");
    q.delete("seq");
    if (at) q.set("at", at.toISOString());
    else q.set("seq", String(seq));
    this.busy = true;
    try {
      const res = await fetch(`/api/v1/replay?${q}`, { headers: { Accept: "application/json" } });
      const body = await res.json();
      if (!res.ok) {
        this.bar.dataset.error = body.error || String(res.status);
        this.pause();
        return;
      }
      delete this.bar.dataset.error;
      this.at = Date.parse(body.at);
      this.seq = body.logSeq;
      history.replaceState(null, "", `?${q}`);
      this.show();
      this.onFrame(body.frame);
    } finally {
      this.busy = false;
    }
  }

  /** show writes the bar: the moment, the scrubber, the links. */
  show() {
    const time = this.bar.querySelector("[data-replay-time]");
    if (time) {
      time.dateTime = new Date(this.at).toISOString();
      time.textContent = hhmmss(this.at);
    }
    this.bar.dataset.at = new Date(this.at).toISOString();
    this.bar.dataset.seq = String(this.seq);
    if (this.scrub) this.scrub.value = String(Math.floor(this.at / 1000));
    const link = (kind) => {
      const q = new URLSearchParams(location.search);
      q.delete("at");
      q.delete("seq");
      if (kind.endsWith("event")) q.set("seq", String(Math.max(0, this.seq + (kind[0] === "-" ? -1 : 1))));
      else q.set("at", new Date(this.at + (kind[0] === "-" ? -60_000 : 60_000)).toISOString());
      return `?${q}`;
    };
    for (const a of this.bar.querySelectorAll("a[data-replay-step]")) a.href = link(a.dataset.replayStep);
  }
}

/**
 * chartMoments makes a click on a queue's intraday chart open the board at
 * the moment under the pointer (the chart's svg names its edges' instants
 * in data-from and data-to), for viewers who may replay (data-may-replay
 * on <body>): from "what happened at 10:42?" on the chart to the board as
 * it was then, that queue's calls first. One listener on the document, so
 * charts that pushes replace keep working.
 */
export function chartMoments(doc = document) {
  if (doc.body?.dataset.mayReplay !== "1") return;
  doc.addEventListener("click", (ev) => {
    const svg = ev.target instanceof Element ? ev.target.closest("svg[data-from][data-to]") : null;
    if (!svg) return;
    const at = momentAt(svg.getBoundingClientRect(), svg.dataset.from, svg.dataset.to, ev.clientX, Date.now());
    if (at === null) return;
    const url = new URL("/", location.href);
    url.searchParams.set("at", new Date(at).toISOString().replace(/\.\d+Z$/, "Z"));
    const queue = svg.closest("[data-queue]")?.getAttribute("data-queue");
    if (queue) url.searchParams.set("queue", queue);
    location.assign(url.href);
  });
}

/**
 * momentAt is the instant (ms) at clientX on a chart whose box spans from
 * to to (RFC 3339), never after now; null when the edges do not parse.
 */
export function momentAt(box, from, to, clientX, now) {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || box.width <= 0) return null;
  const f = Math.min(1, Math.max(0, (clientX - box.left) / box.width));
  return Math.min(Math.round(a + f * (b - a)), now);
}
