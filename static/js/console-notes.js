// The console's notes: observations on a turn or on an event of the log, and the debrief.
// Loaded after console.js. Notes come with the facilitator's view (`view.notes`) and change
// through POST/PATCH/DELETE /notes; each change is an event, after which the page reloads.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, fill, $, api, act } = W;

  const form = $("note-form");
  const target = form.elements.namedItem("about");
  const eventField = form.elements.namedItem("event");
  const debriefForm = $("debrief-form");

  function where(note) {
    if (note.event_seq) return `On event #${note.event_seq} (${W.turnWord(note.turn)})`;
    return note.turn === null || note.turn === undefined ? "On the exercise" : `On ${W.turnWord(note.turn)}`;
  }

  // ---- the list --------------------------------------------------------------------------

  let shown = "";

  function showNotes() {
    const notes = (data.view.notes || []).filter((n) => n.kind !== "debrief");
    const key = JSON.stringify(notes);
    if (key === shown) return;
    shown = key;
    fill($("notes"), notes.length ? notes.map((note) => h("li", { class: "item note", "data-note": note.id },
      h("p", { class: "item-title" }, where(note)),
      h("p", { class: "text" }, note.text),
      h("button", {
        type: "button", class: "button small",
        "aria-label": `Delete the note: ${note.text.slice(0, 40)}`,
        onclick: (e) => {
          if (window.confirm("Delete this note?")) act(e.target, () => api("DELETE", `/notes/${note.id}`), "Note deleted.");
        },
      }, "Delete"))) : h("li", { class: "empty" }, "No notes yet."));
  }

  // ---- where a new note goes -------------------------------------------------------------

  function showTargets() {
    const current = data.view.turn ? data.view.turn.number : 0;
    const options = [h("option", { value: "now" }, `This ${data.turn_label} (${current})`)];
    for (let n = current; n >= 0; n -= 1) options.push(h("option", { value: String(n) }, W.turnName(n)));
    const chosen = target.value;
    fill(target, options);
    if ([...target.options].some((o) => o.value === chosen)) target.value = chosen;
  }

  /** A "Note" button on each row of the event log: a note on that event. */
  function noteButton(event) {
    const row = $("event-log").lastElementChild;
    if (!row) return;
    row.cells[0].append(" ", h("button", {
      type: "button", class: "link-button note-on-event",
      "aria-label": `Note on event ${event.seq}`,
      onclick: () => {
        eventField.value = String(event.seq);
        form.elements.namedItem("text").focus();
      },
    }, "Note"));
  }

  function buildNoteForm() {
    const text = form.elements.namedItem("text");
    W.keepDraft(text, "note:text");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = { text: text.value, kind: "observation" };
      if (eventField.value) body.event_seq = Number(eventField.value);
      else if (target.value !== "now") body.turn = Number(target.value);
      const done = await act(form.querySelector('button[type="submit"]'), () => api("POST", "/notes", body), "Note saved.");
      if (done) {
        text.value = "";
        eventField.value = "";
        W.clearDrafts(form);
      }
    });
  }

  // ---- the debrief -----------------------------------------------------------------------

  const debrief = () => (data.view.notes || []).filter((n) => n.kind === "debrief").pop();

  function buildDebrief() {
    const text = debriefForm.elements.namedItem("debrief");
    const saved = debrief();
    if (saved) text.value = saved.text;
    W.keepDraft(text, "debrief");
    debriefForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      const existing = debrief();
      const call = existing
        ? () => api("PATCH", `/notes/${existing.id}`, { text: text.value })
        : () => api("POST", "/notes", { text: text.value, kind: "debrief" });
      const done = await act(debriefForm.querySelector("button"), call, "Debrief saved.");
      if (done) W.clearDrafts(debriefForm);
    });
  }

  buildNoteForm();
  buildDebrief();
  W.handlers.event.push(noteButton);
  W.handlers.data.push(showNotes, showTargets);
  showNotes();
  showTargets();
})();
