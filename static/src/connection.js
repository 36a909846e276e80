// The connection: one WebSocket to the page's data-ws URL, reopened with a
// short jittered backoff whenever it closes, goes silent or hangs while
// connecting, and at once when the page comes back (screen woke, network
// returned, back-forward cache).
//
// Freshness: the view is live while a socket is open and a frame (at least
// the server's 15 s heartbeat) arrived within LIVE_WINDOW. Otherwise it is
// "reconnecting", and "stale" after STALE_AFTER; the board says so to the
// room from NOT_LIVE_NOTICE on (see indicator.js).

export const LIVE_WINDOW = 45_000;
export const STALE_AFTER = 30_000;
export const NOT_LIVE_NOTICE = 3_000;
const SESSION_ENDED = 4401; // hub.CloseEnded
const CONNECT_TIMEOUT = 10_000; // a socket still connecting after this is abandoned
// The backoff stays short: a board that is back must look live within two
// seconds. Its jitter spreads the reconnections of a building full of TVs
// after a restart.
const BACKOFF_MIN = 250;
const BACKOFF_MAX = 1_500;

export class Connection {
  /**
   * @param {string} url the WebSocket URL (http(s) or ws(s))
   * @param {(data: string) => void} onFrame called with each frame, in order
   * @param {() => void} onChange called when the socket opens or closes
   */
  constructor(url, onFrame, onChange) {
    const u = new URL(url, location.href);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    this.url = u;
    this.onFrame = onFrame;
    this.onChange = onChange;
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.openedAt = 0; // when the current socket was created
    this.lastFrame = 0; // when the last frame arrived
    this.lostAt = Date.now(); // when the view stopped being live
    // What the page shows dates from its render until a frame arrives.
    this.dataAt = performance.timeOrigin || Date.now();
    this.leaving = false;
    addEventListener("beforeunload", () => (this.leaving = true));
    addEventListener("pageshow", () => (this.leaving = false));
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    const sock = new WebSocket(this.url);
    this.ws = sock;
    this.openedAt = Date.now();
    sock.onmessage = (ev) => {
      if (sock !== this.ws) return;
      this.attempt = 0;
      this.lastFrame = this.dataAt = Date.now();
      this.onFrame(String(ev.data));
    };
    sock.onclose = (ev) => {
      if (sock !== this.ws) return;
      this.ws = null;
      // 4401: the session this page was opened with ended (logged out,
      // expired). Reconnecting cannot help; reloading reaches the login
      // form, and after it this page again.
      if (ev.code === SESSION_ENDED) {
        this.onChange();
        // Not while this tab is leaving: its own logout is on its way to
        // the login form already.
        if (!this.leaving) location.reload();
        return;
      }
      // 1012 (restart) and 1013 (too slow) ask us to come back: start over.
      this.retry();
      this.onChange();
    };
  }

  // abandon drops a socket that cannot be trusted (silent, or stuck
  // connecting, typically after the TV slept or the network went away): its
  // close may take minutes to be reported, so we stop waiting for it.
  abandon() {
    const sock = this.ws;
    this.ws = null;
    sock?.close(4000, "no frame");
    this.retry();
    this.onChange();
  }

  retry() {
    if (this.retryTimer) return;
    const base = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => this.connect(), base / 2 + (Math.random() * base) / 2);
  }

  /** wake reconnects at once when the page becomes visible again. */
  wake() {
    if (document.visibilityState !== "visible") return;
    this.attempt = 0;
    if (!this.ws) this.connect();
    else if (this.ws.readyState === WebSocket.OPEN && Date.now() - this.lastFrame > LIVE_WINDOW) this.abandon();
  }

  /**
   * check runs every second: it drops a socket that went silent or hangs
   * while connecting, and returns the view's freshness at now: { state:
   * "live" | "reconnecting" | "stale", notice: whether the room must be
   * told, lostAt, dataAt }.
   */
  check(now) {
    const ws = this.ws;
    const open = ws !== null && ws.readyState === WebSocket.OPEN;
    const live = open && now - this.lastFrame <= LIVE_WINDOW;
    if (open && !live) this.abandon();
    else if (ws && ws.readyState === WebSocket.CONNECTING && now - this.openedAt > CONNECT_TIMEOUT) this.abandon();
    if (live) this.lostAt = now;
    const state = live ? "live" : now - this.lostAt < STALE_AFTER ? "reconnecting" : "stale";
    return { state, notice: !live && now - this.lostAt >= NOT_LIVE_NOTICE, lostAt: this.lostAt, dataAt: this.dataAt };
  }
}
