// wallboard client. A frame's top-level elements each carry an id: with
// data-remove the element goes, an existing id is replaced, a new one is
// inserted into #<data-parent> in data-sort order. Also: reconnects, ticks
// durations, states freshness, applies and edits the URL's filters and sort,
// fits the TV layout to the screen, computes queue alert levels and raises
// alerts. No build step; the pure helpers are exported for tests.
//
// URL parameters (all optional, all survive a reload):
//   q=         search text (name or extension)
//   group=     repeatable: show these groups only
//   department=  show this department only
//   queue=     show this queue's calls and figures only
//   sort=      state | name (default) | since (longest in their state first)
//   tv=1       TV layout: dark, fits one screen, no scrolling
//   theme=     light | dark (default: dark in TV mode, else the system's)
//   me=        an extension: the agent view highlights it as the viewer's own
//              row (until sign-in tells us who is looking)

const LIVE_WINDOW = 45_000; // a frame (at least a 15 s heartbeat) must arrive this often
const STALE_AFTER = 30_000; // reconnecting this long turns into "stale"
const CONNECT_TIMEOUT = 10_000; // a socket still connecting after this is abandoned
const BACKOFF_MIN = 500;
const BACKOFF_MAX = 30_000;
const SNOOZE = 10 * 60_000;
const MAX_TILE_FONT = 28; // px: a TV tile's text stops growing here

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
  for (const [k, low] of Object.entries(HYSTERESIS)) {
    const v = Number(o[k]);
    if (o[k] === undefined || o[k] === "" || !Number.isFinite(v)) continue;
    t[k] = v;
    t[low] = Math.min(v, Math.max(1, v - (base[k] - base[low])));
  }
  return t;
}

/**
 * fitGrid chooses the TV grid for n tiles in a width × height box with gap
 * pixels between tiles: the column count and density ("full" or "compact")
 * that give the largest text, preferring full tiles when the sizes are
 * close. A full tile needs about 6.4 × 17 em, a compact one 3.8 × 9 em
 * (line heights, padding and border included).
 */
export function fitGrid(n, width, height, gap) {
  n = Math.max(1, n);
  let best = null;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const w = (width - gap * (cols - 1)) / cols;
    const h = (height - gap * (rows - 1)) / rows;
    if (w <= 0) break;
    if (h <= 0) continue;
    for (const [density, tall, wide, bonus] of [["full", 6.4, 17, 1.2], ["compact", 3.8, 9, 1]]) {
      const font = Math.min(h / tall, w / wide, MAX_TILE_FONT);
      if (!best || font * bonus > best.score) best = { cols, rows, font: Math.floor(font * 10) / 10, density, score: font * bonus };
    }
  }
  return best;
}

const params = new URLSearchParams(location.search);
const tv = params.get("tv") === "1";
const root = document.documentElement;
root.classList.toggle("tv", tv);

// Dark unless asked for light, or the system prefers light outside TV mode.
const lightQuery = matchMedia("(prefers-color-scheme: light)");
function theme() {
  const asked = params.get("theme");
  const light = asked === "light" || (asked !== "dark" && !tv && lightQuery.matches);
  root.dataset.theme = light ? "light" : "dark";
}
lightQuery.addEventListener("change", theme);
theme();

// --- The connection -------------------------------------------------------

let ws = null;
let attempt = 0;
let retryTimer = 0;
let openedAt = 0; // when the current socket was created
let lastFrame = 0; // when the last frame arrived
let lostAt = Date.now(); // when the view stopped being live

function connect() {
  clearTimeout(retryTimer);
  retryTimer = 0;
  if (ws && ws.readyState <= WebSocket.OPEN) return;
  const url = new URL(document.body.dataset.ws || "/ws", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const sock = new WebSocket(url);
  ws = sock;
  openedAt = Date.now();
  sock.onmessage = (ev) => {
    if (sock !== ws) return;
    attempt = 0;
    lastFrame = Date.now();
    apply(String(ev.data));
    refresh();
  };
  sock.onclose = () => {
    if (sock !== ws) return;
    ws = null;
    // 1012 (restart) and 1013 (too slow) ask us to come back: start over.
    retry();
  };
}

// abandon drops a socket that cannot be trusted (silent, or stuck
// connecting, typically after the TV slept or the network went away): its
// close may take minutes to be reported, so we stop waiting for it.
function abandon() {
  const sock = ws;
  ws = null;
  sock?.close(4000, "no frame");
  retry();
}

function retry() {
  if (retryTimer) return;
  const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** attempt++);
  retryTimer = setTimeout(connect, base / 2 + (Math.random() * base) / 2);
}

