// The console's scenario injects: whether and when each fired, "Send now" where sending makes
// sense, and the facilitator's changes to the schedule (to a later turn, or skipped). Loaded
// after console.js. The schedule lives in the engine's state, so the server answers for what
// each inject will do; this only shows it and sends the commands.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, act, api } = W;

  const control = (body) => api("POST", "/control", body);
  const turnWord = (n) => W.turnName(n).toLowerCase();

  function scheduleWords(inj) {
    if (inj.skipped) return "skipped: it will not fire by itself";
    if (inj.scheduled) return `moved to ${turnWord(inj.scheduled)}`;
    if (inj.at_turn) return `scripted for ${turnWord(inj.at_turn)}${inj.conditional ? ", on a condition" : ""}`;
    return inj.conditional ? "on a condition" : "sent by hand only";
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
      h("p", { class: "inject-tools" },
        canSend(inj) ? h("button", {
          type: "button", class: "button small primary",
          onclick: (e) => act(e.target, () => control({ command: "inject", inject: inj.id }), `Inject “${inj.title}” sent.`),
        }, "Send now") : null,
        canReschedule(inj) ? scheduleForm(inj) : null,
        canReschedule(inj) && !inj.skipped ? h("button", {
          type: "button", class: "button small",
          onclick: (e) => act(e.target, () => control({ command: "skip_inject", inject: inj.id }), `“${inj.title}” will not fire by itself.`),
        }, "Skip") : null));
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
