// The console's turn bar: the turn and its clock, who is in, the rulings pending (where they
// cannot be missed) and the next step as one button. Loaded after console.js; redrawn from
// the page's data after every event, like the rest of the console.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, $, act, api } = W;

  // The next step for each state of the exercise and its turn: [label, command body, done].
  // Worded unlike the console's other buttons ("Start", "Close the turn"...), so that each
  // name finds one button.
  function nextStep(view) {
    const turn = view.turn;
    if (view.status === "lobby") return ["Begin the exercise", { command: "start" }, "The exercise has started."];
    if (view.status === "paused") return ["Carry on", { command: "resume" }, "Resumed."];
    if (view.status !== "running" || !turn) return null;
    if (turn.phase === "open") return ["Close this turn", { command: "close_turn" }, "The turn is closed."];
    if (turn.phase === "review") return ["Release the results to every seat", { command: "publish" }, "The results are published."];
    if (turn.phase === "resolved" && turn.number < turn.of) {
      return [`Open ${W.turnWord(turn.number + 1)}`, { command: "open_next_turn" }, "The next turn is open."];
    }
    return null;
  }

  function turnWords(view) {
    const turn = view.turn;
    if (view.status === "lobby") return "Not started";
    if (view.status === "finished") return "Finished";
    if (!turn) return W.capital(view.status);
    const phase = { open: "open", adjudicating: "being adjudicated", review: "in review", resolved: "resolved" }[turn.phase] || turn.phase;
    const story = W.turnStory(turn.number) ? ` · ${W.turnStory(turn.number)}` : "";
    return `${W.capital(data.turn_label)} ${turn.number} of ${turn.of}${story}: ${phase}${view.status === "paused" ? " (paused)" : ""}`;
  }

  function inWords(view) {
    const roles = view.roles || [];
    if (!view.turn || view.turn.phase !== "open") return "";
    const ready = roles.filter((r) => r.ready).length;
    return `${ready} of ${roles.length} in`;
  }

  function show() {
    const view = data.view;
    $("turn-bar-turn").textContent = turnWords(view);
    $("turn-bar-in").textContent = inWords(view);
    const pending = (view.rulings_pending || []).length;
    const rulings = $("turn-bar-rulings");
    rulings.hidden = pending === 0;
    rulings.replaceChildren(W.h("a", { href: "#rulings-heading" },
      `${pending} ${pending === 1 ? "ruling" : "rulings"} pending`));
    // In review, the draft is the review panel's (REVIEW's include), whose heading this names.
    $("turn-bar-review").hidden = !(view.turn && view.turn.phase === "review");
    const step = nextStep(view);
    const button = $("turn-bar-next");
    button.hidden = !step;
    if (step) {
      button.textContent = step[0];
      button.dataset.step = step[1].command;
    }
  }

  async function go() {
    const step = nextStep(data.view);
    if (!step) return;
    const [, body, done] = step;
    const button = $("turn-bar-next");
    button.disabled = true;
    try {
      await api("POST", "/control", body);
      W.notify(done);
    } catch (error) {
      // Free-form moves without a ruling: the facilitator rules them, or closes anyway.
      if (error.code === "rulings_pending" && window.confirm(`${error.message}\n\n${body.command === "publish" ? "Publish anyway? Moves without a ruling are refused." : "Close the turn anyway?"}`)) {
        await act(button, () => api("POST", "/control", Object.assign({ anyway: true }, body)), done);
      } else if (error.code !== "rulings_pending") {
        W.notify(`Not done: ${error.message}`, "error");
      }
    } finally {
      button.disabled = false;
      W.catchUp();
    }
  }

  function tick() {
    // Before the start and after the end the turn's words say all there is.
    const still = data.view.status === "lobby" || data.view.status === "finished";
    $("turn-bar-clock").textContent = still ? "" : ($("countdown") || {}).textContent || "";
  }

  $("turn-bar-next").addEventListener("click", go);
  show();
  tick();
  setInterval(tick, 1000);
  W.handlers.data.push(show, tick);
})();
