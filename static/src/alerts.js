// Queue levels and alerts. Each queue's level (ok, amber, red) follows its
// callers waiting and longest wait, and today's service level and abandon
// rate, with hysteresis; a rise above what was
// acknowledged raises an alert (and beeps, once sound is armed) until it is
// acknowledged or snoozed, on any screen of the company: acknowledgements
// and snoozes are the board's (see Alerts).

import { hhmm } from "./clock.js";
import { word } from "./words.js";

const SNOOZE = 10 * 60_000;

/**
 * Queue alert thresholds. A queue turns amber at amberWaiting calls waiting
 * or a call waiting amberWait seconds, red at redWaiting or redWait. It
 * leaves red only when below calmWaiting and calmWait, and leaves amber only
 * when below clearWaiting and clearWait, so that a queue hovering around a
 * threshold does not flicker. Each value can be overridden by a data
 * attribute on <body> (e.g. data-amber-waiting="3"); the amber and red
 * values of single queues by the page's #queue-thresholds list (see
 * withOverrides).
 */
export const DEFAULT_THRESHOLDS = Object.freeze({
  amberWaiting: 2,
  amberWait: 60,
  redWaiting: 5,
  redWait: 180,
  calmWaiting: 4,
  calmWait: 150,
  clearWaiting: 1,
  clearWait: 45,
  // Today's service level (%): amber below amberSl, red below redSl; it
  // leaves red from calmSl and amber from clearSl.
  amberSl: 80,
  redSl: 60,
  calmSl: 65,
  clearSl: 85,
  // Today's abandon rate (%): amber from amberAbandon, red from
  // redAbandon; it leaves red below calmAbandon and amber below
  // clearAbandon.
  amberAbandon: 5,
  redAbandon: 10,
  calmAbandon: 8,
  clearAbandon: 4,
});

/**
 * nextLevel is a queue's alert level ("ok", "amber" or "red") given its
 * previous level, the calls waiting and the longest wait in seconds.
 */
export function nextLevel(prev, waiting, wait, t = DEFAULT_THRESHOLDS) {
  if (waiting >= t.redWaiting || wait >= t.redWait) return "red";
  if (prev === "red" && (waiting >= t.calmWaiting || wait >= t.calmWait)) return "red";
  if (waiting >= t.amberWaiting || wait >= t.amberWait) return "amber";
  if (prev !== "ok" && (waiting >= t.clearWaiting || wait >= t.clearWait)) return "amber";
  return "ok";
}

/**
 * nextRateLevel is the level a queue's service level (sl, a percentage, or
 * null when there is none) and abandon rate (likewise) give, with the same
 * hysteresis: prev is the level they gave before.
 */
export function nextRateLevel(prev, sl, abandon, t = DEFAULT_THRESHOLDS) {
  const hasSl = sl !== null && Number.isFinite(sl);
  const hasAb = abandon !== null && Number.isFinite(abandon);
  if ((hasSl && sl < t.redSl) || (hasAb && abandon >= t.redAbandon)) return "red";
  if (prev === "red" && ((hasSl && sl < t.calmSl) || (hasAb && abandon >= t.calmAbandon))) return "red";
  if ((hasSl && sl < t.amberSl) || (hasAb && abandon >= t.amberAbandon)) return "amber";
  if (prev !== "ok" && ((hasSl && sl < t.clearSl) || (hasAb && abandon >= t.clearAbandon))) return "amber";
  return "ok";
}

// Each threshold a queue can override, and the hysteresis value below it.
const HYSTERESIS = Object.freeze({
  amberWaiting: "clearWaiting",
  amberWait: "clearWait",
  redWaiting: "calmWaiting",
  redWait: "calmWait",
});

/**
 * withOverrides returns base with the amber and red values that o carries
 * (numbers or numeric strings, as in a dataset; others are ignored). Each
 * hysteresis value follows its threshold at the distance it has in base,
 * but stays at least 1 (so that a quiet queue always settles) and at most
 * the threshold itself.
 */
export function withOverrides(base, o) {
  const t = { ...base };
  const given = (k) => o[k] !== undefined && o[k] !== "" && Number.isFinite(Number(o[k]));
  for (const [k, low] of Object.entries(HYSTERESIS)) {
    if (!given(k)) continue;
    const v = Number(o[k]);
    t[k] = v;
    t[low] = Math.min(v, Math.max(1, v - (base[k] - base[low])));
  }
  // The service level is calmer above its thresholds: its hysteresis
  // values sit above them (at most 100).
  for (const [k, high] of [
    ["amberSl", "clearSl"],
    ["redSl", "calmSl"],
  ]) {
    if (!given(k)) continue;
    const v = Number(o[k]);
    t[k] = v;
    t[high] = Math.min(100, v + (base[high] - base[k]));
  }
  for (const [k, low] of [
    ["amberAbandon", "clearAbandon"],
    ["redAbandon", "calmAbandon"],
  ]) {
    if (!given(k)) continue;
    const v = Number(o[k]);
    t[k] = v;
    t[low] = Math.max(0, v - (base[k] - base[low]));
  }
  return t;
}

