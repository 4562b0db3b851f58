// The live pages' client: the event stream, the API, drafts, charts. No build step, no libraries.
//
// The page starts from the data the server rendered into #page-data. It then reads the event
// log (HTTP, then the WebSocket with `resume`), handles each event once, in seq order, and
// reloads its data after events that change it. User text only ever becomes a text node:
// nothing here assigns innerHTML.
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
  const turnName = (n) => (n ? `${capital(data.turn_label)} ${n}` : "Before the first " + data.turn_label);

  function variableLabel(name) {
    const meta = data.variables[name];
    return meta ? meta.label : name;
  }

  function formatValue(value, meta) {
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value !== "number") return String(value);
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

  async function request(method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = data.csrf;
    const response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
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
      catchUp();
      scheduleRefresh();
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

  // ---- the event stream ------------------------------------------------------------------

  const handlers = { event: [], data: [] };
  const seen = [];
  let lastSeq = 0;

  function handle(list) {
    let changed = false;
    for (const event of list) {
      if (typeof event.seq !== "number" || event.seq <= lastSeq) continue; // seen already
      lastSeq = event.seq;
      seen.push(event);
      for (const fn of handlers.event) fn(event);
      if (event.type !== "message.posted") changed = true;
    }
    if (changed) scheduleRefresh();
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

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 120);
  }

  async function refresh() {
    if (connection.stopped) return;
    try {
      const fresh = await request("GET", data.urls.page);
      Object.assign(data, fresh);
      for (const [id, name] of data.view.roles.map((r) => [r.id, r.name])) roleNames[id] = name;
      for (const fn of handlers.data) fn(data);
    } catch (error) {
      if (error.status === 401 || error.status === 403) seatLost();
    }
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
    return `${status} · ${capital(data.turn_label)} ${turn.number} of ${turn.of} (${turn.phase})`;
  }

  function startStatus() {
    const el = $("status");
    if (!el) return;
    const show = () => { el.textContent = statusWords(data.view); };
    show();
    handlers.data.push(show);
  }

  // ---- charts ----------------------------------------------------------------------------

  /** Points [{turn, value}] of one numeric variable from the history. */
  function series(name) {
    return data.history
      .filter((p) => typeof p.values[name] === "number")
      .map((p) => ({ turn: p.turn, value: p.values[name] }));
  }

  /** An inline SVG line chart of one variable over the turns. */
  function chart(name, options) {
    const opts = Object.assign({ width: 300, height: 96, axes: true }, options || {});
    const meta = data.variables[name] || {};
    const points = series(name);
    const pad = opts.axes ? { l: 34, r: 8, t: 8, b: 20 } : { l: 2, r: 2, t: 3, b: 3 };
    const w = opts.width - pad.l - pad.r;
    const hgt = opts.height - pad.t - pad.b;
    const values = points.map((p) => p.value);
    let lo = meta.min ?? Math.min(...values, 0);
    let hi = meta.max ?? Math.max(...values, 1);
    if (!isFinite(lo)) lo = 0;
    if (!isFinite(hi) || hi <= lo) hi = lo + 1;
    const lastTurn = Math.max(data.turns || 1, 1);
    const x = (t) => pad.l + (w * t) / lastTurn;
    const y = (v) => pad.t + hgt - (hgt * (v - lo)) / (hi - lo);
    const last = points.length ? points[points.length - 1].value : null;
    const label = `${variableLabel(name)}: ` + (points.length
      ? points.map((p) => `${turnName(p.turn).toLowerCase()} ${formatValue(p.value, meta)}`).join(", ")
      : "no values yet");
    const svg = h("svg:svg", {
      viewBox: `0 0 ${opts.width} ${opts.height}`,
      width: opts.width,
      height: opts.height,
      role: "img",
      "aria-label": label,
      class: opts.axes ? "chart" : "sparkline",
    });
    if (opts.axes) {
      append(svg, [
        h("svg:line", { x1: pad.l, x2: pad.l + w, y1: pad.t + hgt, y2: pad.t + hgt, class: "axis" }),
        h("svg:line", { x1: pad.l, x2: pad.l, y1: pad.t, y2: pad.t + hgt, class: "axis" }),
        h("svg:text", { x: pad.l - 4, y: pad.t + 8, class: "tick", "text-anchor": "end" }, formatValue(hi)),
        h("svg:text", { x: pad.l - 4, y: pad.t + hgt, class: "tick", "text-anchor": "end" }, formatValue(lo)),
        h("svg:text", { x: pad.l, y: opts.height - 4, class: "tick" }, "0"),
        h("svg:text", { x: pad.l + w, y: opts.height - 4, class: "tick", "text-anchor": "end" }, String(lastTurn)),
      ]);
    }
    if (points.length > 1) {
      const d = points.map((p, i) => `${i ? "L" : "M"}${x(p.turn).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
      svg.append(h("svg:path", { d, class: "line" }));
    }
    for (const p of points.slice(-1)) {
      svg.append(h("svg:circle", { cx: x(p.turn), cy: y(p.value), r: opts.axes ? 3.5 : 2.5, class: "dot" }));
    }
    if (opts.axes && last !== null) {
      svg.append(h("svg:title", {}, label));
    }
    return svg;
  }

  /** A grid of charts, one per numeric variable in `names`. */
  function chartGrid(container, names) {
    const numeric = names.filter((n) => data.variables[n] && data.variables[n].type !== "bool");
    fill(container, numeric.map((name) => {
      const points = series(name);
      const last = points.length ? points[points.length - 1].value : null;
      return h("figure", { class: "chart-card" },
        h("figcaption", {},
          h("span", { class: "chart-title" }, variableLabel(name)),
          last === null ? null : h("span", { class: "chart-value" }, formatValue(last, data.variables[name]))),
        chart(name));
    }));
  }

  /** A table of variables: label, current value, and a sparkline over the turns. */
  function stateTable(container, values, opts) {
    const names = Object.keys(values);
    const rows = names.map((name) => {
      const meta = data.variables[name] || {};
      return h("tr", {},
        h("th", { scope: "row" }, variableLabel(name),
          opts && opts.showNames ? h("code", { class: "var-name" }, name) : null,
          opts && opts.showVisibility && meta.visibility !== "public"
            ? h("span", { class: `badge ${meta.visibility}` }, meta.visibility === "facilitator" ? "hidden" : "private")
            : null),
        h("td", { class: "number" }, formatValue(values[name], meta)),
        h("td", { class: "spark" }, meta.type === "bool" ? null : chart(name, { width: 120, height: 28, axes: false })));
    });
    fill(container, h("div", { class: "table-scroll" },
      h("table", { class: "state-table" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Variable"), h("th", { scope: "col" }, "Now"), h("th", { scope: "col" }, "Over the turns"))),
        h("tbody", {}, rows))));
  }

  // ---- turns: narrative and results ------------------------------------------------------

  /** The section of the results list for one turn, made on first use. */
  function turnSection(container, turn) {
    let section = container.querySelector(`[data-turn="${turn}"]`);
    if (section) return section.querySelector("ul");
    section = h("section", { class: "turn-results", "data-turn": turn, "aria-label": turnName(turn) },
      h("h3", {}, turnName(turn)), h("ul", { class: "items" }));
    const later = [...container.children].find((el) => Number(el.dataset.turn) < turn);
    container.insertBefore(section, later || null); // newest first
    const empty = container.querySelector(".empty");
    if (empty) empty.remove();
    return section.querySelector("ul");
  }

  function item(kind, title, ...body) {
    return h("li", { class: `item ${kind}` },
      title ? h("p", { class: "item-title" }, title) : null,
      body.filter((b) => b !== null && b !== undefined && b !== "").map((b) => (b instanceof Node ? b : h("p", { class: "text" }, b))));
  }

  /** Story items an event adds for a viewer: public narrative, injects, private results. */
  function storyItems(event, actionLabel) {
    const d = event.data || {};
    switch (event.type) {
      case "inject":
        return [item("inject", `Inject: ${d.title}`, d.text)];
      case "turn.adjudicated":
        return [item("narrative", "What happened", d.narrative && d.narrative.length
          ? h("ul", { class: "narrative" }, d.narrative.map((line) => h("li", {}, line)))
          : "Nothing visible happened.")];
      case "role.outcome":
        return (d.results || []).map((r) => item(
          r.success ? "success" : "failure",
          `${actionLabel(r.action)}: ${!r.accepted ? "refused" : r.success ? "succeeded" : "failed"}`,
          r.text, r.accepted ? null : r.reason,
        )).concat((d.notices || []).map((n) => item("notice", "Notice", n.text)));
      case "commitment.met":
      case "commitment.joined":
        return [item("commitment", `${d.label}: a private channel is open`, d.text,
          `With: ${(d.members || []).map(whoName).join(", ")}`)];
      case "exercise.finished":
        // The ending's title and text come with the page's data, reloaded after this event.
        return [item("ending", "The exercise is over", h("p", { class: "text ending-text" }))];
      case "exercise.paused":
        return [item("status", "The facilitator paused the exercise")];
      case "exercise.resumed":
        return [item("status", "The exercise resumed")];
      default:
        return [];
    }
  }

  // ---- messages --------------------------------------------------------------------------

  function messageItem(event) {
    const d = event.data;
    const channel = d.channel ? (data.commitments[d.channel] || {}).label || d.channel : null;
    const to = channel ? `on the channel “${channel}”` : `to ${recipients(d.to)}`;
    const mine = d.from === data.seat;
    return h("li", { class: `message${mine ? " mine" : ""}${channel ? " channel" : ""}` },
      h("p", { class: "message-head" },
        h("strong", {}, mine ? "You" : whoName(d.from)), ` ${to}`,
        h("span", { class: "meta" }, ` · ${turnName(event.turn).toLowerCase()}`)),
      h("p", { class: "text" }, d.body));
  }

  function startMessages(list) {
    handlers.event.push((event) => {
      if (event.type !== "message.posted") return;
      const empty = list.querySelector(".empty");
      if (empty) empty.remove();
      list.append(messageItem(event));
      list.scrollTop = list.scrollHeight;
    });
  }

  // ---- JSON Schema forms -----------------------------------------------------------------

  /** One labelled field for a property of an action's params schema. */
  function paramField(prefix, name, schema, required) {
    const id = `${prefix}-${name}`;
    const hintId = schema.description ? `${id}-hint` : null;
    const common = { id, name, "aria-describedby": hintId, required };
    let field;
    if (schema.enum) {
      field = h("select", common,
        required ? null : h("option", { value: "" }, "(none)"),
        schema.enum.map((v) => h("option", { value: v, selected: v === schema.default }, roleNames[v] || v)));
    } else if (schema.type === "integer" || schema.type === "number") {
      field = h("input", Object.assign(common, {
        type: "number",
        inputmode: schema.type === "integer" ? "numeric" : "decimal",
        step: schema.type === "integer" ? "1" : "any",
        min: schema.minimum, max: schema.maximum,
        value: schema.default ?? "",
      }));
    } else if (schema.type === "boolean") {
      field = h("input", Object.assign(common, { type: "checkbox", checked: schema.default === true }));
      return h("p", { class: "field checkbox" }, field, " ", h("label", { for: id }, schema.title || name),
        hintId ? h("span", { class: "hint", id: hintId }, schema.description) : null);
    } else if ((schema.maxLength || 0) > 200) {
      field = h("textarea", Object.assign(common, { rows: 3, maxlength: schema.maxLength }));
    } else {
      field = h("input", Object.assign(common, { type: "text", maxlength: schema.maxLength }));
    }
    field.dataset.type = schema.type || "string";
    return h("p", { class: "field" }, h("label", { for: id }, schema.title || name),
      hintId ? h("span", { class: "hint", id: hintId }, schema.description) : null, field);
  }

  /** The params object a form holds, typed as its schema says. */
  function paramValues(form, schema) {
    const params = {};
    for (const name of Object.keys(schema.properties || {})) {
      const field = form.elements.namedItem(name);
      if (!field) continue;
      const type = field.dataset.type;
      if (field.type === "checkbox") params[name] = field.checked;
      else if (field.value === "") continue;
      else if (type === "integer" || type === "number") params[name] = Number(field.value);
      else params[name] = field.value;
    }
    return params;
  }

  function setParamValues(form, params) {
    for (const [name, value] of Object.entries(params || {})) {
      const field = form.elements.namedItem(name);
      if (!field) continue;
      if (field.type === "checkbox") field.checked = Boolean(value);
      else field.value = String(value);
      field.dispatchEvent(new Event("input"));
    }
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
    ApiError, whoName, turnName, variableLabel, formatValue, recipients, capital,
    chart, chartGrid, stateTable, turnSection, storyItems, item, messageItem, startMessages,
    paramField, paramValues, setParamValues, handlers, seen, start, refresh, catchUp,
    scheduleRefresh, connection,
  };
})();
