// A result's dice and changes, in words people read at a table: the chance and roll as a d100
// ("needed 40 or less, rolled 79") and what the move changed in the variables this seat may
// see. Loaded after widgets.js; adds to window.Wargame. A result whose `draw` or `changes` the
// server left out (null: the actor learns only the text) shows nothing of them.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h } = W;

  /** "needed 40 or less, rolled 79": success is a roll of at most the chance in a hundred. */
  function d100(draw) {
    const needed = Math.round(draw.chance * 100);
    const rolled = Math.floor(draw.roll * 100) + 1;
    return `needed ${needed} or less, rolled ${rolled}`;
  }

  function diceLine(draw) {
    if (!draw || typeof draw.chance !== "number" || typeof draw.roll !== "number") return null;
    return h("p", { class: `dice ${draw.success ? "success" : "failure"}` },
      `Dice (d100): ${d100(draw)}`, draw.success === null || draw.success === undefined ? "" : ` (${draw.success ? "success" : "failure"})`);
  }

  function changeWords(change) {
    const meta = data.variables[change.variable];
    const label = W.variableLabel(change.variable);
    if (typeof change.delta === "number") {
      const sign = change.delta >= 0 ? "+" : "−";
      return `${label} ${sign}${W.formatValue(Math.abs(change.delta), meta)}`;
    }
    return `${label} set to ${W.formatValue(change.value, meta)}`;
  }

  function changesLine(changes) {
    if (!Array.isArray(changes) || !changes.length) return null;
    return h("p", { class: "changes meta" }, `Changes: ${changes.map(changeWords).join("; ")}`);
  }

  Object.assign(W, { d100, diceLine, changesLine });
})();