// rateOf reads a data attribute holding a percentage; null when absent.
const rateOf = (v) => (v === undefined || v === "" || !Number.isFinite(Number(v)) ? null : Number(v));

const RANK = { ok: 0, amber: 1, red: 2 };
const levelWord = (level) => (level === "red" ? word("critical") : level === "amber" ? word("busy") : "");

function thresholds() {
  const t = { ...DEFAULT_THRESHOLDS };
  for (const k of Object.keys(t)) {
    const v = Number(document.body.dataset[k]);
    if (document.body.dataset[k] !== undefined && Number.isFinite(v)) t[k] = v;
  }
  return t;
}

// queueThresholds maps "company\nqueue" to the thresholds the page
// configures for that queue ("\nqueue" for every company), based on base.
function queueThresholds(base) {
  const m = new Map();
  for (const el of document.querySelectorAll("#queue-thresholds > [data-queue]")) {
    m.set(`${el.dataset.company || ""}\n${el.dataset.queue}`, withOverrides(base, el.dataset));
  }
  return m;
}

/**
 * Alerts keeps the queues' levels and shows the alerts they raise. What
 * people did about an alert (acknowledged at a level, by whom and when;
 * snoozed until when) is not kept here: it is the board's, shared by every
 * screen of the company and kept across reloads and restarts, and comes
 * with each queue row (data-acked, data-acked-by, data-acked-at,
 * data-snoozed-until, data-snoozed-by). The buttons post it to /alerts.
 */
export class Alerts {
  constructor() {
    // Per queue element id: its level and, for the acknowledgement the row
    // carries (by its time), the calmest level seen since (a rise above it
    // alerts again). It outlives the elements, which pushes replace.
    this.queues = new Map();
    this.shown = "";
    this.sound = null; // an AudioContext once sound is armed
    this.onChange = () => {}; // called when the alerts' list was rebuilt
    const body = document.body;
    this.canAck = body?.dataset.acknowledge === "1";
    // A display link's page carries its token in its socket's URL: the
    // posts are authenticated by it, as the socket is.
    const ws = new URL(body?.dataset.ws || "/ws", location.href);
    const display = ws.searchParams.get("display");
    this.endpoint = display ? `/alerts?display=${encodeURIComponent(display)}` : "/alerts";
  }

  /**
   * levels recomputes every queue's level at now (the longest wait ticks,
   * so this runs every second; a board has few queues), raises alerts and
   * beeps when a level rises.
   */
  levels(now) {
    const base = thresholds();
    const configured = queueThresholds(base);
    const seen = new Set();
    for (const el of document.querySelectorAll("#queues > [data-queue]")) {
      const name = el.dataset.queue;
      const t = configured.get(`${el.dataset.company || ""}\n${name}`) || configured.get(`\n${name}`) || base;
      seen.add(el.id);
      const st = this.queues.get(el.id) || { level: "ok", waitLevel: "ok", rateLevel: "ok", ackKey: "", floor: 0 };
      const wait = el.dataset.oldest ? (now - Date.parse(el.dataset.oldest)) / 1000 : 0;
      st.waitLevel = nextLevel(st.waitLevel || "ok", Number(el.dataset.waiting) || 0, wait, t);
      st.rateLevel = nextRateLevel(st.rateLevel || "ok", rateOf(el.dataset.sl), rateOf(el.dataset.abandon), t);
      const level = RANK[st.rateLevel] > RANK[st.waitLevel] ? st.rateLevel : st.waitLevel;
      const d = el.dataset;
      const ackKey = d.acked ? `${d.acked}@${d.ackedAt || ""}` : "";
      if (ackKey !== st.ackKey) {
        st.ackKey = ackKey;
        st.floor = RANK[d.acked] || 0;
      }
      // Once calmer than what was acknowledged, a new rise alerts again.
      st.floor = Math.min(st.floor, RANK[level]);
      st.snoozed = d.snoozedUntil ? Date.parse(d.snoozedUntil) : 0;
      if (RANK[level] > RANK[st.level] && RANK[level] > st.floor && now >= st.snoozed && !el.hidden) {
        this.beep(RANK[level]);
      }
      st.level = level;
      st.name = name;
      st.company = d.company || "";
      st.oldest = d.oldest || "";
      st.hidden = el.hidden;
      st.acked = d.acked || "";
      st.ackedBy = d.ackedBy || "";
      st.ackedAt = d.ackedAt || "";
      st.snoozedBy = d.snoozedBy || "";
      st.snoozedUntil = d.snoozedUntil || "";
      this.queues.set(el.id, st);
      if (d.level !== level) d.level = level;
      const w = el.querySelector("[data-level-word]");
      if (w && w.textContent !== levelWord(level)) w.textContent = levelWord(level);
    }
    for (const id of this.queues.keys()) if (!seen.has(id)) this.queues.delete(id);
    this.list(now);
  }