// wake reconnects at once when the page comes back (the screen woke, the
// network returned, the page left the back-forward cache), rather than at
// the end of a long backoff or a dead socket's silence.
function wake() {
  if (document.visibilityState !== "visible") return;
  attempt = 0;
  if (!ws) connect();
  else if (ws.readyState === WebSocket.OPEN && Date.now() - lastFrame > LIVE_WINDOW) abandon();
}

function apply(html) {
  const frame = document.createElement("template");
  frame.innerHTML = html;
  for (const el of [...frame.content.children]) {
    if (!el.id || el.id === "heartbeat") continue;
    const old = document.getElementById(el.id);
    if (el.hasAttribute("data-remove")) {
      old?.remove();
    } else if (old) {
      old.replaceWith(el);
    } else {
      insert(el);
    }
  }
}

function insert(el) {
  const parent = document.getElementById(el.dataset.parent || "");
  if (!parent) return;
  let before = null;
  if (parent.hasAttribute("data-sorted")) {
    const key = el.dataset.sort || "";
    before = [...parent.children].find((c) => (c.dataset.sort || "") > key) || null;
  }
  parent.insertBefore(el, before);
}

// --- Filters and sorting --------------------------------------------------

const PEOPLE = "#tiles > [data-state], #people > [data-state]";

// filter hides what the URL's q=, group=, department= and queue= exclude,
// then recounts the header from the visible people.
function filter() {
  const q = (params.get("q") || "").trim().toLowerCase();
  const groups = params.getAll("group").filter(Boolean);
  const department = params.get("department") || "";
  const queue = params.get("queue") || "";
  const counts = {};
  for (const el of document.querySelectorAll(PEOPLE)) {
    const d = el.dataset;
    // data-sort is "company<TAB>lower-case name<TAB>extension".
    const sort = d.sort || "";
    el.hidden =
      (q !== "" && !sort.slice(sort.indexOf("\t") + 1).includes(q)) ||
      (groups.length > 0 && !groups.includes(d.group || "")) ||
      (department !== "" && d.department !== department);
    if (!el.hidden) counts[d.state] = (counts[d.state] || 0) + 1;
  }
  // An agent's figures follow their tile (same company and extension).
  for (const el of document.querySelectorAll("#agents > [id]")) {
    const tile = document.getElementById("user" + el.id.slice("agent".length));
    el.hidden = tile ? tile.hidden : q !== "" && !el.textContent.toLowerCase().includes(q);
  }
  for (const el of document.querySelectorAll("#calls > [data-queue], #queues > [data-queue]")) {
    el.hidden = queue !== "" && el.dataset.queue !== queue;
  }
  for (const el of document.querySelectorAll("[data-count-state]")) {
    el.querySelector("[data-count]").textContent = counts[el.dataset.countState] || 0;
  }
}

// The board's precedence: the first state that applies colours a tile.
const STATE_ORDER = ["rt", "talking", "ringing", "dnd", "away", "available", "offline", "unknown"];

// order arranges the people as sort= asks: by name (the server's data-sort),
// by state in the board's precedence, or longest in their state first. It
// moves nothing when the order is already right.
function order() {
  const sort = params.get("sort") || "name";
  for (const list of document.querySelectorAll("#tiles, #people")) {
    const items = [...list.children];
    const key = (el) => {
      const since = el.querySelector(":scope > :is(.tile-state, .person-state) > time")?.dataset.since || "9999";
      const state = String(STATE_ORDER.indexOf(el.dataset.state)).padStart(2, "0");
      const name = el.dataset.sort || "";
      return sort === "state" ? `${state}\t${name}` : sort === "since" ? `${since}\t${name}` : name;
    };
    const keyed = items.map((el) => [key(el), el]);
    const sorted = [...keyed].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (sorted.some(([, el], i) => el !== items[i])) list.append(...sorted.map(([, el]) => el));
  }
}

