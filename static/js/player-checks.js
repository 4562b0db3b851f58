// The player's forms ask the server, before anything is sent, whether each move would be taken
// now and what it would cost with what is filled in: a refusal shows where the player looks,
// not after a submission, and a cost written as a formula shows as an amount or in words.
// Loaded before player.js; adds to window.Wargame.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, api } = W;

  function costText(cost) {
    const meta = data.variables[cost.variable];
    if (cost.amount !== null) return `${W.formatValue(cost.amount, meta)} of ${W.variableLabel(cost.variable)}`;
    return `${W.variableLabel(cost.variable)}: ${cost.text}`;
  }

  function show(card, check) {
    const costs = check.cost.map(costText);
    for (const el of card.querySelectorAll(".action-cost")) {
      el.textContent = costs.length ? `costs ${costs.join(", ")}` : "";
    }
    const cost = card.querySelector(".cost-line");
    if (cost) cost.hidden = !costs.length;
    const words = card.querySelector(".cost-words");
    if (words) words.textContent = costs.join(", ");
    const status = card.querySelector(".check-status");
    const badge = card.querySelector(".check-badge");
    status.textContent = check.allowed ? "You can make this move now." : `Refused now: ${check.reason}.`;
    status.classList.toggle("refused", !check.allowed);
    badge.hidden = check.allowed;
  }

  /**
   * Check every form's move: at the start, after each update of the page's data, and when a
   * form changes. `forms` maps an action id to its form, `actions` to its spec; `replacing()`
   * is the id of the move a submission would replace, if any.
   */
  function startMoveChecks(forms, actions, replacing) {
    let timer = null;
    let running = false;
    let again = false;

    async function run() {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          await checkAll();
        } while (again);
      } finally {
        running = false;
      }
    }

    async function checkAll() {
      // A bot's seat moves nothing, and a finished exercise shows no forms: nothing to ask.
      if (data.view.me.bot || data.view.status === "finished") return;
      const ids = Object.keys(forms);
      const replaces = replacing() || "";
      const checks = ids.map((id) => ({ action: id, params: W.paramValues(forms[id], actions[id].params || {}), replaces }));
      let answer;
      try {
        answer = await api("POST", "/moves/check", { checks });
      } catch (_) {
        return; // offline or refused (a bot's seat): the forms keep what they showed
      }
      answer.checks.forEach((check, i) => show(forms[ids[i]].closest(".action"), check));
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    }

    for (const form of Object.values(forms)) {
      form.addEventListener("input", schedule);
      form.addEventListener("change", schedule);
    }
    W.handlers.data.push(schedule);
    return schedule;
  }

  Object.assign(W, { startMoveChecks });
})();
