// The words the client writes itself. Everything else a person reads comes
// from the server, already in their language; until the page carries its
// own table (a JSON object in <script type="application/json" id="words">,
// keyed as below), these English words are used. {name} in a word is
// replaced by the parameter of that name.

const ENGLISH = Object.freeze({
  live: "Live",
  reconnecting: "Reconnecting…",
  staleSince: "Stale since {time}",
  notLive: "Not live — data from {time}, reconnecting",
  busy: "Busy",
  critical: "Critical",
  alert: "{level}: {queue}",
  longest: " · longest ",
  acknowledge: "Acknowledge",
  acknowledgeQueue: "Acknowledge, {queue}",
  snooze: "Snooze 10 min",
  snoozeQueue: "Snooze 10 min, {queue}",
  acknowledgedBy: "{queue}: {level} acknowledged by {by} at {time}",
  acknowledgedAt: "{queue}: {level} acknowledged at {time}",
  snoozedBy: "{queue}: snoozed by {by} until {time}",
  snoozedUntil: "{queue}: snoozed until {time}",
  soundOn: "Sound on",
  soundOff: "Sound off",
  page: "Page {page} of {pages}",
  more: "+{n} more",
  noMatch: "No colleague matches “{q}”",
  noMatchFree: "No free colleague matches “{q}”",
  noneFree: "No colleague is free",
  hoursMinutes: "{h}h {m}m",
  lastWeek: "Last week: SL {sl}% · {offered} offered",
  lastWeekNoSL: "Last week: {offered} offered",
  lastWeekTitle: "The same weekday a week ago ({day}), the calls that ended by {time}",
});

let table = ENGLISH;

/** loadWords reads the page's table of words, when it has one. */
export function loadWords(doc = document) {
  const el = doc.getElementById("words");
  if (!el) return;
  try {
    table = { ...ENGLISH, ...JSON.parse(el.textContent || "{}") };
  } catch {
    table = ENGLISH; // a broken table must not leave the board without words
  }
}

/** word is the word for key with params filled in. */
export function word(key, params = {}) {
  const w = table[key] ?? ENGLISH[key] ?? key;
  return w.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}
