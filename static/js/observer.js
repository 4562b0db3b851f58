// The observer's page: the public state with its charts, the public narrative and messages.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, $ } = W;

  // The observer's events hold only what everyone may read: the messages among them are the
  // public ones, the same as the observer's report lists.
  W.startMessages($("messages"));
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
