// The integration inspector's client (/admin/integrations), bundled into
// static/dist/inspector.js (npm run build). Its WebSocket (view=integrations)
// sends the page's live part (#inspector) whole, a frame whenever something
// arrived at the ingress; each replaces the one before. The connection and
// the freshness indicator are the board's.

import { Connection } from "./connection.js";
import { showFreshness } from "./indicator.js";
import { apply, Changes } from "./swap.js";
import { loadWords } from "./words.js";

loadWords();
const conn = new Connection(document.body.dataset.ws || "/ws?view=integrations", onFrame, render);

function onFrame(data) {
  apply(data, new Changes());
  render();
}

function render() {
  showFreshness(conn.check(Date.now()));
}

const wake = () => conn.wake();
addEventListener("online", wake);
addEventListener("pageshow", wake);
document.addEventListener("visibilitychange", wake);
setInterval(render, 1000);
conn.connect();
