// The workshop page's quick check: while it waits or runs, poll its status (JSON) and show the
// progress; once done, its table. The check itself runs as a job, never in a request.
// Text from the server only ever becomes text nodes.
"use strict";

(function () {
  const section = document.getElementById("quick-check");
  if (!section || !section.dataset.statusUrl) return;
  const status = section.querySelector(".quick-check-status");
  const box = section.querySelector(".quick-check-result");

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function table(result) {
    box.replaceChildren();
    if (result.note) { box.append(el("p", result.note)); return; }
    const t = el("table", undefined, "quick-check-table");
    const head = el("tr");
    head.append(el("th", "Policy"), ...result.endings.map((e) => el("th", e.title)), el("th", "Unresolved"));
    t.append(el("thead"));
    t.tHead.append(head);
    const body = el("tbody");
    for (const row of result.rows) {
      const tr = el("tr");
      tr.append(el("th", row.policy), ...row.shares.map((s) => el("td", s, "number")));
      body.append(tr);
    }
    t.append(body);
    const never = result.never_moves.length
      ? `Never move in any run: ${result.never_moves.join(", ")}.`
      : "Every variable moves in some run.";
    box.append(t, el("p", never, "never-moves"));
  }

  async function poll() {
    let data;
    try {
      const response = await fetch(section.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      data = await response.json();
    } catch (error) {
      setTimeout(poll, 3000);
      return;
    }
    if (data.status === "done") {
      status.textContent = "Done.";
      table(data.result);
    } else if (data.status === "failed") {
      status.textContent = `Failed: ${data.error}`;
    } else {
      status.textContent = `${data.status === "running" ? "Running" : "Waiting"}: ${data.done} of ${data.total || "?"} policies.`;
      setTimeout(poll, 1000);
    }
  }

  if (section.dataset.status === "waiting" || section.dataset.status === "running") poll();
})();
