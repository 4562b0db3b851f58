// The observer's page: the public state with its charts, and the public narrative.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, $ } = W;

  W.handlers.event.push((event) => {
    const items = W.storyItems(event, (id) => id);
    if (items.length) W.append(W.turnSection($("results"), event.turn), items);
  });
  W.handlers.data.push(() => {
    W.chartGrid($("public-charts"), Object.keys(data.view.state));
    W.stateTable($("public-state"), data.view.state);
  });
  W.start();
})();