// choices fills the filter form's selects from what the board shows, and
// sets every control from the URL.
function choices() {
  const form = document.getElementById("filters");
  if (!form) return;
  const values = {
    group: new Set([...document.querySelectorAll("#tiles > [data-group]")].map((el) => el.dataset.group)),
    department: new Set([...document.querySelectorAll("#tiles > [data-department]")].map((el) => el.dataset.department)),
    queue: new Set([...document.querySelectorAll("#queues > [data-queue], #calls > [data-queue]")].map((el) => el.dataset.queue)),
  };
  for (const select of form.querySelectorAll("select[data-choices]")) {
    const name = select.dataset.choices;
    const wanted = params.getAll(name).filter(Boolean);
    const all = [...new Set([...values[name], ...wanted])].filter(Boolean).sort();
    const have = [...select.options].slice(1).map((o) => o.value);
    if (all.join("\n") !== have.join("\n")) {
      select.replaceChildren(select.options[0], ...all.map((v) => new Option(v, v)));
    }
    select.value = wanted[0] || "";
  }
  form.elements.sort.value = params.get("sort") || "name";
}

// setParam changes one URL parameter in place (no reload, no history entry).
function setParam(name, value) {
  if (value) params.set(name, value);
  else params.delete(name);
  history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
  filter();
  order();
  fit();
}

for (const input of document.querySelectorAll('input[name="q"]')) {
  if (!input.value) input.value = params.get("q") || "";
  input.addEventListener("input", () => setParam("q", input.value));
  input.form?.addEventListener("submit", (ev) => ev.preventDefault());
}
for (const select of document.querySelectorAll("#filters select")) {
  select.addEventListener("change", () => setParam(select.name, select.value));
}

// me= marks the viewer's own row in the agent view.
function markMe() {
  const me = params.get("me");
  if (!me) return;
  for (const el of document.querySelectorAll("#people > [data-extension]")) {
    if (el.dataset.extension === me) el.setAttribute("aria-current", "true");
    else el.removeAttribute("aria-current");
  }
}

// --- The TV layout ----------------------------------------------------------

function fit() {
  const list = tv && document.getElementById("tiles");
  if (!list) return;
  const n = list.querySelectorAll(":scope > :not([hidden])").length;
  const gap = 6;
  const g = fitGrid(n, list.clientWidth, list.clientHeight, gap);
  if (!g) return;
  list.style.setProperty("--cols", g.cols);
  list.style.setProperty("--rows", g.rows);
  list.style.setProperty("--gap", `${gap}px`);
  list.style.setProperty("--tile-font", `${g.font}px`);
  list.dataset.density = g.density;
}
addEventListener("resize", fit);

// --- Queue levels and alerts -------------------------------------------------

const RANK = { ok: 0, amber: 1, red: 2 };
const LEVEL_WORD = { ok: "", amber: "Busy", red: "Critical" };

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

// Per queue element id: its level, the level acknowledged, and until when
// its alert is snoozed. It outlives the elements, which pushes replace.
const queueState = new Map();
let sound = null; // an AudioContext once the user armed sound

