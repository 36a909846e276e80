// Times: live durations, the header clock and clock times in the viewer's
// time zone. Durations stop while the board is not live, so that a frozen
// board does not pretend to be counting.

import { word } from "./words.js";

const pad = (n) => String(n).padStart(2, "0");

// Clock times are written as the page's language writes them (<html lang>,
// chosen by the server), in the viewer's time zone.
const locale = () => globalThis.document?.documentElement.lang || [];

/** hhmm is t (ms or a date string) as the viewer's local hh:mm. */
export const hhmm = (t) => new Date(t).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });

/** hhmmss is t as the viewer's local hh:mm:ss. */
export const hhmmss = (t) => new Date(t).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/**
 * duration is ms as a live duration reads: "4:07" below an hour, then
 * hours and minutes ("1h 17m"), which stays short enough for a TV tile.
 */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 3600) return `${Math.floor(s / 60)}:${pad(s % 60)}`;
  return word("hoursMinutes", { h: Math.floor(s / 3600), m: pad(Math.floor(s / 60) % 60) });
}

// setText writes text only when it differs, so that an unchanged duration
// costs no DOM write (and no layout).
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * tickDurations writes every live duration (time[data-since]) under root
 * for now. A hidden one is written too, so that it is right when it shows.
 * It returns the durations that got longer or shorter ("59:59" became
 * "1h 00m"): they may need more room than they had.
 */
export function tickDurations(now, root = document) {
  const resized = [];
  for (const el of root.querySelectorAll("time[data-since]")) {
    const text = duration(now - Date.parse(el.dataset.since));
    if (el.textContent.length !== text.length) resized.push(el);
    setText(el, text);
  }
  return resized;
}

/** tickClock writes the header clock. */
export function tickClock(now) {
  const clock = document.getElementById("clock");
  if (clock) setText(clock, hhmm(now));
}

/** localTimes writes the clock times (time[data-clock]) under root. */
export function localTimes(root) {
  for (const el of root.querySelectorAll("time[data-clock]")) setText(el, hhmm(el.dateTime));
}