  // list shows the queues whose level is above what was acknowledged and
  // that are not snoozed, then, quietly, those whose alert someone
  // acknowledged or snoozed (who, and when). It rebuilds the list only when
  // that changes, so that focus stays on its buttons and screen readers
  // hear each alert once.
  list(now) {
    const box = document.getElementById("alerts");
    if (!box) return;
    const entries = [];
    for (const [id, st] of this.queues) {
      if (st.hidden || st.level === "ok") continue;
      const snoozed = now < st.snoozed;
      const kind = snoozed ? "snoozed" : RANK[st.level] > st.floor ? "active" : st.acked ? "acked" : "";
      if (kind) entries.push({ id, st, kind });
    }
    const order = { active: 0, acked: 1, snoozed: 2 };
    entries.sort((a, b) => order[a.kind] - order[b.kind]);
    const key = entries.map(({ id, st, kind }) => `${id}:${st.level}:${kind}:${st.ackedAt}:${st.snoozedUntil}`).join(" ");
    if (key === this.shown) return;
    this.shown = key;
    box.replaceChildren(...entries.map(({ st, kind }) => (kind === "active" ? this.item(st) : this.note(st, kind))));
    this.onChange();
  }

  item(st) {
    const item = document.createElement("div");
    item.dataset.alert = st.level;
    item.dataset.testid = "alert";
    const text = document.createElement("span");
    text.textContent = word("alert", { level: levelWord(st.level), queue: st.name });
    item.append(text);
    if (st.oldest) {
      const since = document.createElement("time");
      since.dataset.since = st.oldest;
      item.append(word("longest"), since);
    }
    if (!this.canAck) return item;
    const ack = button(word("acknowledge"), word("acknowledgeQueue", { queue: st.name }), () => {
      st.floor = RANK[st.level]; // at once here; the board tells every screen
      this.list(Date.now());
      this.post(st, { action: "ack", level: st.level });
    });
    const snooze = button(word("snooze"), word("snoozeQueue", { queue: st.name }), () => {
      st.snoozed = Date.now() + SNOOZE;
      this.list(Date.now());
      this.post(st, { action: "snooze", minutes: String(SNOOZE / 60_000) });
    });
    item.append(ack, snooze);
    return item;
  }

  // note is an alert someone acknowledged or snoozed: who, and when.
  note(st, kind) {
    const item = document.createElement("div");
    item.dataset.alertNote = kind;
    item.dataset.testid = `alert-${kind}`;
    const by = kind === "snoozed" ? st.snoozedBy : st.ackedBy;
    const time = hhmm(kind === "snoozed" ? st.snoozedUntil || st.snoozed : st.ackedAt);
    const key = kind === "snoozed" ? (by ? "snoozedBy" : "snoozedUntil") : by ? "acknowledgedBy" : "acknowledgedAt";
    item.textContent = word(key, { level: levelWord(st.level), queue: st.name, by, time });
    return item;
  }

  // post tells the board; if it cannot, the alert comes back on the next
  // second's check (the row never said it was acknowledged).
  async post(st, fields) {
    const form = new URLSearchParams({ queue: st.name, company: st.company, ...fields });
    try {
      const res = await fetch(this.endpoint, { method: "POST", body: form, credentials: "same-origin" });
      if (res.ok) return;
    } catch {
      // offline: fall through
    }
    st.ackKey = "\u0000"; // forget the local acknowledgement at the next check
    st.snoozed = 0;
  }

  beep(times) {
    const sound = this.sound;
    if (!sound) return;
    const t0 = sound.currentTime;
    for (let i = 0; i < times; i++) {
      const osc = sound.createOscillator();
      const gain = sound.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, t0 + i * 0.3);
      gain.gain.exponentialRampToValueAtTime(0.001, t0 + i * 0.3 + 0.2);
      osc.connect(gain).connect(sound.destination);
      osc.start(t0 + i * 0.3);
      osc.stop(t0 + i * 0.3 + 0.2);
    }
  }

  /**
   * armSound wires the sound button. Sound needs a click first: browsers
   * only start audio after a gesture, and a wall board should not start
   * beeping by surprise. A display link configured with sound: true arms
   * it on load (data-sound on <body>), which works where the browser
   * allows audio without a gesture (Chromium started with
   * --autoplay-policy=no-user-gesture-required); elsewhere the button stays
   * "Sound off" for a click.
   */
  armSound(buttonEl) {
    const show = () => {
      buttonEl?.setAttribute("aria-pressed", String(this.sound !== null));
      if (buttonEl) buttonEl.textContent = this.sound ? word("soundOn") : word("soundOff");
    };
    buttonEl?.addEventListener("click", () => {
      if (this.sound) {
        this.sound.close();
        this.sound = null;
      } else {
        this.sound = new AudioContext();
        this.beep(1);
      }
      show();
    });
    if (document.body?.dataset.sound === "1" && typeof AudioContext === "function") {
      const ctx = new AudioContext();
      if (ctx.state === "running") this.sound = ctx;
      else ctx.close();
      show();
    }
  }
}

// button makes one of an alert's buttons. Its accessible name starts with
// its visible text (WCAG 2.5.3, label in name) and names the queue.
function button(text, label, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onclick);
  return b;
}