function beep(times) {
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

// levels recomputes every queue's level (the longest wait ticks, so this
// runs every second), raises alerts and beeps when a level rises.
function levels(now) {
  const base = thresholds();
  const configured = queueThresholds(base);
  const seen = new Set();
  for (const el of document.querySelectorAll("#queues > [data-queue]")) {
    const name = el.dataset.queue;
    const t = configured.get(`${el.dataset.company || ""}\n${name}`) || configured.get(`\n${name}`) || base;
    seen.add(el.id);
    const st = queueState.get(el.id) || { level: "ok", acked: "ok", snoozed: 0 };
    const wait = el.dataset.oldest ? (now - Date.parse(el.dataset.oldest)) / 1000 : 0;
    const level = nextLevel(st.level, Number(el.dataset.waiting) || 0, wait, t);
    // Once calmer than what was acknowledged, a new rise alerts again.
    if (RANK[level] < RANK[st.acked]) st.acked = level;
    if (RANK[level] > RANK[st.level] && RANK[level] > RANK[st.acked] && now >= st.snoozed && !el.hidden) {
      beep(RANK[level]);
    }
    st.level = level;
    st.name = el.dataset.queue;
    st.oldest = el.dataset.oldest || "";
    st.hidden = el.hidden;
    queueState.set(el.id, st);
    if (el.dataset.level !== level) el.dataset.level = level;
    const word = el.querySelector("[data-level-word]");
    if (word && word.textContent !== LEVEL_WORD[level]) word.textContent = LEVEL_WORD[level];
  }
  for (const id of queueState.keys()) if (!seen.has(id)) queueState.delete(id);
  alerts(now);
}

let shownAlerts = "";

// alerts lists the queues whose level is above what was acknowledged and
// that are not snoozed. It rebuilds the list only when that set changes, so
// that focus stays on its buttons and screen readers hear each alert once.
function alerts(now) {
  const box = document.getElementById("alerts");
  if (!box) return;
  const active = [...queueState].filter(([, st]) => !st.hidden && RANK[st.level] > RANK[st.acked] && now >= st.snoozed);
  const key = active.map(([id, st]) => `${id}:${st.level}`).join(" ");
  if (key === shownAlerts) return;
  shownAlerts = key;
  box.replaceChildren(
    ...active.map(([id, st]) => {
      const item = document.createElement("div");
      item.dataset.alert = st.level;
      item.dataset.testid = "alert";
      const text = document.createElement("span");
      text.textContent = `${LEVEL_WORD[st.level]}: ${st.name}`;
      item.append(text);
      if (st.oldest) {
        const since = document.createElement("time");
        since.dataset.since = st.oldest;
        item.append(" · longest ", since);
      }
      const ack = button("Acknowledge", `Acknowledge, ${st.name}`, () => {
        st.acked = st.level;
        alerts(Date.now());
      });
      const snooze = button("Snooze 10 min", `Snooze 10 min, ${st.name}`, () => {
        st.snoozed = Date.now() + SNOOZE;
        alerts(Date.now());
      });
      item.append(ack, snooze);
      return item;
    }),
  );
  tick();
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

// Sound needs a click first: browsers only start audio after a gesture,
// and a wall board should not start beeping by surprise.
const soundButton = document.getElementById("sound");
soundButton?.addEventListener("click", () => {
  if (sound) {
    sound.close();
    sound = null;
  } else {
    sound = new AudioContext();
    beep(1);
  }
  soundButton.setAttribute("aria-pressed", String(sound !== null));
  soundButton.textContent = sound ? "Sound on" : "Sound off";
});

// --- Time ---------------------------------------------------------------------

const hhmm = (t) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const pad = (n) => String(n).padStart(2, "0");

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

// refresh redraws what depends on new content: filters, order, counts,
// local times, the TV grid.
function refresh() {
  filter();
  order();
  choices();
  markMe();
  fit();
  for (const el of document.querySelectorAll("time[data-clock]")) el.textContent = hhmm(el.dateTime);
  levels(Date.now());
  tick();
}

// tick runs every second: durations, the clock and the freshness indicator.
function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll("time[data-since]")) {
    el.textContent = duration(now - Date.parse(el.dataset.since));
  }
  const clock = document.getElementById("clock");
  if (clock) clock.textContent = hhmm(now);

  const open = ws !== null && ws.readyState === WebSocket.OPEN;
  const live = open && now - lastFrame <= LIVE_WINDOW;
  if (open && !live) abandon(); // a silent socket is dead: reopen it
  else if (ws && ws.readyState === WebSocket.CONNECTING && now - openedAt > CONNECT_TIMEOUT) abandon();
  if (live) lostAt = now;
  const state = live ? "live" : now - lostAt < STALE_AFTER ? "reconnecting" : "stale";
  const ind = document.getElementById("connection");
  const label = ind?.querySelector("[data-connection-text]");
  const text = { live: "Live", reconnecting: "Reconnecting…", stale: `Stale since ${hhmm(lostAt)}` }[state];
  if (ind) ind.dataset.connection = state;
  if (label && label.textContent !== text) label.textContent = text;
}

addEventListener("online", wake);
addEventListener("pageshow", wake);
document.addEventListener("visibilitychange", wake);
setInterval(() => {
  levels(Date.now());
  tick();
}, 1000);
refresh();
connect();
