// Notifications where the player is looking: what happened since they last looked (a private
// message, an inject, the turn opening or closing, the deadline a minute away) in a banner at
// the top of the page, a count in the tab's title ("(2) ..."), and a sound when they ask for
// one (off by default). Also shows the exports once the exercise has finished. Loaded after
// live.js, before the page's script; the observer's page has no banner.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, $ } = W;
  const box = $("alerts");
  const exportsNav = $("exports");
  const since = data.view.last_seq || 0; // older events were on the page when it loaded
  const title = document.title;
  const SOUND_KEY = "wargame:sound";
  const mine = data.view.me && data.view.me.role ? data.view.me.role.id : null;
  const turnWord = (n) => W.turnName(n);
  let alerts = [];

  function words(event) {
    const d = event.data || {};
    switch (event.type) {
      case "message.posted":
        if (d.from === data.seat) return null;
        // The facilitator reads every message: only those addressed to it are news.
        if (!mine && !(Array.isArray(d.to) && d.to.includes("facilitator"))) return null;
        if (d.channel) return `New message from ${W.whoName(d.from)} on a private channel`;
        return d.to === "all" ? null : `New private message from ${W.whoName(d.from)}`;
      case "inject":
        return `Inject: ${d.title}`;
      case "turn.opened":
        return `${turnWord(d.number)} is open${mine ? ": make your moves" : ""}`;
      case "turn.closed":
        return `${turnWord(event.turn)} is closed`;
      case "turn.adjudicated":
        return `The results of ${W.turnWord(d.number || event.turn)} are in`;
      case "move.submitted":
        return !mine && d.action === "free_form" ? `${W.whoName(d.role)} made a free-form move to rule on` : null;
      case "exercise.finished":
        return "The exercise is over";
      default:
        return null;
    }
  }

  function add(text) {
    alerts.push(text);
    show();
    if (localStorage.getItem(SOUND_KEY) === "1") beep();
  }

  function show() {
    document.title = alerts.length ? `(${alerts.length}) ${title}` : title;
    if (!box) return;
    box.hidden = alerts.length === 0;
    $("alert-count").textContent = String(alerts.length);
    W.fill($("alert-list"), alerts.slice(-4).map((text) => h("li", {}, text)));
  }

  function dismiss() {
    alerts = [];
    show();
  }

  let audio = null;

  /** A short tone, made here (no sound file to fetch). */
  function beep() {
    try {
      audio = audio || new AudioContext();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch (_) {
      // no sound in this browser: the banner and the title say it anyway
    }
  }

  // ---- the deadline a minute away ------------------------------------------------------------

  const clockOffset = Date.parse(data.server_now) - Date.now();
  let warned = null; // the deadline already warned of

  function checkDeadline() {
    const turn = data.view.turn;
    if (data.view.status !== "running" || !turn || turn.phase !== "open" || !turn.deadline) return;
    const left = Date.parse(turn.deadline) - (Date.now() + clockOffset);
    if (left > 0 && left <= 60000 && warned !== turn.deadline) {
      warned = turn.deadline;
      add(`One minute left in ${W.turnWord(turn.number)}`);
    }
  }

  function showExports() {
    if (exportsNav && data.view.status === "finished") exportsNav.hidden = false;
  }

  W.handlers.event.push((event) => {
    if (event.seq <= since) return;
    const text = words(event);
    if (text) add(text);
  });
  W.handlers.data.push(showExports);
  if (box) {
    $("alert-dismiss").addEventListener("click", dismiss);
    const sound = $("alert-sound");
    sound.checked = localStorage.getItem(SOUND_KEY) === "1";
    sound.addEventListener("change", () => localStorage.setItem(SOUND_KEY, sound.checked ? "1" : "0"));
  }
  setInterval(checkDeadline, 1000);
  Object.assign(W, { alerts: () => alerts.slice() });
})();
