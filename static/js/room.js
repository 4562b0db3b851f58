// The room view: the public story of the last turns and the public state, large, for the
// screen on the wall. Everything it reads is the observer's (the page's urls point at the
// room's own log, now.json and socket); it has no controls.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, $ } = W;
  const KEEP = 2; // the turns whose story stays on the screen: the last, and the one before
  let live = false; // after the first catch-up, an inject is news: it is marked as it lands

  W.handlers.event.push((event) => {
    const items = W.storyItems(event, (id) => id);
    if (!items.length) return;
    if (live) for (const li of items) if (li.classList.contains("inject")) li.classList.add("fresh");
    W.append(W.turnSection($("results"), event.turn), items);
    for (const old of [...$("results").querySelectorAll(".turn-results")].slice(KEEP)) old.remove();
  });
  W.handlers.data.push(() => {
    W.chartGrid($("public-charts"), Object.keys(data.view.state));
  });
  W.start().then(() => { live = true; });
})();
