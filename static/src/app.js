// wallboard client: the entry point, bundled with its modules into
// static/dist/app.js (npm run build). Each module is one concern:
//
//   connection.js  the WebSocket, its backoff and the view's freshness
//   swap.js        applying a frame, recording what it changed; focus
//   filters.js     the URL's filters and sort, the header counts
//   alerts.js      queue levels and alerts, sound
//   clock.js       durations, the clock, local times
//   indicator.js   the freshness pill and the "Not live" notice
//   pages.js       the TV layout: legible sizes, pages that turn
//   replay.js      a past moment: stepping, playing, scrubbing
//   queues.js      the queue wall: waiting lists that fit, the window
//   lastweek.js    "same time last week" beside each queue
//   words.js       the words the client writes itself
//
// DOM work is batched: frames, ticks and URL changes only schedule a
// render, which runs once per animation frame and touches what changed.
//
// URL parameters (all optional, all survive a reload):
//   q=           search text (name or extension; accents optional)
//   group=       repeatable: show these groups only
//   department=  show this department only
//   queue=       show this queue's calls and figures only
//   sort=        name (default) | state | since (longest in their state
//                first) | exceptions (everyone not available first)
//   free=1       show only the people who are free
//   tv=1         TV layout: dark, legible from across the room, in pages
//   window=      the queue wall's rolling window: 15 (default), 30 or 60
//   rotate=      TV: seconds per page (default 15; 0 keeps the first page)
//   theme=       light | dark (default: dark in TV mode, else the system's)
//   me=          an extension: the agent view pins it as the viewer's own
//                row, at the top

import { Alerts } from "./alerts.js";
import { localTimes, tickClock, tickDurations } from "./clock.js";
import { Connection } from "./connection.js";
import { Filters, View } from "./filters.js";
import { showFreshness } from "./indicator.js";
import { TVLayout } from "./pages.js";
import { Replay, chartMoments } from "./replay.js";
import { fitWaiting, wireWindow } from "./queues.js";
import { LastWeek } from "./lastweek.js";
import { apply, Changes } from "./swap.js";
import { loadWords } from "./words.js";

// The pure helpers, for tests.
export { DEFAULT_THRESHOLDS, nextLevel, nextRateLevel, withOverrides } from "./alerts.js";
export { duration } from "./clock.js";
export { fold } from "./filters.js";
export { fitTiles, paginate, share } from "./pages.js";

const DEFAULT_ROTATE = 15; // seconds per TV page

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
loadWords();

/** rotatePeriod is rotate= in ms: whole seconds from 3 to 3600, or 0. */
function rotatePeriod() {
  const raw = params.get("rotate");
  const s = raw === null || raw === "" ? DEFAULT_ROTATE : Number(raw);
  if (!Number.isFinite(s)) return DEFAULT_ROTATE * 1000;
  return s <= 0 ? 0 : Math.min(3600, Math.max(3, Math.round(s))) * 1000;
}

let filters = new Filters(params);
const view = new View();
const alerts = new Alerts();
const wall = document.body.dataset.layout === "queues";
const layout = tv && !wall ? new TVLayout(rotatePeriod()) : null;
// A replayed moment has no connection: its frames come from its bar.
const replayBar = document.getElementById("replay");
const replay = replayBar ? new Replay(replayBar, onFrame) : null;
chartMoments();
const conn = replay ? null : new Connection(document.body.dataset.ws || "/ws", onFrame, schedule);
// Same time last week beside the queues: now's, so not on a past moment.
let lastWeekDue = false;
const lastWeek = replay
  ? null
  : new LastWeek(() => {
      lastWeekDue = true;
      schedule();
    });

// What the next render has to do.
const frames = []; // frames received since the last render, in order
let everything = true; // look at every element (page load, new filters, resize)
let tickDue = true; // the per-second work
let scheduled = false;

function onFrame(data) {
  frames.push(data);
  schedule();
}

// schedule asks for a render at the next animation frame. A hidden page
// gets no animation frames, so a timer stands in (browsers slow it down, and
// frames then are applied together).
let pending = { frame: 0, timer: 0 };
function schedule() {
  if (scheduled) return;
  scheduled = true;
  pending = { frame: requestAnimationFrame(render), timer: setTimeout(render, 250) };
}

function render() {
  if (!scheduled) return;
  scheduled = false;
  cancelAnimationFrame(pending.frame);
  clearTimeout(pending.timer);
  // A replayed board's clock stands at its moment.
  const now = replay ? replay.at : Date.now();
  const changes = new Changes();
  for (const f of frames.splice(0)) apply(f, changes);
  const all = everything || changes.containers.size > 0;
  everything = false;

  if (lastWeek && (all || lastWeekDue)) lastWeek.fill();
  else if (lastWeek && !changes.empty) lastWeek.fill(changes.elements);
  lastWeekDue = false;
  if (all || !changes.empty) {
    view.update(filters, all ? null : changes);
    if (all) localTimes(document);
    else for (const el of changes.elements) localTimes(el);
  }
  let at = now;
  if (conn) {
    const fresh = conn.check(now);
    showFreshness(fresh);
    // While not live, durations stay as they were when the view last was.
    if (fresh.state !== "live") at = fresh.lostAt;
  }
  const resized = []; // durations whose text changed length
  if (tickDue || all) {
    tickDue = false;
    alerts.levels(now);
    resized.push(...tickDurations(at));
    tickClock(at); // the clock stops with the timers while not live
  } else if (!changes.empty) {
    for (const el of changes.elements) resized.push(...tickDurations(at, el));
    if ([...changes.lists].some((l) => l?.id === "queues")) alerts.levels(now);
  }
  const box = document.getElementById("alerts");
  if (box) tickDurations(at, box); // a new alert's longest wait
  layout?.update(now, all ? null : changes, resized);
  if (wall && (all || !changes.empty)) fitWaiting();
}

// setParam changes one URL parameter in place (no reload, no history entry).
function setParam(name, value) {
  if (value) params.set(name, value);
  else params.delete(name);
  history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
  filters = new Filters(params);
  everything = true;
  schedule();
}

for (const input of document.querySelectorAll('input[name="q"]')) {
  if (!input.value) input.value = params.get("q") || "";
  input.addEventListener("input", () => setParam("q", input.value));
  input.form?.addEventListener("submit", (ev) => ev.preventDefault());
}
for (const select of document.querySelectorAll("#filters select")) {
  select.addEventListener("change", () => setParam(select.name, select.value));
}
for (const box of document.querySelectorAll('#filters input[name="free"]')) {
  box.addEventListener("change", () => setParam("free", box.checked ? "1" : ""));
}

alerts.armSound(document.getElementById("sound"));
wireWindow(setParam);
alerts.onChange = () => layout?.invalidateSide();

addEventListener("resize", () => {
  layout?.invalidate();
  everything = true;
  schedule();
});
const wake = () => conn?.wake();
addEventListener("online", wake);
addEventListener("pageshow", wake);
document.addEventListener("visibilitychange", wake);
setInterval(() => {
  tickDue = true;
  schedule();
}, 1000);
schedule();
conn?.connect();
lastWeek?.start();
