// The live pages' client: the event stream, the API, drafts, the clock. No build step, no
// libraries; charts.js and widgets.js add the pieces the pages draw with.
//
// The page starts from the data the server rendered into #page-data. It then reads the event
// log (HTTP, then the WebSocket with `resume`) and handles each event once, in seq order:
// what the event carries is applied to the page's data (see `reducers`), and the panels are
// drawn again from it. Only the few events that carry less than the page shows (a turn
// adjudicated: the seat's private values; a turn opened: what its injects changed) make it
// fetch `now.json`, the seat's changing parts, whose size does not grow with the turns played.
// User text only ever becomes a text node: nothing here assigns innerHTML.
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const PAGE_SIZE = 1000; // the most events one GET /events answers with

  // ---- DOM -------------------------------------------------------------------------------

  /** h("p", {class: "x", for: "id", onclick: fn}, "text", child, [more]) */
  function h(tag, props, ...children) {
    const el = tag.includes(":")
      ? document.createElementNS("http://www.w3.org/2000/svg", tag.split(":")[1])
      : document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "class") el.setAttribute("class", value);
      else if (key === "text") el.textContent = String(value);
      else if (key in el && !el.namespaceURI.endsWith("svg") && key !== "list") el[key] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function fill(el, ...children) {
    el.replaceChildren();
    return append(el, children);
  }

  const $ = (id) => document.getElementById(id);

  // ---- words -----------------------------------------------------------------------------

  const roleNames = Object.fromEntries(data.view.roles.map((r) => [r.id, r.name]));
  const whoName = (id) => roleNames[id] || (id === "facilitator" ? "Facilitator" : id);
  const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  // A turn keeps its number everywhere; the scenario's name for it in the story, when it has one
  // ("Day 2, 08:00"), follows it.
  const turnStory = (n) => (data.turn_labels || {})[String(n)] || "";
  const turnName = (n) => (n ? `${capital(data.turn_label)} ${n}${turnStory(n) ? ` (${turnStory(n)})` : ""}` : "Before the first " + data.turn_label);
  const turnWord = (n) => { const name = turnName(n); return name.charAt(0).toLowerCase() + name.slice(1); };

  function variableLabel(name) {
    const meta = data.variables[name];
    return meta ? meta.label : name;
  }

  function formatValue(value, meta) {
    if (typeof value === "boolean") return value ? "yes" : "no";
    // A list of roles reads as their names; an empty one, or an empty text, as "none".
    if (Array.isArray(value)) return value.map(whoName).join(", ") || "none";
    if (typeof value !== "number") return String(value) || "none";
    const text = Number.isInteger(value)
      ? value.toLocaleString("en")
      : value.toLocaleString("en", { maximumFractionDigits: 2 });
    const unit = meta && meta.unit;
    if (!unit) return text;
    return unit === "%" ? text + "%" : `${text} ${unit}`;
  }

  function recipients(to) {
    if (to === "all") return "everyone";
    return (to || []).map(whoName).join(", ");
  }

  // ---- API -------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || `the server answered ${status}`);
      this.status = status;
      this.code = body && body.error && body.error.code;
    }
  }

  const OFFLINE = "the server could not be reached. Check your connection, then try again";

  async function request(method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = data.csrf;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (_) {
      // The browser's own words ("Failed to fetch") tell a person nothing.
      throw new ApiError(0, { error: { code: "offline", message: OFFLINE } });
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (_) {
      answer = null;
    }
    if (!response.ok) throw new ApiError(response.status, answer);
    return answer;
  }

  const api = (method, path, body) => request(method, data.urls.api + path, body);

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  // ---- notices ---------------------------------------------------------------------------

  let noticeTimer = null;

  /** A short message in the page's live region: what an action did, or why it failed. */
  function notify(text, kind) {
    const box = $("notice");
    if (!box) return;
    box.className = `notice ${kind || "ok"}`;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 12000 : 5000);
  }

  /** Run an API call from a button or form: disable it meanwhile, report the outcome. */
  async function act(control, call, done) {
    if (control) control.disabled = true;
    try {
      const answer = await call();
      if (done) notify(done);
      catchUp(); // what the call changed comes back as events, applied as any other
      return answer;
    } catch (error) {
      notify(`Not done: ${error.message}`, "error");
      return undefined;
    } finally {
      if (control) control.disabled = false;
    }
  }

  // ---- drafts ----------------------------------------------------------------------------

  const draftPrefix = `wargame:${data.exercise}:${data.seat}:`;

  /** Keep a field's value in sessionStorage, so a reload or reconnect never loses it. */
  function keepDraft(field, key) {
    const storeKey = draftPrefix + key;
    const saved = sessionStorage.getItem(storeKey);
    if (saved !== null) {
      if (field.type === "checkbox" || field.type === "radio") field.checked = saved === "1";
      else field.value = saved;
    }
    const save = () => {
      const value = field.type === "checkbox" || field.type === "radio"
        ? (field.checked ? "1" : "0")
        : field.value;
      sessionStorage.setItem(storeKey, value);
    };
    field.addEventListener("input", save);
    field.addEventListener("change", save);
    field.dataset.draft = storeKey;
  }

  function clearDrafts(form) {
    for (const field of form.querySelectorAll("[data-draft]")) {
      sessionStorage.removeItem(field.dataset.draft);
    }
  }

  // ---- the page's data, kept by the events -------------------------------------------

  const FETCH = "fetch"; // the event carries less than the page shows: fetch now.json
  const DRAW = "draw"; // the event changed the data: draw the panels again

  const roleOf = (id) => (data.view.roles || []).find((r) => r.id === id) || {};
  const myRole = () => (data.view.me.role ? data.view.me.role.id : null);
  const pending = () => data.view.rulings_pending;

  function upsert(list, item, key) {
    const at = list.findIndex((x) => x[key] === item[key]);
    if (at >= 0) list[at] = Object.assign(list[at], item);
    else list.push(item);
  }

  function drop(list, id, key) {
    const at = (list || []).findIndex((x) => x[key] === id);
    if (at >= 0) list.splice(at, 1);
  }

  /** A point of the history (the values after a turn): replaces the turn's, or is added. */
  function addPoint(point) {
    const history = data.history;
    const at = history.findIndex((p) => p.turn === point.turn);
    if (at >= 0) history[at] = point;
    else {
      history.push(point);
      history.sort((a, b) => a.turn - b.turn);
    }
  }

  /** A value set by hand: into the public state or the role's private one, where it is. */
  function setValue(name, value) {
    const mine = data.view.me.private_state;
    if (data.kind === "facilitator" || name in data.view.state) data.view.state[name] = value;
    else if (mine && name in mine) mine[name] = value;
    else return FETCH; // a value this page has not shown yet
    return DRAW;
  }

  /** Per event type: apply what the event carries to `data`; say DRAW, FETCH or nothing. */
  const reducers = {
    "message.posted": () => null, // the message list follows the events itself
    "role.outcome": () => null, // the story shows it; the values come with turn.adjudicated
    "rule.fired": () => null,
    "rule.error": () => null,
    "exercise.created": () => null,
    "exercise.forked": () => null,
    "exercise.forked_to": () => null,
    "exercise.started": () => { data.view.status = "running"; return DRAW; },
    "exercise.paused": () => {
      data.view.status = "paused";
      if (data.view.turn) data.view.turn.deadline = null; // the clock stops
      return DRAW;
    },
    "exercise.resumed": (d) => {
      data.view.status = "running";
      if (data.view.turn && d.deadline) data.view.turn.deadline = d.deadline;
      return DRAW;
    },
    "exercise.finished": (d) => {
      data.view.status = "finished";
      data.view.ending = d.ending || data.view.ending;
      return FETCH; // the ending's title and text
    },
    "turn.opened": (d) => {
      data.view.turn = { number: d.number, of: data.turns, phase: "open", deadline: d.deadline };
      for (const role of data.view.roles) Object.assign(role, { submitted: false, ready: false });
      if (data.view.me.moves) data.view.me.moves = [];
      if (pending()) data.view.rulings_pending = [];
      return FETCH; // the turn's opening injects may have changed values
    },
    "turn.closed": () => {
      if (data.view.turn) data.view.turn.phase = "adjudicating";
      return DRAW;
    },
    "turn.extended": (d) => {
      if (data.view.turn) data.view.turn.deadline = d.deadline;
      return DRAW;
    },
    "turn.adjudicated": (d) => {
      if (data.view.turn) data.view.turn.phase = "resolved";
      if ("draft" in data.view) data.view.draft = null; // published
      data.view.ending = d.ending || data.view.ending;
      // `d.state` is the public state: the whole of what an observer sees.
      if (data.kind === "facilitator") Object.assign(data.view.state, d.state);
      else data.view.state = d.state;
      const known = Object.keys(d.state).every((name) => name in data.variables);
      if (data.kind !== "observer" || !known) return FETCH; // private or hidden values
      addPoint({ turn: d.number, values: d.state });
      return DRAW;
    },
    "role.ready": (d) => { roleOf(d.role).ready = true; return DRAW; },
    "role.unready": (d) => { roleOf(d.role).ready = false; return DRAW; },
    "move.submitted": (d) => {
      roleOf(d.role).submitted = true;
      if (d.id && d.role === myRole()) upsert(data.view.me.moves, d, "id");
      if (d.id && pending() && d.action === "free_form") {
        upsert(pending(), Object.assign({ votes: [], mean: null }, d), "id");
      }
      return DRAW;
    },
    "move.withdrawn": (d) => {
      if (d.id && d.role === myRole()) drop(data.view.me.moves, d.id, "id");
      if (d.id && pending()) drop(pending(), d.id, "id");
      return FETCH; // whether the role has other moves left
    },
    "ruling.made": (d) => {
      if (pending()) drop(pending(), d.move, "id");
      return DRAW;
    },
    // Review (the facilitator's alone): each act is followed by the new draft.
    "turn.drafted": (d) => {
      if (data.view.turn) data.view.turn.phase = "review";
      data.view.draft = d;
      data.view.rulings_pending = (pending() || []).filter((m) => d.rulings_pending.includes(m.id));
      return DRAW;
    },
    "move.overridden": () => null,
    "move.rerolled": () => null,
    "narrative.edited": () => null,
    "exercise.options_set": (d) => {
      data.view.close_when = d.close_when;
      data.view.review = d.review;
      return DRAW;
    },
    "vote.cast": (d) => {
      const move = (pending() || []).find((m) => m.id === d.move);
      if (!move) return null;
      upsert(move.votes, { role: d.role, chance: d.chance }, "role");
      const mean = move.votes.reduce((sum, v) => sum + v.chance, 0) / move.votes.length;
      move.mean = Math.round(mean * 10000) / 10000;
      return DRAW;
    },
    "state.set": (d) => setValue(d.variable, d.value),
    "state.changed": (d) => setValue(d.variable, d.value),
    "seat.joined": (d) => {
      const seat = (data.seats || []).find((s) => s.name === d.seat);
      if (seat) seat.joined = true;
      return DRAW;
    },
    inject: (d) => (d.inject ? FETCH : null), // a scripted inject may change values
  };

  /** Apply one event to the page's data. Types not listed (commitments, seats given away,
   * notes, and any new one) fetch: a page that fetches too often is slower, never wrong. */
  function reduce(event) {
    const reducer = reducers[event.type];
    const outcome = reducer ? reducer(event.data || {}) : FETCH;
    data.view.last_seq = Math.max(data.view.last_seq || 0, event.seq);
    return outcome;
  }

  // ---- the event stream ------------------------------------------------------------------

  const handlers = { event: [], data: [] };
  const seen = [];
  let lastSeq = 0;

  function handle(list) {
    let draw = false;
    let fetchNow = false;
    for (const event of list) {
      if (typeof event.seq !== "number" || event.seq <= lastSeq) continue; // seen already
      lastSeq = event.seq;
      seen.push(event);
      for (const fn of handlers.event) fn(event);
      // The data was read at `last_seq`: older events (the first catch-up reads the log from
      // the start, for the story) are in it already.
      const outcome = event.seq > data.view.last_seq ? reduce(event) : null;
      draw = draw || outcome === DRAW;
      fetchNow = fetchNow || outcome === FETCH;
    }
    if (fetchNow) scheduleRefresh();
    if (draw) drawAll();
  }

  function drawAll() {
    for (const fn of handlers.data) fn(data);
  }

  let catching = null;
  let catchAgain = false;

  /** Read the log over HTTP from the last seq seen: whatever the socket missed. */
  function catchUp() {
    if (connection.stopped) return Promise.resolve();
    if (catching) {
      catchAgain = true;
      return catching;
    }
    catching = (async () => {
      try {
        do {
          catchAgain = false;
          let page;
          do {
            page = (await api("GET", `/events?since=${lastSeq}`)).events;
            handle(page);
          } while (page.length >= PAGE_SIZE);
        } while (catchAgain);
      } catch (_) {
        // offline or refused: the socket's resume, or the next try, catches up
      } finally {
        catching = null;
      }
    })();
    return catching;
  }

  let refreshTimer = null;
  let refreshing = 0; // now.json fetches in flight (for tests and people poking at the page)
  let seatDoubted = false; // the last now.json said this browser holds no seat

  /** Fetch now.json soon: the events of one change come together, one fetch serves them. */
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 50);
  }

  async function refresh() {
    refreshTimer = null;
    if (connection.stopped) return;
    refreshing += 1;
    try {
      merge(await request("GET", data.urls.now));
      seatDoubted = false;
      drawAll();
    } catch (error) {
      if (error.status !== 401 && error.status !== 403) return;
      // A refresh sent just before this browser opened or switched a seat (in this tab or
      // another) carries the session that ended then: ask once more before giving up.
      if (seatDoubted) seatLost();
      else {
        seatDoubted = true;
        scheduleRefresh();
      }
    } finally {
      refreshing -= 1;
    }
  }

  /** Take what now.json says, then apply again the events that came after it was read. */
  function merge(fresh) {
    const me = Object.assign({}, data.view.me, fresh.view.me); // keeps briefing and actions
    data.view = Object.assign(fresh.view, { me });
    for (const key of ["variables", "commitments", "ending", "seats", "injects", "schedule_from"]) {
      if (key in fresh) data[key] = fresh[key];
    }
    addPoint(fresh.point);
    for (const role of data.view.roles) roleNames[role.id] = role.name;
    let from = seen.length;
    while (from > 0 && seen[from - 1].seq > fresh.view.last_seq) from -= 1;
    for (const event of seen.slice(from)) reduce(event);
  }

  // ---- the socket ------------------------------------------------------------------------

  const connection = { socket: null, open: false, lost: false, stopped: false, tries: 0 };
  window.wargameConnection = connection; // for people (and tests) poking at the page
  let retryTimer = null;
  let pollTimer = null;
  let bannerTimer = null;

  function banner(text, kind) {
    const box = $("connection");
    clearTimeout(bannerTimer);
    if (!text) {
      box.hidden = true;
      return;
    }
    box.className = `banner ${kind}`;
    box.textContent = text;
    box.hidden = false;
  }

  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${data.urls.socket}`;
  }

  function connect() {
    if (connection.stopped) return;
    clearTimeout(retryTimer);
    let socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (_) {
      lost();
      return;
    }
    connection.socket = socket;
    socket.addEventListener("open", () => {
      if (connection.socket !== socket) return;
      socket.send(JSON.stringify({ type: "resume", since: lastSeq }));
      connection.open = true;
      connection.tries = 0;
      clearInterval(pollTimer);
      pollTimer = null;
      if (connection.lost) {
        connection.lost = false;
        banner("Connection is back. The page is up to date.", "ok");
        bannerTimer = setTimeout(() => banner(null), 5000);
      }
    });
    socket.addEventListener("message", (message) => {
      if (connection.socket !== socket) return;
      let payload;
      try {
        payload = JSON.parse(message.data);
      } catch (_) {
        return;
      }
      if (Array.isArray(payload)) handle(payload);
      else if (payload && Array.isArray(payload.events)) handle(payload.events);
      else if (payload && typeof payload.seq === "number") handle([payload]);
    });
    socket.addEventListener("close", (close) => {
      if (connection.socket !== socket) return;
      connection.socket = null;
      connection.open = false;
      // 4401: no seat (any more); 4410: the seat was given to someone else; 4403, 4404:
      // refused for good. Anything else is a dropped connection: reconnect and resume.
      if (close.code === 4401 || close.code === 4410) seatLost();
      else if (close.code === 4403 || close.code === 4404) refused(close.reason);
      else lost();
    });
  }

  function lost() {
    if (connection.stopped) return;
    connection.open = false;
    connection.lost = true;
    banner("Connection lost. Reconnecting… What you type is kept.", "warn");
    connection.tries += 1;
    const wait = Math.min(10000, 500 * 2 ** Math.min(connection.tries, 5));
    retryTimer = setTimeout(connect, wait);
    // Meanwhile the log is read over HTTP, should only the socket be broken.
    if (!pollTimer) pollTimer = setInterval(catchUp, 5000);
  }

  function stop() {
    connection.stopped = true;
    clearTimeout(refreshTimer);
    clearTimeout(retryTimer);
    clearInterval(pollTimer);
    if (connection.socket) connection.socket.close();
  }

  function seatLost() {
    stop();
    banner("This browser's seat was given to someone else. Ask the facilitator for a new link.", "error");
  }

  function refused(reason) {
    stop();
    banner(`The server refused the live updates${reason ? `: ${reason}` : ""}. Reload the page to try again.`, "error");
  }

  window.addEventListener("online", () => {
    if (!connection.open && !connection.stopped) connect();
  });

  // ---- countdown -------------------------------------------------------------------------

  const clockOffset = Date.parse(data.server_now) - Date.now();

  function describeClock() {
    const view = data.view;
    const turn = view.turn;
    if (view.status === "lobby") return "Not started yet";
    if (view.status === "finished") return "Finished";
    if (view.status === "paused") return "Paused: the clock is stopped";
    if (!turn) return "";
    if (turn.phase === "adjudicating") return "Being adjudicated…";
    // Only the facilitator sees this phase: every other seat is told "adjudicating".
    if (turn.phase === "review") return "In review: nobody sees the results until you publish";
    if (turn.phase === "resolved") return "Resolved; waiting for the next " + data.turn_label;
    if (!turn.deadline) return "No deadline";
    const left = Math.round((Date.parse(turn.deadline) - (Date.now() + clockOffset)) / 1000);
    if (left <= 0) return "Time is up";
    const m = Math.floor(left / 60);
    const s = String(left % 60).padStart(2, "0");
    return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min left` : `${m}:${s} left`;
  }

  function startClock() {
    const el = $("countdown");
    if (!el) return;
    const tick = () => { el.textContent = describeClock(); };
    tick();
    setInterval(tick, 1000);
    handlers.data.push(tick);
  }

  function statusWords(view) {
    const turn = view.turn;
    const status = { lobby: "In the lobby", running: "Running", paused: "Paused", finished: "Finished" }[view.status] || view.status;
    if (!turn) return status;
    const which = `${capital(data.turn_label)} ${turn.number} of ${turn.of}${turnStory(turn.number) ? ` · ${turnStory(turn.number)}` : ""}`;
    // Paused, a turn's phase would say "open" while no move is taken: say what holds instead.
    if (view.status === "paused") return `${status} · ${which}: moves wait until it resumes`;
    return `${status} · ${which} (${turn.phase})`;
  }

  function startStatus() {
    const el = $("status");
    if (!el) return;
    const show = () => { el.textContent = statusWords(data.view); };
    show();
    handlers.data.push(show);
  }

  // ---- start -----------------------------------------------------------------------------

  function showEnding() {
    const end = data.ending;
    for (const el of document.querySelectorAll(".ending-text")) {
      el.textContent = end ? `${end.title}. ${end.text}`.trim() : "";
    }
  }

  async function start() {
    handlers.data.push(showEnding);
    startStatus();
    startClock();
    for (const fn of handlers.data) fn(data);
    await catchUp();
    connect();
  }

  window.Wargame = {
    data, h, append, fill, $, api, act, notify, newKey, keepDraft, clearDrafts,
    ApiError, roleNames, whoName, turnName, turnWord, turnStory, variableLabel, formatValue, recipients, capital,
    handlers, seen, start, refresh, catchUp, scheduleRefresh, connection, reducers,
    busy: () => refreshing > 0 || refreshTimer !== null,
  };
})();
