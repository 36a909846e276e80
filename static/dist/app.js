// wallboard client. A frame's top-level elements each carry an id: with
// data-remove the element goes, an existing id is replaced, a new one is
// inserted into #<data-parent> in data-sort order. Also: reconnects, ticks
// durations, states freshness, applies the URL's filters. No build step.

const LIVE_WINDOW = 45_000; // a frame (at least a 15 s heartbeat) must arrive this often
const STALE_AFTER = 30_000; // reconnecting this long turns into "stale"
const BACKOFF_MIN = 500;
const BACKOFF_MAX = 30_000;

const params = new URLSearchParams(location.search);
if (params.get("tv") === "1") document.documentElement.classList.add("tv");

let ws = null;
let attempt = 0;
let retryTimer = 0;
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

function retry() {
  if (retryTimer) return;
  const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** attempt++);
  retryTimer = setTimeout(connect, base / 2 + Math.random() * base / 2);
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

// filter hides what the URL's q=, group= and queue= exclude, then recounts
// the header from the visible people.
function filter() {
  const q = (params.get("q") || "").trim().toLowerCase();
  const groups = params.getAll("group");
  const queue = params.get("queue");
  const counts = {};
  for (const el of document.querySelectorAll("#tiles > [data-state], #people > [data-state]")) {
    const d = el.dataset;
    el.hidden =
      (q !== "" && !(d.name || "").toLowerCase().includes(q) && !(d.extension || "").includes(q)) ||
      (groups.length > 0 && !groups.includes(d.group || ""));
    if (!el.hidden) counts[d.state] = (counts[d.state] || 0) + 1;
  }
  for (const el of document.querySelectorAll("#calls > [data-queue], #queues > [data-queue]")) {
    el.hidden = queue !== null && el.dataset.queue !== queue;
  }
  for (const el of document.querySelectorAll("[data-count-state]")) {
    el.querySelector("[data-count]").textContent = counts[el.dataset.countState] || 0;
  }
}

const hhmm = (t) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const pad = (n) => String(n).padStart(2, "0");

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

// refresh redraws what depends on new content: filters, counts, local times.
function refresh() {
  filter();
  for (const el of document.querySelectorAll("time[data-clock]")) el.textContent = hhmm(el.dateTime);
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
  if (open && !live) ws.close(4000, "no frame"); // a silent socket is dead: reopen it
  if (live) lostAt = now;
  const state = live ? "live" : now - lostAt < STALE_AFTER ? "reconnecting" : "stale";
  const ind = document.getElementById("connection");
  const label = ind?.querySelector("[data-connection-text]");
  const text = { live: "Live", reconnecting: "Reconnecting…", stale: `Stale since ${hhmm(lostAt)}` }[state];
  if (ind) ind.dataset.connection = state;
  if (label && label.textContent !== text) label.textContent = text;
}

function wake() {
  if (document.visibilityState === "visible" && !ws) {
    attempt = 0;
    connect();
  }
}

const search = document.getElementById("q");
if (search && !search.value) search.value = params.get("q") || "";
search?.addEventListener("input", () => {
  if (search.value) params.set("q", search.value);
  else params.delete("q");
  history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
  filter();
});
search?.form?.addEventListener("submit", (ev) => ev.preventDefault());

addEventListener("online", wake);
document.addEventListener("visibilitychange", wake);
setInterval(tick, 1000);
refresh();
connect();
