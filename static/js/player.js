// The player's page: the role's actions as forms, its moves, messages, results and the world.
// Forms are built once and never re-rendered, so what a player is typing survives every
// update; their drafts are also kept in sessionStorage for reloads.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, api, act } = W;
  const me = data.view.me;
  const FREE_FORM = "free_form";

  const actionLabels = Object.fromEntries(me.actions.map((a) => [a.id, a.label]));
  actionLabels[FREE_FORM] = "Free-form move";
  actionLabels.answer_offer = "Answer an offer";
  const actionLabel = (id) => actionLabels[id] || id;

  const canMove = () => !data.view.me.bot && data.view.status === "running" && data.view.turn && data.view.turn.phase === "open";

  // ---- actions ---------------------------------------------------------------------------

  // Until the server has priced a move (player-checks.js), a cost written as a formula is
  // only named: the formula itself means nothing to a player.
  function costWords(cost) {
    return Object.entries(cost || {}).map(([key, amount]) => {
      const name = key.startsWith("me.") ? `${me.role.id}.${key.slice(3)}` : key;
      const meta = data.variables[name];
      const what = meta ? meta.label : key;
      return typeof amount === "number" ? `${W.formatValue(amount, meta)} of ${what}` : `some ${what}, by what you choose`;
    });
  }

  let replacing = null; // the live move a submission replaces, whichever action it is

  const forms = {};

  function actionCard(action) {
    const prefix = `act-${action.id}`;
    const schema = action.params || { properties: {} };
    const required = new Set(schema.required || []);
    const form = h("form", { class: "action-form", "data-action": action.id, novalidate: true });
    for (const [name, prop] of Object.entries(schema.properties || {})) {
      form.append(W.paramField(prefix, name, prop, required.has(name)));
    }
    const free = action.id === FREE_FORM;
    const why = h("textarea", { id: `${prefix}-why`, name: "rationale", rows: free ? 4 : 2, required: free, maxlength: 20000 });
    form.append(
      h("p", { class: "field" },
        h("label", { for: why.id }, free ? "What do you do, and why should it work?" : "Why (optional, the facilitator sees it)"),
        why),
      h("p", { class: "replacing", hidden: true }, "This replaces your earlier move."),
      h("p", {}, h("button", { type: "submit", class: "button primary submit" }, free ? "Submit the free-form move" : "Submit this move")));
    for (const field of form.elements) {
      if (field.name) W.keepDraft(field, `${prefix}:${field.name}`);
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form, action);
    });
    // A key names one body: an edited move is another move, with a key of its own.
    form.addEventListener("input", () => { delete form.dataset.key; });
    forms[action.id] = form;
    const costs = costWords(action.cost);
    return h("details", { class: "action", id: prefix },
      h("summary", {},
        h("span", { class: "action-label" }, action.label),
        action.free ? h("span", { class: "badge" }, "free") : null,
        h("span", { class: "badge check-badge", hidden: true }, "refused now"),
        h("span", { class: "action-cost" }, costs.length ? `costs ${costs.join(", ")}` : "")),
      action.description ? h("p", {}, action.description) : null,
      h("p", { class: "meta cost-line", hidden: !costs.length }, h("strong", {}, "Costs: "), h("span", { class: "cost-words" }, costs.join(", "))),
      h("p", { class: "check-status", role: "status" }),
      action.requires && action.requires.length
        ? h("div", { class: "needs" }, h("p", { class: "meta" }, h("strong", {}, "Needs: "), "refused with one of these reasons when its conditions do not hold:"),
          h("ul", { class: "meta" }, action.requires.map((r) => h("li", {}, r))))
        : null,
      form);
  }

  async function submit(form, action) {
    if (!canMove()) {
      W.notify("Not done: the turn is not open for moves.", "error");
      return;
    }
    const rationale = form.elements.namedItem("rationale").value;
    if (action.id === FREE_FORM && !rationale.trim()) {
      W.notify("Not done: say what your free-form move is.", "error");
      form.elements.namedItem("rationale").focus();
      return;
    }
    const button = form.querySelector(".submit");
    const replaces = replacing && replacing.id;
    const body = {
      action: action.id,
      params: W.paramValues(form, action.params || {}),
      rationale,
      idempotency_key: form.dataset.key || (form.dataset.key = W.newKey()),
    };
    // One request: the server withdraws the old move only if it accepts the new one.
    if (replaces) body.replaces = replaces;
    const done = await act(button, () => api("POST", "/moves", body),
      replaces ? "Move replaced." : "Move submitted.");
    if (done) {
      delete form.dataset.key;
      W.clearDrafts(form);
      form.reset();
      if (replaces) cancelReplace();
    }
  }

  /** Replace a live move by a move of any action: its own form opens filled in with it. */
  function replace(move) {
    replacing = { id: move.id, action: move.action };
    const words = [actionLabel(move.action), W.paramsWords(move.params)].filter(Boolean).join(": ");
    $("replacing-what").textContent = words;
    $("replacing-banner").hidden = false;
    for (const f of Object.values(forms)) f.querySelector(".replacing").hidden = false;
    if (W.checkMoves) W.checkMoves();
    const form = forms[move.action];
    if (!form) return;
    W.setParamValues(form, move.params);
    const why = form.elements.namedItem("rationale");
    why.value = move.rationale || "";
    why.dispatchEvent(new Event("input"));
    const card = form.closest("details");
    card.open = true;
    $("act-heading").scrollIntoView({ block: "start" });
    (form.querySelector("input, select, textarea") || why).focus();
  }

  function cancelReplace() {
    replacing = null;
    $("replacing-banner").hidden = true;
    for (const f of Object.values(forms)) f.querySelector(".replacing").hidden = true;
    if (W.checkMoves) W.checkMoves();
  }

  function buildActions() {
    const list = $("actions");
    const cards = me.actions.map(actionCard);
    if (data.free_form) {
      cards.push(actionCard({
        id: FREE_FORM,
        label: "Free-form move",
        description: "Anything the listed actions do not cover. The facilitator rules on it: an outcome, or a chance the server rolls.",
        params: { properties: {} },
        cost: {},
        requires: [],
      }));
    }
    fill(list, cards);
    const specs = Object.fromEntries(me.actions.map((a) => [a.id, a]));
    specs[FREE_FORM] = { id: FREE_FORM, params: { properties: {} } };
    W.checkMoves = W.startMoveChecks(forms, specs, () => replacing && replacing.id);
    $("keep-move").addEventListener("click", () => cancelReplace());
  }

  // ---- this turn's moves -----------------------------------------------------------------

  const moveItems = new Map();

  function moveItem(move) {
    const vote = h("input", { type: "number", id: `vote-${move.id}`, min: 0, max: 100, step: 1, inputmode: "numeric" });
    W.keepDraft(vote, `vote:${move.id}`);
    const li = h("li", { class: "move", "data-move": move.id },
      h("p", { class: "move-head" }, h("strong", { class: "move-action" }), " ", h("span", { class: "badge move-status" })),
      h("p", { class: "move-params meta" }),
      h("p", { class: "move-text text" }),
      h("p", { class: "move-buttons" },
        h("button", { type: "button", class: "button small", onclick: () => replace(move) }, "Replace"),
        " ",
        h("button", {
          type: "button", class: "button small danger",
          onclick: (e) => act(e.target, () => api("DELETE", `/moves/${move.id}`), "Move withdrawn."),
        }, "Withdraw")),
      move.action === FREE_FORM
        ? h("form", {
          class: "vote-form",
          onsubmit: (e) => {
            e.preventDefault();
            const chance = Number(vote.value) / 100;
            act(e.target.querySelector("button"), () => api("POST", `/moves/${move.id}/votes`, { chance }), "Estimate sent to the facilitator.");
          },
        },
        h("label", { for: vote.id }, "Your estimate of its chance (%)"), " ", vote, " ",
        h("button", { type: "submit", class: "button small" }, "Send estimate"))
        : null);
    return li;
  }

  function showMoves() {
    const list = $("my-moves");
    const moves = data.view.me.moves || [];
    const stillLive = (id) => moves.some((m) => m.id === id && m.status === "submitted");
    if (replacing && (!canMove() || !stillLive(replacing.id))) cancelReplace();
    for (const [id, li] of moveItems) {
      if (!moves.some((m) => m.id === id)) {
        li.remove();
        moveItems.delete(id);
      }
    }
    for (const move of moves) {
      let li = moveItems.get(move.id);
      if (!li) {
        li = moveItem(move);
        moveItems.set(move.id, li);
      }
      li.querySelector(".move-action").textContent = actionLabel(move.action);
      li.querySelector(".move-status").textContent = move.status;
      li.querySelector(".move-params").textContent = W.paramsWords(move.params);
      li.querySelector(".move-text").textContent = move.rationale || "";
      // Replace, withdraw and estimates are for live moves of the open turn only.
      const live = canMove() && move.status === "submitted";
      for (const part of li.querySelectorAll(".move-buttons, .vote-form")) part.hidden = !live;
      list.append(li); // keeps the order of the view
    }
    const empty = list.querySelector(".empty");
    if (moves.length && empty) empty.remove();
    if (!moves.length && !empty) list.append(h("li", { class: "empty" }, "No moves yet."));
  }

  /** A finished exercise takes no more moves or messages: its forms go, a line says so. */
  function showFinished() {
    const over = data.view.status === "finished";
    for (const id of ["actions", "message-form"]) $(id).hidden = over;
    $("act-closed").hidden = !over;
    const ended = data.view.me.my_ending;
    if (ended) {
      $("my-ending").hidden = false;
      fill($("my-ending"), h("strong", {}, `How it ended for you: ${ended.title}.`), ended.text ? ` ${ended.text}` : "");
    }
    $("messages-closed").hidden = !over;
    $("ready").hidden = over;
  }

  function showTurn() {
    const view = data.view;
    const open = canMove();
    for (const button of document.querySelectorAll(".action-form .submit")) button.disabled = !open;
    const mine = view.roles.find((r) => r.id === me.role.id) || {};
    $("ready").disabled = !open || mine.ready;
    $("ready").textContent = mine.ready ? "You are in for this turn" : "I have made all my moves";
    $("turn-help").textContent = view.me.bot
      ? `The facilitator has given this role to a bot (${view.me.bot}): it makes the moves now.`
      : open ? "The turn is open: submit, replace or withdraw moves until it closes."
      : view.status === "paused" ? "The facilitator has paused the exercise: the clock is stopped, and moves wait until it resumes. Your moves so far stand."
      : view.status === "lobby" ? "The facilitator has not started the exercise yet."
        : view.status === "finished" ? `The exercise is over${view.ending ? ` (ending: ${view.ending})` : ""}.`
          : "The turn is closed for moves.";
    fill($("roles"), view.roles.map((r) => h("li", { class: r.ready ? "in" : r.submitted ? "moved" : "" },
      h("span", {}, r.id === me.role.id ? `${r.name} (you)` : r.name), " ",
      h("span", { class: "badge" }, r.ready ? "in" : r.submitted ? "has moved" : "not yet"))));
  }

  // ---- messages --------------------------------------------------------------------------

  function buildMessageForm() {
    const targets = $("message-targets");
    const everyone = h("input", { type: "radio", name: "to", value: "all", id: "to-all", checked: true });
    const some = h("input", { type: "radio", name: "to", value: "some", id: "to-some" });
    const boxes = data.view.roles.filter((r) => r.id !== me.role.id).map((r) =>
      h("li", {}, h("input", { type: "checkbox", name: "role", value: r.id, id: `to-${r.id}` }), " ",
        h("label", { for: `to-${r.id}` }, r.name)));
    fill(targets,
      h("p", { class: "field checkbox" }, everyone, " ", h("label", { for: "to-all" }, "Everyone")),
      h("p", { class: "field checkbox" }, some, " ", h("label", { for: "to-some" }, "Only the roles I tick")),
      h("ul", { class: "checks role-boxes" }, boxes),
      h("div", { id: "channel-targets" }));
    const form = $("message-form");
    for (const field of form.querySelectorAll("input, textarea")) {
      W.keepDraft(field, `message:${field.id}`);
    }
    form.addEventListener("change", (e) => {
      if (e.target.name === "role" && e.target.checked) {
        some.checked = true;
        some.dispatchEvent(new Event("change"));
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form);
    });
  }

  function showChannels() {
    const box = $("channel-targets");
    for (const [id, c] of Object.entries(me.commitments || {})) {
      const current = (data.view.me.commitments || {})[id] || c;
      if (!current.met || box.querySelector(`[value="${CSS.escape(id)}"]`)) continue;
      const label = (data.commitments[id] || {}).label || id;
      const radio = h("input", { type: "radio", name: "to", value: id, id: `to-channel-${id}`, "data-channel": "1" });
      box.append(h("p", { class: "field checkbox channel-option" }, radio, " ",
        h("label", { for: radio.id }, `Private channel: ${label}`)));
      W.keepDraft(radio, `message:${radio.id}`);
    }
  }

  async function send(form) {
    const body = form.elements.namedItem("body");
    if (!body.value.trim()) {
      W.notify("Not sent: write a message first.", "error");
      body.focus();
      return;
    }
    const chosen = form.querySelector('input[name="to"]:checked');
    const payload = { body: body.value };
    if (chosen && chosen.dataset.channel) payload.channel = chosen.value;
    else if (chosen && chosen.value === "some") {
      payload.to = [...form.querySelectorAll('input[name="role"]:checked')].map((b) => b.value);
      if (!payload.to.length) {
        W.notify("Not sent: tick at least one role.", "error");
        return;
      }
    } else payload.to = "all";
    const sent = await act(form.querySelector('button[type="submit"]'), () => api("POST", "/messages", payload), "Message sent.");
    if (sent) {
      body.value = "";
      sessionStorage.removeItem(body.dataset.draft);
    }
  }

  // ---- results ---------------------------------------------------------------------------

  // Rulings shown, by move: a ruling whose move was replaced is marked as no longer standing.
  const rulingItems = new Map();
  W.dropRuling = (move, dropped) => {
    const shown = rulingItems.get(move);
    if (shown && dropped) {
      shown.classList.add("withdrawn");
      shown.querySelector(".item-title").textContent = "A ruling that no longer stands (its move was replaced)";
    }
  };

  function onEvent(event) {
    const results = $("results");
    let items = W.storyItems(event, actionLabel);
    if (event.type === "ruling.made") {
      const d = event.data;
      items = [W.item("ruling", "The facilitator ruled on your free-form move",
        d.outcome ? `Outcome: ${d.outcome}.` : `It will be rolled at ${Math.round(d.chance * 100)}% when the turn is adjudicated.`,
        d.audience && d.audience !== "everyone" ? `Its narrative will be shared with: ${W.sharedWith({ roles: d.audience === "mover" ? [d.role] : [d.role, ...d.audience] }, d.role)}.` : null)];
    }
    if (event.type === "ruling.dropped") {
      // The move was withdrawn or replaced: its ruling no longer stands.
      W.dropRuling(event.data.move, true);
      items = [W.item("ruling", "A ruling no longer stands",
        "You withdrew or replaced the free-form move it was made on; the facilitator will rule on the new one.")];
    }
    if (items.length) W.append(W.turnSection(results, event.turn), items);
    if (event.type === "ruling.made") rulingItems.set(event.data.move, items[0]);
  }

  function showState() {
    W.stateTable($("private-state"), data.view.me.private_state || {});
    W.chartGrid($("public-charts"), Object.keys(data.view.state));
    W.stateTable($("public-state"), data.view.state);
  }

  buildActions();
  buildMessageForm();
  $("ready").addEventListener("click", (e) =>
    act(e.target, () => api("POST", "/ready"), "You are in for this turn."));
  W.startMessages($("messages"));
  W.handlers.event.push(onEvent);
  function showObjectives() {
    const list = data.view.me.objectives;
    if (!list || !list.length) return;
    $("objectives-panel").hidden = false;
    fill($("objectives"), W.objectiveItems(list));
  }

  // ---- offers ----------------------------------------------------------------------------

  /** Offers to this role, each with Accept and Refuse: an answer is a free move of this turn. */
  function showOffers() {
    const mine = data.view.me.offers;
    const made = data.view.me.offers_made;
    if (!mine && !made) return;
    $("offers-panel").hidden = false;
    const answer = (offer, accept, button) => act(button, () => api("POST", "/moves", {
      action: "answer_offer",
      params: { offer: offer.id, accept },
      idempotency_key: W.newKey(),
    }), accept ? "Offer accepted: it takes effect when the turn is adjudicated." : "Offer refused.");
    const items = (mine || []).map((offer) => {
      const yes = h("button", { type: "button", class: "accept" }, "Accept");
      const no = h("button", { type: "button", class: "refuse" }, "Refuse");
      yes.addEventListener("click", () => answer(offer, true, yes));
      no.addEventListener("click", () => answer(offer, false, no));
      return h("li", { class: "item", "data-offer": offer.id },
        h("p", { class: "item-title" }, `${W.whoName(offer.from)}: ${offer.label}`),
        h("p", { class: "text" }, offer.text),
        h("p", { class: "meta" }, `Answer by the end of ${W.turnName(offer.until)}.`),
        h("p", { class: "actions" }, yes, " ", no));
    });
    const sent = (made || []).map((offer) => h("li", { class: "item", "data-offer": offer.id },
      h("p", { class: "item-title" }, `You offered: ${offer.label}`), h("p", { class: "text" }, offer.text)));
    fill($("offers"), items.length || sent.length ? [...items, ...sent] : h("li", { class: "empty" }, "No offers waiting."));
  }

  W.handlers.data.push(() => {
    showFinished();
    showTurn();
    showMoves();
    showChannels();
    showObjectives();
    showOffers();
    showState();
  });
  W.start();
})();
