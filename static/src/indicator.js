// The freshness indicator: the header's pill (Live, Reconnecting…, Stale
// since 10:42), and, once the board has not been live for a few seconds,
// the notice across the page that dims it ("Not live — data from 10:42:05,
// reconnecting"), so that a frozen board is obvious from across the room.
// Both change only when what they say changes.

import { hhmm, hhmmss } from "./clock.js";
import { word } from "./words.js";

let shown = "";

/** showFreshness shows f, as returned by Connection.check. */
export function showFreshness(f) {
  const pill = f.state === "live" ? word("live") : f.state === "reconnecting" ? word("reconnecting") : word("staleSince", { time: hhmm(f.lostAt) });
  const notice = f.notice ? word("notLive", { time: hhmmss(f.dataAt) }) : "";
  const key = `${f.state}\n${pill}\n${notice}`;
  if (key === shown) return;
  shown = key;
  const ind = document.getElementById("connection");
  if (ind) ind.dataset.connection = f.state;
  const label = ind?.querySelector("[data-connection-text]");
  if (label) label.textContent = pill;
  const box = document.getElementById("stale");
  if (box) {
    box.textContent = notice;
    box.hidden = !f.notice;
  }
  document.documentElement.toggleAttribute("data-not-live", f.notice);
}
