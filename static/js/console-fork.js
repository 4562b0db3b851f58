// The console's fork: a new exercise from a resolved turn of this one ("what if"), with the
// same seats (the same bots) or others. Loaded after console.js. The new exercise's links are
// shown once, in the answer: the server keeps only their hashes.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, api, act } = W;

  const form = $("fork-form");
  const turnField = form.elements.namedItem("turn");
  const bots = new Map(); // role -> checkbox

  function showTurns() {
    // The turns that can be played on from: the start, and each resolved turn short of the end.
    const points = data.history.map((p) => p.turn).filter((t) => t < data.turns);
    const chosen = turnField.value;
    fill(turnField, points.map((t) => h("option", { value: String(t) },
      t ? `After ${W.turnWord(t)}` : "From the start")));
    if ([...turnField.options].some((o) => o.value === chosen)) turnField.value = chosen;
    else if (points.length) turnField.value = String(points[points.length - 1]);
  }

  function buildBots() {
    const list = $("fork-bots");
    fill(list, data.view.roles.map((role) => {
      const seat = (data.seats || []).find((s) => s.name === role.id) || {};
      const box = h("input", { type: "checkbox", name: "bot", value: role.id, id: `fork-bot-${role.id}`, checked: Boolean(seat.bot) });
      box.dataset.policy = seat.bot || "";
      bots.set(role.id, box);
      return h("li", {}, box, " ", h("label", { for: box.id }, role.name));
    }));
    fill(form.elements.namedItem("policy"), data.policies.map((p) => h("option", { value: p }, p)));
  }

  function showLinks(answer) {
    const names = { facilitator: "Facilitator", observer: "Observer", ...W.roleNames };
    const rows = Object.entries(answer.seats).map(([seat, link]) => h("tr", {},
      h("th", { scope: "row" }, names[seat] || seat),
      h("td", {}, h("input", { type: "text", readonly: true, class: "link-field", value: link.url, id: `fork-link-${seat}`, "aria-label": `Link for ${names[seat] || seat}` }))));
    fill($("fork-result"),
      h("p", {}, h("strong", {}, `“${answer.name}” is in its lobby. `), "Copy these links now: they are shown only once."),
      h("div", { class: "table-scroll fork-links" }, h("table", {}, h("tbody", {}, rows))),
      h("p", {}, h("a", { href: answer.seats.facilitator.url, target: "_blank", rel: "noopener" }, "Open the new exercise's console")));
    $("fork-result").hidden = false;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const policy = form.elements.namedItem("policy").value;
    const chosen = {};
    for (const [role, box] of bots) if (box.checked) chosen[role] = box.dataset.policy || policy;
    const body = { command: "fork", turn: Number(turnField.value), bots: chosen, new_seed: form.elements.namedItem("new_seed").checked };
    const name = form.elements.namedItem("name").value.trim();
    if (name) body.name = name;
    const answer = await act(form.querySelector('button[type="submit"]'), () => api("POST", "/control", body), "The new exercise is made.");
    if (answer && answer.seats) showLinks(answer);
  });

  buildBots();
  W.handlers.data.push(showTurns);
  showTurns();
})();
