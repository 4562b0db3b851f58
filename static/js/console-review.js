// The console's review of a turn before it is published (templates: live/_review.html): the
// draft only the facilitator sees, each move's dice as a d100, overrides, re-rolls, narrative
// lines and their audiences, Publish; the rulings pending, with "close anyway"; and how turns
// close. Loaded after console.js; the draft comes with the page and with each `turn.drafted`.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, api, act } = W;

  const control = (button, body, done) => act(button, () => api("POST", "/control", body), done);
  const actionLabel = (id) => (id === "free_form" ? "Free-form move" : (data.action_labels || {})[id] || id);

  // ---- rulings pending -------------------------------------------------------------------

  function showBanner() {
    const banner = $("rulings-banner");
    const pending = data.view.rulings_pending || [];
    const phase = data.view.turn ? data.view.turn.phase : null;
    if (!pending.length || !["open", "review"].includes(phase) || data.view.status === "finished") {
      banner.hidden = true;
      return;
    }
    const count = `${pending.length} ruling${pending.length === 1 ? "" : "s"} pending`;
    const names = pending.map((m) => W.whoName(m.role)).join(", ");
    fill(banner, h("strong", {}, count), ` (${names}). `,
      h("a", { href: "#rulings-heading" }, "Rule them"),
      phase === "open" ? [" or ", h("button", {
        type: "button", class: "button small", id: "close-anyway",
        onclick: (e) => control(e.target, { command: "close_turn", anyway: true },
          "The turn is closed: it goes into review, where you rule and publish."),
      }, "Close anyway")] : null);
    banner.hidden = false;
  }

  // ---- the draft -------------------------------------------------------------------------

  const dice = (m) => (m.dice ? `needed ${m.dice.needed} or less, rolled ${m.dice.rolled}` : "not rolled");
  const round = (x) => (typeof x === "number" ? Math.round(x * 1000) / 1000 : x);
  const changeWords = (changes) => (changes || []).map((c) => `${W.variableLabel(c.variable)} ${c.value !== undefined ? `= ${round(c.value)}` : (c.delta >= 0 ? "+" : "") + round(c.delta)}`).join("; ");

  function branchCell(m) {
    const notes = [];
    if (m.overridden) notes.push(`overridden: ${m.override_reason}`);
    if (m.rerolls) notes.push(`re-rolled ${m.rerolls === 1 ? "once" : `${m.rerolls} times`}`);
    if (m.shared_with) notes.push(`narrative shared with ${W.sharedWith(m.shared_with, m.role)}`);
    const branch = m.branch === "rejected" ? `refused: ${m.reason}` : m.branch;
    return h("td", { "data-label": "Branch" }, h("strong", {}, branch),
      notes.length ? h("span", { class: "meta" }, ` (${notes.join("; ")})`) : null);
  }

  function tools(m, pending) {
    if (pending) {
      return h("td", { class: "review-tools" }, h("strong", {}, "Ruling pending: "),
        h("a", { href: "#rulings-heading" }, "rule it"));
    }
    if (!m.accepted) return h("td", {});
    const id = `review-${m.move}`;
    const outcome = h("select", { id: `${id}-outcome`, "aria-label": `Outcome of ${W.whoName(m.role)}'s move` },
      h("option", { value: "success" }, "Succeeds"), h("option", { value: "failure" }, "Fails"));
    outcome.value = m.success ? "failure" : "success";
    const reason = h("input", { type: "text", id: `${id}-reason`, placeholder: "Reason (recorded)", "aria-label": `Reason to override ${W.whoName(m.role)}'s move` });
    return h("td", { class: "review-tools" },
      outcome, reason,
      h("button", {
        type: "button", class: "button small", "data-override": m.move,
        onclick: (e) => control(e.target, { command: "override", move: m.move, outcome: outcome.value, reason: reason.value }, "Outcome overridden."),
      }, "Override"),
      m.draw ? h("button", {
        type: "button", class: "button small", "data-reroll": m.move,
        onclick: (e) => control(e.target, { command: "reroll", move: m.move, reason: reason.value }, "Rolled again."),
      }, "Re-roll") : null);
  }

  function moveRow(m, pending) {
    return h("tr", { "data-move": m.move },
      h("th", { scope: "row" }, W.whoName(m.role)),
      h("td", { "data-label": "Move" }, actionLabel(m.action), m.rationale ? h("span", { class: "meta" }, `: ${m.rationale}`) : null),
      h("td", { "data-label": "Chance" }, m.draw ? `${Math.round(m.draw.chance * 100)}%` : "certain"),
      h("td", { "data-label": "Roll", class: "dice" }, dice(m)),
      branchCell(m),
      h("td", { "data-label": "Changes" }, changeWords(m.changes)),
      tools(m, pending));
  }

  function lineItem(line) {
    const id = `draft-line-${line.line}`;
    const text = h("textarea", { id, rows: 2 }, line.text);
    const everyone = Boolean(line.audience && line.audience.all);
    const roles = (line.audience && line.audience.roles) || [];
    const boxes = data.view.roles.map((r) => h("li", {},
      h("input", { type: "checkbox", value: r.id, id: `${id}-${r.id}`, checked: roles.includes(r.id) }), " ",
      h("label", { for: `${id}-${r.id}` }, r.name)));
    const all = h("input", { type: "checkbox", id: `${id}-all`, checked: everyone });
    const save = h("button", {
      type: "button", class: "button small",
      onclick: (e) => {
        const audience = all.checked ? "everyone"
          : [...e.target.parentElement.querySelectorAll("ul input:checked")].map((b) => b.value);
        control(e.target, { command: "edit_narrative", line: line.line, text: text.value, audience }, "The line is changed.");
      },
    }, "Save the line");
    return h("li", { class: "item", "data-line": line.line },
      h("label", { for: id }, `Line ${line.line + 1} (shared with ${W.sharedWith(line.audience, null)})`), text,
      h("p", { class: "field checkbox" }, all, " ", h("label", { for: all.id }, "Everyone (public)")),
      h("details", {}, h("summary", {}, "Or only these roles"), h("ul", { class: "checks" }, boxes)),
      save);
  }

  let shown = "";

  function showDraft() {
    const draft = data.view.draft;
    const key = JSON.stringify(draft || null);
    if (key === shown) return;
    shown = key;
    $("review-draft").hidden = !draft;
    $("review-empty").hidden = Boolean(draft);
    if (!draft) return;
    const pending = new Set(draft.rulings_pending);
    fill($("draft-moves"), draft.moves.length ? draft.moves.map((m) => moveRow(m, pending.has(m.move)))
      : h("tr", {}, h("td", { colspan: 7 }, "No moves this turn.")));
    fill($("draft-narrative"), draft.narrative.length ? draft.narrative.map(lineItem)
      : h("li", { class: "empty" }, "No narrative."));
    W.stateTable($("draft-state"), draft.state, { showNames: true, showVisibility: true });
  }

  function buildPublish() {
    $("publish").addEventListener("click", (e) => {
      const pending = (data.view.draft || {}).rulings_pending || [];
      let anyway = false;
      if (pending.length) {
        if (!window.confirm(`${pending.length === 1 ? "A free-form move has" : `${pending.length} free-form moves have`} no ruling: publish anyway and refuse ${pending.length === 1 ? "it" : "them"}?`)) return;
        anyway = true;
      }
      control(e.target, { command: "publish", anyway }, "Published: every seat has its results.");
    });
  }

  // ---- options ---------------------------------------------------------------------------

  function buildOptions() {
    const form = $("options-form");
    const closeWhen = form.elements.namedItem("close_when");
    const review = form.elements.namedItem("review");
    closeWhen.value = data.view.close_when;
    review.checked = Boolean(data.view.review);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      control(form.querySelector("button"), { command: "set_options", close_when: closeWhen.value, review: review.checked }, "Options saved.");
    });
  }

  buildPublish();
  buildOptions();
  const draw = () => { showBanner(); showDraft(); };
  W.handlers.data.push(draw);
  draw();
})();
