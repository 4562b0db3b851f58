// Events in words: a headline for each type and one line for what it carried, for the logs
// people read (the console's event log, the replay). docs/events.md has every type's data.
// Loaded after live.js; adds to window.Wargame.
"use strict";

(function () {
  const W = window.Wargame;
  const { whoName, turnName, variableLabel, formatValue, recipients } = W;

  const HEADLINES = {
    "exercise.created": "Exercise created",
    "exercise.forked": "Made from another exercise",
    "exercise.forked_to": "A new exercise was made from this one",
    "exercise.started": "Exercise started",
    "exercise.paused": "Paused",
    "exercise.resumed": "Resumed",
    "exercise.finished": "Exercise over",
    "turn.opened": "Turn opened",
    "turn.extended": "More time",
    "turn.closed": "Turn closed",
    "turn.adjudicated": "Turn adjudicated",
    "role.outcome": "Results",
    "move.submitted": "Move",
    "move.withdrawn": "Move withdrawn",
    "role.ready": "In for the turn",
    "role.unready": "No longer in",
    "vote.cast": "Estimate",
    "ruling.made": "Ruling",
    "message.posted": "Message",
    inject: "Inject",
    "commitment.met": "Commitment met",
    "commitment.joined": "Commitment joined",
    "commitment.signal": "Secret signal",
    "rule.fired": "Rule",
    "rule.error": "Rule failed",
    "state.set": "Value set by hand",
    "seat.joined": "Seat joined",
    "seat.replaced": "Seat handed over",
    "note.added": "Note",
    "note.edited": "Note edited",
    "note.deleted": "Note deleted",
    "exercise.options_set": "How turns close",
    "turn.drafted": "Drafted for review",
    "move.overridden": "Outcome overridden",
    "move.rerolled": "Re-rolled",
    "narrative.edited": "Narrative rewritten",
    "ruling.dropped": "Ruling dropped",
    "state.changed": "New value",
    "inject.scheduled": "Inject moved",
    "inject.skipped": "Inject skipped",
    "inject.edited": "Inject edited",
    "inject.rolled": "Inject rolled",
  };

  /** A type's headline; an unknown type (a newer server) in words rather than as code. */
  function eventHeadline(type) {
    return HEADLINES[type] || W.capital(String(type).replace(/[._]/g, " "));
  }

  /** A draw as a d100: "needed 40 or less, rolled 79". */
  const d100 = (draw) => (draw ? `needed ${Math.round(draw.chance * 100)} or less, rolled ${Math.floor(draw.roll * 100) + 1}` : "no roll");
  const percent = (chance) => `${Math.round(chance * 100)}%`;
  const seatName = (seat) => (seat === "observer" ? "Observer" : whoName(seat));
  const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "");

  const WORDS = {
    "exercise.created": (d) => `“${d.name}”`,
    "exercise.forked": (d) => `From “${d.name}”, after ${W.turnWord(d.turn)}`,
    "exercise.forked_to": (d) => `“${d.name}”, from ${W.turnWord(d.turn)}`,
    "exercise.started": () => "",
    "exercise.paused": () => "",
    "exercise.resumed": (d) => (d.deadline ? `Closes at ${clock(d.deadline)}` : ""),
    "exercise.finished": (d) => (d.ending ? `Ending reached: ${d.ending}` : "Finished by the facilitator"),
    "turn.opened": (d) => `${turnName(d.number)}${d.deadline ? `, closes at ${clock(d.deadline)}` : ""}`,
    "turn.extended": (d) => (d.deadline ? `Now closes at ${clock(d.deadline)}` : `${Math.round((d.seconds || 0) / 60)} more minutes when it resumes`),
    "turn.closed": (d) => `${turnName(d.number)}: ${d.reason === "deadline" ? "time was up" : d.reason === "facilitator" ? "closed by the facilitator" : d.reason}`,
    "turn.adjudicated": (d) => (d.narrative || []).join(" ") || "Nothing visible happened.",
    "role.outcome": (d, label) => (d.results || []).map((r) => `${whoName(r.role)}, ${label(r.action)}: ${!r.accepted ? "refused" : r.success ? "succeeded" : "failed"}`).join("; "),
    "move.submitted": (d, label) => (d.action
      ? `${whoName(d.role)}: ${label(d.action)}${W.paramsWords && Object.keys(d.params || {}).length ? ` (${W.paramsWords(d.params)})` : ""}${d.rationale ? `. “${d.rationale}”` : ""}`
      : `${whoName(d.role)} made a move`),
    "move.withdrawn": (d) => `${whoName(d.role || "")} withdrew a move`,
    "role.ready": (d) => whoName(d.role),
    "role.unready": (d) => whoName(d.role),
    "vote.cast": (d) => `${whoName(d.role)} estimates ${percent(d.chance)}`,
    "ruling.made": (d) => `On ${whoName(d.role)}'s move: ${d.chance !== null && d.chance !== undefined ? `a ${percent(d.chance)} chance` : d.outcome}`,
    "message.posted": (d) => `${whoName(d.from)} to ${d.channel ? "a private channel" : recipients(d.to)}: ${d.body}`,
    inject: (d) => `${d.title}: ${d.text}${d.sender ? ` (from ${d.sender})` : ""}`,
    "commitment.met": (d) => `${d.label}: ${(d.members || []).map(whoName).join(", ")}`,
    "commitment.joined": (d) => `${d.label}: ${(d.members || []).map(whoName).join(", ")}`,
    "commitment.signal": (d) => `${(d.members || []).map(whoName).join(", ")} (${(d.members || []).length} of ${d.threshold} needed)`,
    "rule.fired": (d) => [d.role ? whoName(d.role) : "", d.text].filter(Boolean).join(": "),
    "rule.error": (d) => `${d.rule || d.inject}: ${d.error}`,
    "state.set": (d) => `${variableLabel(d.variable)} set to ${formatValue(d.value)} (${d.reason})`,
    "seat.joined": (d) => seatName(d.seat),
    "seat.replaced": (d) => (d.bot ? `${whoName(d.role)} is now played by a bot (${d.bot})` : `${whoName(d.role)} has a new player`),
    "note.added": (d) => d.text,
    "note.edited": (d) => d.text,
    "note.deleted": () => "",
    "exercise.options_set": (d) => `${d.close_when === "deadline" ? "Turns close at the deadline or by the facilitator" : "Turns close once everyone is in"}; ${d.review ? "reviewed before publishing" : "published at once"}`,
    "turn.drafted": (d) => `${turnName(d.number)} drafted for review`,
    "move.overridden": (d) => `${whoName(d.role)}'s move overridden: ${d.outcome === "success" ? "succeeds" : "fails"} (${d.reason})`,
    "move.rerolled": (d) => `${whoName(d.role)}'s move re-rolled: ${d100(d.previous)}, then ${d100(d.draw)}${d.reason ? ` (${d.reason})` : ""}`,
    "narrative.edited": (d) => `Line ${d.line + 1}: ${d.text}`,
    "state.changed": (d) => `${variableLabel(d.variable)} is now ${formatValue(d.value)}`,
    "inject.scheduled": (d) => `${d.inject} moved to ${W.turnWord(d.turn)}`,
    "inject.skipped": (d) => `${d.inject} will not fire by itself`,
    "inject.edited": (d) => `${d.inject} edited: ${Object.keys(d.changes || {}).join(", ")}`,
    "inject.rolled": (d) => `${d.inject}: rolled ${d.draw.roll} against ${d.draw.chance}, ${d.draw.success ? "fires" : "does not fire"}`,
    "ruling.dropped": (d) => `${whoName(d.role)}'s ruled move was replaced: its ruling no longer stands`,
  };

  /** What an event carried, in one line. */
  function eventWords(event, actionLabel) {
    const d = event.data || {};
    const words = WORDS[event.type];
    if (words) return words(d, actionLabel || ((id) => id));
    return Object.entries(d).filter(([, v]) => ["string", "number", "boolean"].includes(typeof v))
      .map(([k, v]) => `${k}: ${v}`).join(", ");
  }

  Object.assign(W, { eventHeadline, eventWords });
})();
