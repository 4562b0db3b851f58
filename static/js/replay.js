// The replay page: the seat's events (GET /events, the projection's) stepped through one at a
// time, with the turns' states, moves, rolls and narrative from the seat's export. Nothing
// here decides what the seat may see: it shows what the server gave it, as it was at a seq.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, api } = W;
  const PAGE_SIZE = 1000;

  const events = [];
  let index = 0;
  const turnsDetail = Object.fromEntries(data.turns_detail.map((t) => [t.number, t]));
  const actionLabel = (id) => (id === "free_form" ? "Free-form move" : data.action_labels[id] || id);
  const percent = (x) => `${Math.round(x * 100)}%`;
  const fullHistory = data.history.slice();

  async function load() {
    let since = 0;
    for (;;) {
      const page = (await api("GET", `/events?since=${since}`)).events;
      events.push(...page);
      if (page.length < PAGE_SIZE) break;
      since = page[page.length - 1].seq;
    }
  }

  // ---- what was true at a point ------------------------------------------------------------

  /** The state, this turn's moves, rolls, story and the messages, after events[0..i]. */
  function at(i) {
    const upto = events.slice(0, i + 1);
    const current = events[i];
    const turn = current ? current.turn : 0;
    let values = fullHistory[0].values;
    let resolved = fullHistory[0].turn;
    const moves = new Map();
    const moved = new Set();
    for (const e of upto) {
      const d = e.data || {};
      if (e.type === "turn.opened" && turnsDetail[d.number] && turnsDetail[d.number].state_before) {
        values = turnsDetail[d.number].state_before.values;
      } else if (e.type === "turn.adjudicated") {
        const point = fullHistory.find((p) => p.turn === d.number);
        if (point) values = point.values;
        resolved = d.number;
      } else if (e.type === "state.set" && d.variable) {
        values = Object.assign({}, values, { [d.variable]: d.value });
      }
      if (e.turn !== turn) continue;
      if (e.type === "move.submitted") {
        if (d.id) moves.set(d.id, d);
        else moved.add(d.role);
      } else if (e.type === "move.withdrawn" && d.id) {
        moves.delete(d.id);
      }
    }
    return { upto, current, turn, values, resolved, moves, moved };
  }

  // ---- drawing -------------------------------------------------------------------------------

  const describe = (e) => W.eventWords(e, actionLabel);

  function showPosition(point) {
    const e = point.current;
    $("position").textContent = e
      ? `Event ${index + 1} of ${events.length} · seq ${e.seq} · ${W.turnName(e.turn)}`
      : "Nothing has happened yet.";
    fill($("current"), e ? h("p", { class: "item-title" }, h("strong", {}, W.eventHeadline(e.type)), " ", describe(e)) : null);
    const slider = $("slider");
    slider.max = String(Math.max(events.length - 1, 0));
    slider.value = String(index);
    slider.setAttribute("aria-valuetext", $("position").textContent);
    $("first").disabled = $("prev").disabled = $("prev-turn").disabled = index <= 0;
    $("last").disabled = $("next").disabled = $("next-turn").disabled = index >= events.length - 1;
  }

  function showMoves(point) {
    const detail = turnsDetail[point.turn];
    const status = {};
    if (point.resolved >= point.turn && detail) for (const m of detail.moves || []) status[m.id] = m.status;
    const items = [...point.moves.values()].map((m) => h("li", { class: "move", "data-move": m.id },
      h("p", { class: "move-head" }, h("strong", {}, W.whoName(m.role)), `: ${actionLabel(m.action)}`,
        status[m.id] ? [" ", h("span", { class: `badge ${status[m.id]}` }, status[m.id])] : null),
      Object.keys(m.params || {}).length ? h("p", { class: "meta" }, W.paramsWords(m.params)) : null,
      m.rationale ? h("p", { class: "text" }, m.rationale) : null));
    for (const role of point.moved) {
      items.push(h("li", { class: "move other" }, h("p", { class: "meta" }, `${W.whoName(role)} made a move (secret).`)));
    }
    fill($("replay-moves"), items.length ? items : h("li", { class: "empty" }, "No moves yet."));
  }

  function showRolls(point) {
    const items = [];
    for (const e of point.upto) {
      if (e.turn !== point.turn) continue;
      const d = e.data || {};
      if (e.type === "ruling.made") items.push(h("li", { class: "item" }, describe(e)));
      if (e.type === "move.overridden" || e.type === "move.rerolled") items.push(h("li", { class: "item" }, describe(e)));
      if (e.type === "vote.cast") items.push(h("li", { class: "item" }, `${W.whoName(d.role)} estimates ${percent(d.chance)}`));
    }
    // The rolls: once the turn is adjudicated, as the export gives them to this seat.
    const detail = turnsDetail[point.turn];
    if (detail && point.resolved >= point.turn) {
      for (const draw of detail.draws || []) {
        items.push(h("li", { class: `item roll ${draw.success ? "success" : "failure"}` },
          h("p", { class: "item-title" }, `${draw.label || draw.subject || draw.key}`, draw.role ? ` · ${W.whoName(draw.role)}` : ""),
          h("p", { class: "text" }, `${W.d100(draw)}: ${draw.success ? "success" : "failure"}`)));
      }
    }
    fill($("replay-rolls"), items.length ? items : h("li", { class: "empty" }, "None yet."));
  }

  function showStory(point) {
    const box = $("replay-story");
    box.replaceChildren();
    for (const e of point.upto) {
      if (e.turn !== point.turn) continue;
      const items = W.storyItems(e, actionLabel);
      if (e.type === "role.outcome" && data.kind === "facilitator") {
        // Every role's results are here: say whose each is, as the console does.
        const first = (e.data.results || [])[0] || (e.data.notices || [])[0] || {};
        for (const li of items) li.querySelector(".item-title").prepend(`${W.whoName(first.role || "")} · `);
      }
      if (items.length) W.append(W.turnSection(box, e.turn), items);
    }
    if (!box.children.length) box.append(h("p", { class: "empty" }, "Nothing yet."));
  }

  function showNotes(point) {
    const list = $("replay-notes");
    if (!list) return;
    const seq = point.current ? point.current.seq : 0;
    const notes = data.notes.filter((n) => (n.event_seq ? n.event_seq <= seq && n.turn === point.turn : n.turn === point.turn));
    fill(list, notes.length ? notes.map((n) => h("li", { class: "item note" },
      h("p", { class: "item-title" }, n.kind === "debrief" ? "Debrief" : n.event_seq ? `On event #${n.event_seq}` : `On ${W.turnWord(n.turn)}`),
      h("p", { class: "text" }, n.text))) : h("li", { class: "empty" }, "None on this point."));
  }

  function showMessages(point) {
    const items = point.upto.filter((e) => e.type === "message.posted").map(W.messageItem);
    fill($("replay-messages"), items.length ? items : h("li", { class: "empty" }, "No messages yet."));
  }

  function showState(point) {
    data.history = fullHistory.filter((p) => p.turn <= point.resolved);
    const names = Object.keys(data.variables);
    W.chartGrid($("replay-charts"), names);
    const shown = Object.fromEntries(names.filter((n) => n in point.values).map((n) => [n, point.values[n]]));
    W.stateTable($("replay-state"), shown, { showVisibility: data.kind === "facilitator" });
  }

  function showLog(point) {
    fill($("replay-log"), point.upto.map((e, k) => h("tr", { class: k === index ? "current" : null, "data-seq": e.seq },
      h("td", { class: "number" }, e.seq),
      h("td", { class: "number" }, e.turn, W.turnStory(e.turn) ? h("span", { class: "meta turn-story" }, ` (${W.turnStory(e.turn)})`) : null),
      h("td", {}, W.eventHeadline(e.type)),
      h("td", {}, describe(e)))));
    // The log scrolls inside its box to the current event; the page stays where it is.
    const box = $("replay-log").closest(".table-scroll");
    box.scrollTop = box.scrollHeight;
  }

  function show() {
    const point = at(index);
    showPosition(point);
    showMoves(point);
    showRolls(point);
    showStory(point);
    showNotes(point);
    showMessages(point);
    showState(point);
    showLog(point);
    if (point.current) history.replaceState(null, "", `#seq=${point.current.seq}`);
  }

  // ---- moving --------------------------------------------------------------------------------

  function go(i) {
    index = Math.max(0, Math.min(events.length - 1, i));
    show();
  }

  /** The first event of the next turn, or of this one (going back: of the previous one). */
  function turnStep(direction) {
    const turn = events[index] ? events[index].turn : 0;
    if (direction > 0) {
      const next = events.findIndex((e, k) => k > index && e.turn > turn);
      go(next === -1 ? events.length - 1 : next);
    } else {
      const start = events.findIndex((e) => e.turn === turn);
      const target = start < index ? turn : turn - 1;
      const first = events.findIndex((e) => e.turn >= target);
      go(first === -1 ? 0 : first);
    }
  }

  function controls() {
    $("first").addEventListener("click", () => go(0));
    $("last").addEventListener("click", () => go(events.length - 1));
    $("prev").addEventListener("click", () => go(index - 1));
    $("next").addEventListener("click", () => go(index + 1));
    $("prev-turn").addEventListener("click", () => turnStep(-1));
    $("next-turn").addEventListener("click", () => turnStep(1));
    $("slider").addEventListener("input", (e) => go(Number(e.target.value)));
    document.addEventListener("keydown", (e) => {
      if (e.target && e.target.id === "slider") return; // the slider steps by itself
      if (e.target && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const moves = {
        ArrowRight: () => go(index + 1), ArrowLeft: () => go(index - 1),
        PageDown: () => turnStep(1), PageUp: () => turnStep(-1),
        Home: () => go(0), End: () => go(events.length - 1),
      };
      if (!moves[e.key]) return;
      e.preventDefault();
      moves[e.key]();
    });
  }

  async function start() {
    controls();
    try {
      await load();
    } catch (error) {
      W.notify(`Could not read the log: ${error.message}`, "error");
      return;
    }
    const wanted = Number((location.hash.match(/seq=(\d+)/) || [])[1]);
    const found = wanted ? events.findIndex((e) => e.seq >= wanted) : -1;
    go(found === -1 ? events.length - 1 : found);
  }

  start();
})();
