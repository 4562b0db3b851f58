// The facilitator console: run the turns, rule on free-form moves, inject, set values, manage
// seats, and read everything, the full event log included. Forms are built once (or once per
// move to rule on) and never re-rendered, so drafts survive live updates.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, api, act } = W;

  const control = (body, done) => api("POST", "/control", body).then((answer) => {
    if (done) W.notify(done);
    return answer;
  });

  // ---- controls --------------------------------------------------------------------------

  const COMMANDS = {
    start: { done: "The exercise has started.", when: (v) => v.status === "lobby" },
    close_turn: { done: "The turn is closed.", when: (v) => v.status !== "finished" && v.turn && v.turn.phase === "open" },
    open_next_turn: { done: "The next turn is open.", when: (v) => v.status === "running" && v.turn && v.turn.phase === "resolved" },
    pause: { done: "Paused.", when: (v) => v.status === "running" },
    resume: { done: "Resumed.", when: (v) => v.status === "paused" },
    finish: { done: "The exercise is finished.", when: (v) => v.status !== "finished" },
  };

  function buildControls() {
    for (const button of document.querySelectorAll("[data-command]")) {
      const command = button.dataset.command;
      button.addEventListener("click", () => {
        if (command === "finish" && !window.confirm("Finish the exercise for everyone? This cannot be undone.")) return;
        act(button, () => api("POST", "/control", { command }), COMMANDS[command].done);
      });
    }
    const extend = $("extend-form");
    W.keepDraft(extend.elements.namedItem("minutes"), "extend");
    extend.addEventListener("submit", (e) => {
      e.preventDefault();
      const seconds = Math.round(Number(extend.elements.namedItem("minutes").value) * 60);
      act(extend.querySelector("button"), () => api("POST", "/control", { command: "extend", seconds }), "The deadline is later.");
    });
  }

  function showControls() {
    const view = data.view;
    for (const button of document.querySelectorAll("[data-command]")) {
      button.disabled = !COMMANDS[button.dataset.command].when(view);
    }
    // Only a deadline can be extended; paused, the deadline is held back, not shown.
    const open = view.turn && view.turn.phase === "open" && view.status !== "finished";
    const untimed = open && view.status !== "paused" && !view.turn.deadline;
    $("extend-form").querySelector("button").disabled = !open || untimed;
    $("extend-note").hidden = !untimed;
    // A finished exercise takes no more messages (the server refuses them): no form invites one.
    const over = view.status === "finished";
    for (const id of ["message-form", "inject-form"]) if ($(id)) $(id).hidden = over;
  }

  // ---- seats -----------------------------------------------------------------------------

  function seatRow(seat, roles) {
    const role = roles.find((r) => r.id === seat.name);
    const turn = role && data.view.turn ? (role.ready ? "in" : role.submitted ? "has moved" : "not yet") : "";
    const tools = h("div", { class: "seat-tools" });
    const out = h("div", { class: "new-link", hidden: true });
    if (seat.kind === "role") {
      const policy = h("select", { id: `bot-${seat.name}`, "aria-label": `Bot policy for ${seat.label}` },
        data.policies.map((p) => h("option", { value: p, selected: p === seat.bot }, p)));
      W.append(tools, [
        h("button", {
          type: "button", class: "button small",
          onclick: (e) => newLink(e.target, seat, out),
        }, "New link"),
        data.policies.length ? [policy, h("button", {
          type: "button", class: "button small",
          onclick: (e) => giveToBot(e.target, seat, policy.value),
        }, seat.bot ? "Change the bot" : "Give to a bot")] : null,
      ]);
    }
    // data-label: the column's name, shown before each cell where a phone stacks the rows.
    return h("tr", { "data-seat": seat.name },
      h("th", { scope: "row" }, seat.label),
      h("td", { "data-label": "Joined" }, seat.bot ? "(a bot)" : seat.joined ? "joined" : "not yet"),
      h("td", { "data-label": "This turn" }, turn),
      h("td", { "data-label": "Played by" }, seat.bot ? `bot: ${seat.bot}` : seat.kind === "role" ? "a person" : ""),
      h("td", {}, tools, out));
  }

  function giveToBot(button, seat, policy) {
    const now = seat.bot ? `a bot (${seat.bot})` : seat.joined ? "a person, who has joined" : "a person, who has not joined yet";
    const question = `${seat.label} is played by ${now}. Give it to a bot playing “${policy}”?`
      + (seat.bot ? "" : " Its player's link stops working: to hand it back, give the role a new link.");
    if (!window.confirm(question)) return;
    act(button, () => api("POST", "/control", { command: "replace_seat", role: seat.name, bot_policy: policy }), `A bot (${policy}) plays ${seat.label}.`);
  }

  async function newLink(button, seat, out) {
    if (!window.confirm(`Give ${seat.label} a new link? The old one stops working.`)) return;
    const answer = await act(button, () => api("POST", "/control", { command: "replace_seat", role: seat.name }), `${seat.label} has a new link.`);
    if (!answer || !answer.url) return;
    newLinks[seat.name] = answer.url;
    showLink(seat, out, answer.url);
  }

  const newLinks = {}; // shown until the page is left: the server keeps only a hash

  function showLink(seat, out, url) {
    const id = `new-link-${seat.name}`;
    fill(out,
      h("label", { for: id }, "New link (shown only now): "),
      h("input", { id, type: "text", readonly: true, value: url, class: "link-field" }));
    out.hidden = false;
  }

  let seatsShown = "";

  function showSeats() {
    // Redrawn only when something changed, so a control in it keeps the focus meanwhile.
    const key = JSON.stringify([data.seats, data.view.roles]);
    if (key === seatsShown) return;
    seatsShown = key;
    const rows = data.seats.map((seat) => seatRow(seat, data.view.roles));
    fill($("seats"), h("div", { class: "table-scroll" }, h("table", { class: "seat-table" },
      h("thead", {}, h("tr", {}, ["Seat", "Joined", "This turn", "Played by", "Tools"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows))));
    for (const [name, url] of Object.entries(newLinks)) {
      const row = $("seats").querySelector(`[data-seat="${CSS.escape(name)}"]`);
      const seat = data.seats.find((s) => s.name === name);
      if (row && seat) showLink(seat, row.querySelector(".new-link"), url);
    }
  }

  // ---- rulings ---------------------------------------------------------------------------

  const rulingForms = new Map();

  function rulingForm(move) {
    const p = `rule-${move.id}`;
    const chance = h("input", { type: "radio", name: "kind", value: "chance", id: `${p}-chance`, checked: true });
    const outcome = h("input", { type: "radio", name: "kind", value: "outcome", id: `${p}-outcome` });
    const percent = h("input", { type: "number", name: "percent", id: `${p}-percent`, min: 0, max: 100, step: 1, value: 50 });
    const result = h("select", { name: "result", id: `${p}-result` },
      h("option", { value: "success" }, "It succeeds"), h("option", { value: "failure" }, "It fails"));
    const narrative = h("textarea", { name: "narrative", id: `${p}-narrative`, rows: 2 });
    const failure = h("textarea", { name: "failure", id: `${p}-failure`, rows: 2 });
    const votes = h("p", { class: "meta votes" });
    const shared = W.audienceField ? W.audienceField(p, move.role) : null;
    const form = h("form", { class: "ruling", "data-move": move.id },
      h("p", { class: "item-title" }, `${W.whoName(move.role)}: free-form move`),
      h("p", { class: "text" }, move.rationale),
      votes,
      h("fieldset", {}, h("legend", {}, "Ruling"),
        h("p", { class: "field checkbox" }, chance, " ", h("label", { for: chance.id }, "Roll a chance")),
        h("p", { class: "field" }, h("label", { for: percent.id }, "Chance of success (%)"), percent),
        h("p", { class: "field checkbox" }, outcome, " ", h("label", { for: outcome.id }, "Decide the outcome")),
        h("p", { class: "field" }, h("label", { for: result.id }, "Outcome"), result)),
      h("p", { class: "field" }, h("label", { for: narrative.id }, "Narrative on success"), narrative),
      h("p", { class: "field" }, h("label", { for: failure.id }, "Narrative on failure"), failure),
      shared,
      h("button", { type: "submit", class: "button primary" }, "Rule"));
    for (const field of form.elements) {
      if (field.name) W.keepDraft(field, `${p}:${field.id}`);
    }
    // Until the facilitator types a chance, it follows the players' mean estimate.
    if (sessionStorage.getItem(percent.dataset.draft) !== null) percent.dataset.touched = "1";
    percent.addEventListener("input", (e) => { if (e.isTrusted) percent.dataset.touched = "1"; });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = { move: move.id, narrative: narrative.value, failure_narrative: failure.value };
      if (shared) body.audience = shared.value();
      if (chance.checked) body.chance = Number(percent.value) / 100;
      else body.outcome = result.value;
      act(form.querySelector("button"), () => api("POST", "/rulings", body), "Ruling recorded.").then((ok) => {
        if (ok) W.clearDrafts(form);
      });
    });
    form.votes = votes;
    return form;
  }

  function showRulings() {
    const box = $("rulings");
    const pending = data.view.rulings_pending || [];
    for (const [id, form] of rulingForms) {
      if (!pending.some((m) => m.id === id)) {
        form.remove();
        rulingForms.delete(id);
      }
    }
    for (const move of pending) {
      let form = rulingForms.get(move.id);
      if (!form) rulingForms.set(move.id, form = rulingForm(move));
      const votes = move.votes.map((v) => `${W.whoName(v.role)} ${Math.round(v.chance * 100)}%`);
      form.votes.textContent = votes.length
        ? `Players' estimates: ${votes.join(", ")}; mean ${Math.round(move.mean * 100)}%.`
        : "No estimates from the players yet.";
      const percent = form.elements.namedItem("percent");
      if (move.mean !== null && !percent.dataset.touched) percent.value = Math.round(move.mean * 100);
      box.append(form);
    }
    const empty = box.querySelector(".empty");
    if (pending.length && empty) empty.remove();
    if (!pending.length && !empty) box.append(h("p", { class: "empty" }, "None waiting."));
  }

  // ---- commitments -----------------------------------------------------------------------

  // A signal counts when its turn is adjudicated: until then it is only a move of this turn,
  // so the panel lists both, or it would say nobody signalled while the presses are listed.
  function pendingSignals(id) {
    const commits = data.action_commits || {};
    const roles = [...turnMoves.values()].filter((m) => commits[m.action] === id).map((m) => m.role);
    return [...new Set(roles)];
  }

  function signalWords(c, pending) {
    const counted = c.committed.length ? `Signalled by ${c.committed.map(W.whoName).join(", ")}.` : "";
    const fresh = pending.filter((r) => !c.committed.includes(r));
    const waiting = fresh.length
      ? `Signalled this ${data.turn_label}, counted when it is adjudicated: ${fresh.map(W.whoName).join(", ")}.`
      : "";
    return [counted, waiting].filter(Boolean).join(" ") || "Nobody has signalled yet.";
  }

  function showCommitments() {
    const all = Object.entries(data.view.commitments || {});
    if (!all.length) return;
    fill($("commitments"), all.map(([id, c]) => h("li", { class: "item", "data-commitment": id },
      h("p", { class: "item-title" }, (data.commitments[id] || {}).label || id, " ",
        h("span", { class: "badge" }, c.met ? "met: the channel is open" : "not met")),
      h("p", { class: "text" }, signalWords(c, pendingSignals(id))))));
  }

  // ---- objectives ------------------------------------------------------------------------

  function showObjectives() {
    const all = Object.entries(data.view.objectives || {});
    const ended = data.view.role_endings || {};
    if (!all.length && !Object.keys(ended).length) return;
    const roles = [...new Set([...all.map(([role]) => role), ...Object.keys(ended)])];
    const goals = Object.fromEntries(all);
    fill($("objectives"), roles.map((role) => h("li", { class: "role-objectives", "data-role": role },
      h("h3", {}, W.whoName(role)),
      ended[role] ? h("p", { class: "role-ending" }, h("strong", {}, `Ending: ${ended[role].title}.`), ` ${ended[role].text}`) : null,
      h("ul", { class: "items" }, ...W.objectiveItems(goals[role] || [])))));
  }

  // ---- moves this turn, from the log -----------------------------------------------------

  const turnMoves = new Map();

  function trackMoves(event) {
    const d = event.data || {};
    if (event.type === "turn.opened") turnMoves.clear();
    else if (event.type === "move.submitted" && d.id) turnMoves.set(d.id, d);
    else if (event.type === "move.withdrawn") turnMoves.delete(d.id);
    else return;
    const list = $("turn-moves");
    const items = [...turnMoves.values()].map((m) => h("li", { class: "move" },
      h("p", { class: "move-head" }, h("strong", {}, W.whoName(m.role)), `: ${actionLabel(m.action)}`),
      Object.keys(m.params || {}).length ? h("p", { class: "meta" }, W.paramsWords(m.params)) : null,
      m.rationale ? h("p", { class: "text" }, m.rationale) : null));
    fill(list, items.length ? items : h("li", { class: "empty" }, "No moves yet."));
    showCommitments();
  }

  // ---- messages and injects --------------------------------------------------------------

  function roleBoxes(container, prefix) {
    fill(container, data.view.roles.map((r) => h("li", {},
      h("input", { type: "checkbox", name: "role", value: r.id, id: `${prefix}-${r.id}` }), " ",
      h("label", { for: `${prefix}-${r.id}` }, r.name))));
  }

  const ticked = (form) => [...form.querySelectorAll('input[name="role"]:checked')].map((b) => b.value);

  function buildMessages() {
    roleBoxes($("message-targets"), "to");
    const form = $("message-form");
    for (const field of form.querySelectorAll("input, textarea")) W.keepDraft(field, `message:${field.id}`);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = form.elements.namedItem("body");
      const to = ticked(form);
      const sent = await act(form.querySelector('button[type="submit"]'), () => api("POST", "/messages", { to: to.length ? to : "all", body: body.value }), "Message sent.");
      if (sent) {
        body.value = "";
        sessionStorage.removeItem(body.dataset.draft);
      }
    });
  }

  // The scenario's injects are console-injects.js's; this is the ad-hoc one.
  function buildInjects() {
    roleBoxes($("inject-targets"), "inject-to");
    const form = $("inject-form");
    for (const field of form.querySelectorAll("input, textarea")) W.keepDraft(field, `inject:${field.id}`);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const to = ticked(form);
      const body = { command: "inject", title: form.elements.namedItem("title").value, text: form.elements.namedItem("text").value };
      if (to.length) body.to = to;
      const sent = await act(form.querySelector('button[type="submit"]'), () => api("POST", "/control", body), "Inject sent.");
      if (sent) {
        W.clearDrafts(form);
        form.reset();
      }
    });
  }

  // ---- state -----------------------------------------------------------------------------

  function buildSetForm() {
    const form = $("set-form");
    const select = form.elements.namedItem("variable");
    fill(select, Object.keys(data.variables).map((name) => h("option", { value: name }, `${W.variableLabel(name)} (${name})`)));
    for (const field of form.elements) if (field.name) W.keepDraft(field, `set:${field.name}`);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const raw = form.elements.namedItem("value").value.trim();
      const kind = (data.variables[select.value] || {}).type;
      // Texts and choices go as written, a list of roles as its comma-separated ids; the server
      // says what does not fit.
      const value = kind === "text" || kind === "choice" ? raw
        : kind === "roles" ? raw.split(",").map((id) => id.trim()).filter((id) => id)
          : raw === "true" ? true : raw === "false" ? false : Number(raw);
      if (typeof value === "number" && (raw === "" || !isFinite(value))) {
        W.notify("Not done: the value must be a number, true or false.", "error");
        return;
      }
      const body = { command: "set_state", variable: select.value, value, reason: form.elements.namedItem("reason").value };
      const done = await act(form.querySelector("button"), () => api("POST", "/control", body), `${W.variableLabel(select.value)} is set.`);
      if (done) {
        form.elements.namedItem("value").value = "";
        form.elements.namedItem("reason").value = "";
        W.clearDrafts(form);
      }
    });
  }

  function showState() {
    const globals = Object.keys(data.variables).filter((n) => !data.variables[n].owner);
    W.chartGrid($("state-charts"), globals);
    W.stateTable($("state"), data.view.state, { showNames: true, showVisibility: true });
  }

  // ---- log and story ---------------------------------------------------------------------

  const actionLabel = (id) => (id === "free_form" ? "Free-form move" : data.action_labels[id] || id);

  function onEvent(event) {
    $("event-log").append(h("tr", { "data-type": event.type },
      h("td", { class: "number" }, event.seq),
      h("td", { class: "number" }, event.turn),
      h("td", {}, W.eventHeadline(event.type)),
      h("td", { class: "text" }, W.eventWords(event, actionLabel))));
    trackMoves(event);
    let items = W.storyItems(event, actionLabel);
    if (event.type === "role.outcome") {
      items = items.map((li) => {
        const first = (event.data.results || [])[0] || (event.data.notices || [])[0] || {};
        li.querySelector(".item-title").prepend(`${W.whoName(first.role || "")} · `);
        return li;
      });
    }
    if (items.length) W.append(W.turnSection($("results"), event.turn), items);
  }

  buildControls();
  buildMessages();
  buildInjects();
  buildSetForm();
  W.startMessages($("messages"));
  W.handlers.event.push(onEvent);
  W.handlers.data.push(() => {
    showControls();
    showSeats();
    showRulings();
    showCommitments();
    showObjectives();
    showState();
  });
  W.start();
})();
