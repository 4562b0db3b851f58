// The console's scenario injects: whether and when each fired, its MSEL row (sender, channel,
// what it tests, the facilitator's notes), "Send now" where sending makes sense, and the
// facilitator's changes (to a later turn, skipped, or edited before it fires). Loaded
// after console.js. The schedule lives in the engine's state, so the server answers for what
// each inject will do; this only shows it and sends the commands.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, act, api } = W;

  const control = (body) => api("POST", "/control", body);
  const turnWord = (n) => W.turnWord(n);

  function scheduleWords(inj) {
    if (inj.skipped) return "skipped: it will not fire by itself";
    const minute = inj.after_minutes !== null && inj.after_minutes !== undefined ? `, ${inj.after_minutes} min in` : "";
    const chance = inj.chance !== null && inj.chance !== undefined ? `, chance ${inj.chance}` : "";
    if (inj.scheduled) return `moved to ${turnWord(inj.scheduled)}${minute}`;
    if (inj.at_turn) return `scripted for ${turnWord(inj.at_turn)}${minute}${inj.conditional ? ", on a condition" : ""}${chance}`;
    return inj.conditional ? `on a condition${minute}${chance}` : "sent by hand only";
  }

  const CHANNELS = ["", "email", "phone", "news", "social", "briefing"];
  const FIELDS = [
    ["title", "Title", "input"], ["text", "Text", "textarea"],
    ["to", "To (role ids or tags, with commas; empty: everyone)", "list"], ["sender", "Sender", "input"],
    ["channel", "Channel", "select"], ["after_minutes", "Minutes into the turn", "number"],
    ["expected_action", "Expected action", "textarea"], ["objective", "Objective", "input"],
    ["notes", "Notes (yours alone)", "textarea"],
  ];

  function control_(name, kind, value, id) {
    if (kind === "textarea") return h("textarea", { id, name, rows: 3, value: value || "" });
    if (kind === "select") return h("select", { id, name }, CHANNELS.map((c) => h("option", { value: c, selected: c === (value || "") }, c || "none")));
    if (kind === "list") return h("input", { id, name, type: "text", value: (value || []).join(", ") });
    if (kind === "number") return h("input", { id, name, type: "number", min: 0, max: 1440, value: value === null || value === undefined ? "" : String(value) });
    return h("input", { id, name, type: "text", value: value || "" });
  }

  /** What the form changes: only the fields whose value differs from the inject's now. */
  function changes(form, inj) {
    const out = {};
    for (const [name, , kind] of FIELDS) {
      const raw = form.elements[name].value;
      let value = raw;
      if (kind === "number") value = raw === "" ? null : Number(raw);
      else if (kind === "select") value = raw || null;
      else if (kind === "list") value = raw.split(/[,;\s]+/).filter(Boolean);
      const was = inj[name] === undefined || inj[name] === "" ? (kind === "input" || kind === "textarea" ? "" : null) : inj[name];
      if (kind === "list" ? value.join(",") !== (was || []).join(",") : value !== was) out[name] = value;
    }
    return out;
  }

  function editForm(inj) {
    const rows = FIELDS.map(([name, label, kind]) => {
      const id = `inject-${name}-${inj.id}`;
      return h("p", { class: "field" }, h("label", { for: id }, label), " ", control_(name, kind, inj[name], id));
    });
    return h("details", { class: "inject-edit" }, h("summary", {}, "Edit"),
      h("form", {
        onsubmit: (e) => {
          e.preventDefault();
          const changed = changes(e.target, inj);
          if (!Object.keys(changed).length) return;
          act(e.target.querySelector("button"), () => control({ command: "edit_inject", inject: inj.id, changes: changed }), `“${inj.title}” edited.`);
        },
      }, rows, h("button", { type: "submit", class: "button small" }, "Save the edit")));
  }

  function rowWords(inj) {
    const from = [inj.sender, inj.channel].filter(Boolean).join(" · ");
    return [
      from ? h("p", { class: "meta inject-from" }, `From ${from}`) : null,
      inj.expected_action ? h("p", { class: "meta inject-expected" }, `Expected: ${inj.expected_action}`) : null,
      inj.objective ? h("p", { class: "meta inject-objective" }, `Objective: ${inj.objective}`) : null,
      inj.notes ? h("p", { class: "meta inject-notes" }, `Notes: ${inj.notes}`) : null,
      inj.edited && inj.edited.length ? h("p", { class: "meta inject-edited" }, `Edited: ${inj.edited.join(", ")}`) : null,
    ];
  }

  function firedWords(inj) {
    if (!inj.fired_on.length && !inj.fired) return "not fired";
    const turns = inj.fired_on.map(turnWord).join(", ");
    return turns ? `fired in ${turns}` : "fired";
  }

  // Sending by hand has the effects of the scheduled firing, so it is offered only while the
  // turn is open for them, and not twice for an inject that does not repeat.
  const canSend = (inj) => data.view.status === "running" && data.view.turn
    && data.view.turn.phase === "open" && (!inj.fired || inj.repeat);
  const canReschedule = (inj) => data.view.status !== "finished" && (!inj.fired || inj.repeat);

  function scheduleForm(inj) {
    const id = `inject-turn-${inj.id}`;
    const turns = [];
    for (let t = data.schedule_from; t <= data.turns; t += 1) turns.push(t);
    if (!turns.length) return null;
    const select = h("select", { id, name: "turn" }, turns.map((t) => h("option", { value: String(t), selected: t === inj.scheduled }, W.turnName(t))));
    return h("form", {
      class: "inline-form",
      onsubmit: (e) => {
        e.preventDefault();
        const turn = Number(select.value);
        act(e.target.querySelector("button"), () => control({ command: "schedule_inject", inject: inj.id, turn }), `“${inj.title}” will fire in ${turnWord(turn)}.`);
      },
    }, h("label", { for: id }, "Fire in "), select, " ", h("button", { type: "submit", class: "button small" }, "Schedule"));
  }

  function injectItem(inj) {
    const status = firedWords(inj);
    return h("li", { class: `item inject-row${inj.fired ? " fired" : ""}`, "data-inject": inj.id },
      h("p", { class: "item-title" }, inj.title, " ",
        h("span", { class: `badge inject-status${inj.fired ? " done" : ""}` }, status)),
      h("p", { class: "meta" }, scheduleWords(inj), inj.to ? ` · to ${W.recipients(inj.to)}` : " · to everyone"),
      h("p", { class: "text" }, inj.text),
      rowWords(inj),
      h("p", { class: "inject-tools" },
        canSend(inj) ? h("button", {
          type: "button", class: "button small primary",
          onclick: (e) => act(e.target, () => control({ command: "inject", inject: inj.id }), `Inject “${inj.title}” sent.`),
        }, "Send now") : null,
        canReschedule(inj) ? scheduleForm(inj) : null,
        canReschedule(inj) && !inj.skipped ? h("button", {
          type: "button", class: "button small",
          onclick: (e) => act(e.target, () => control({ command: "skip_inject", inject: inj.id }), `“${inj.title}” will not fire by itself.`),
        }, "Skip") : null),
      canReschedule(inj) ? editForm(inj) : null);
  }

  let shown = "";

  function showInjects() {
    const list = $("scenario-injects");
    const view = data.view;
    const key = JSON.stringify([data.injects, data.schedule_from, view.status, view.turn && view.turn.phase]);
    if (key === shown) return; // redrawn only on a change, so a chosen turn keeps its value
    shown = key;
    fill(list, data.injects.length ? data.injects.map(injectItem) : h("li", { class: "empty" }, "The scenario has none."));
  }

  showInjects();
  W.handlers.data.push(showInjects);
})();
