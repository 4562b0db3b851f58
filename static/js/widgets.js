// Pieces the live pages share: each turn's story, the message list, forms from JSON Schema.
// Loaded after live.js; adds to window.Wargame. Text from users only ever becomes text nodes.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, roleNames, whoName, turnName, recipients, handlers } = W;

  // ---- turns: narrative and results ------------------------------------------------------

  /** The section of the results list for one turn, made on first use. */
  function turnSection(container, turn) {
    let section = container.querySelector(`[data-turn="${turn}"]`);
    if (section) return section.querySelector("ul");
    section = h("section", { class: "turn-results", "data-turn": turn, "aria-label": turnName(turn) },
      h("h3", {}, turnName(turn)), h("ul", { class: "items" }));
    const later = [...container.children].find((el) => Number(el.dataset.turn) < turn);
    container.insertBefore(section, later || null); // newest first
    const empty = container.querySelector(".empty");
    if (empty) empty.remove();
    return section.querySelector("ul");
  }

  function item(kind, title, ...body) {
    return h("li", { class: `item ${kind}` },
      title ? h("p", { class: "item-title" }, title) : null,
      body.filter((b) => b !== null && b !== undefined && b !== "").map((b) => (b instanceof Node ? b : h("p", { class: "text" }, b))));
  }

  /** Story items an event adds for a viewer: public narrative, injects, private results. */
  function storyItems(event, actionLabel) {
    const d = event.data || {};
    switch (event.type) {
      case "inject":
        return [item("inject", `Inject: ${d.title}`, d.text)];
      case "turn.adjudicated":
        return [item("narrative", "What happened", d.narrative && d.narrative.length
          ? h("ul", { class: "narrative" }, d.narrative.map((line) => h("li", {}, line)))
          : "Nothing visible happened.")];
      case "role.outcome":
        // `success` is null where the actor learns only the text: then no outcome is named.
        return (d.results || []).map((r) => item(
          r.success === true ? "success" : r.success === false ? "failure" : "result",
          !r.accepted ? `${actionLabel(r.action)}: refused`
            : typeof r.success === "boolean" ? `${actionLabel(r.action)}: ${r.success ? "succeeded" : "failed"}`
              : actionLabel(r.action),
          r.text, r.accepted ? null : r.reason,
          // dice.js (loaded later) shows the roll and the changes, where the seat has them
          W.diceLine ? W.diceLine(r.draw) : null, W.changesLine ? W.changesLine(r.changes) : null,
        )).concat((d.notices || []).map((n) => item("notice", "Notice", n.text, W.changesLine ? W.changesLine(n.changes) : null)));
      case "commitment.met":
      case "commitment.joined":
        return [item("commitment", `${d.label}: a private channel is open`, d.text,
          `With: ${(d.members || []).map(whoName).join(", ")}`)];
      case "exercise.finished":
        // The ending's title and text come with the page's data, reloaded after this event.
        return [item("ending", "The exercise is over", h("p", { class: "text ending-text" }))];
      case "seat.replaced":
        return [item("status", d.bot
          ? `${whoName(d.role)} is now played by a bot (${d.bot})`
          : `${whoName(d.role)} was given to a new player`)];
      case "exercise.paused":
        return [item("status", "The facilitator paused the exercise")];
      case "exercise.resumed":
        return [item("status", "The exercise resumed")];
      default:
        return [];
    }
  }

  // ---- messages --------------------------------------------------------------------------

  function messageItem(event) {
    const d = event.data;
    const channel = d.channel ? (data.commitments[d.channel] || {}).label || d.channel : null;
    const to = channel ? `on the channel “${channel}”` : `to ${recipients(d.to)}`;
    const mine = d.from === data.seat;
    return h("li", { class: `message${mine ? " mine" : ""}${channel ? " channel" : ""}` },
      h("p", { class: "message-head" },
        h("strong", {}, mine ? "You" : whoName(d.from)), ` ${to}`,
        h("span", { class: "meta" }, ` · ${turnName(event.turn).toLowerCase()}`)),
      h("p", { class: "text" }, d.body));
  }

  function startMessages(list) {
    handlers.event.push((event) => {
      if (event.type !== "message.posted") return;
      const empty = list.querySelector(".empty");
      if (empty) empty.remove();
      list.append(messageItem(event));
      list.scrollTop = list.scrollHeight;
    });
  }

  // ---- JSON Schema forms -----------------------------------------------------------------

  /** One labelled field for a property of an action's params schema. */
  function paramField(prefix, name, schema, required) {
    const id = `${prefix}-${name}`;
    const hintId = schema.description ? `${id}-hint` : null;
    const common = { id, name, "aria-describedby": hintId, required };
    let field;
    if (schema.enum) {
      field = h("select", common,
        required ? null : h("option", { value: "" }, "(none)"),
        schema.enum.map((v) => h("option", { value: v, selected: v === schema.default }, roleNames[v] || v)));
    } else if (schema.type === "integer" || schema.type === "number") {
      field = h("input", Object.assign(common, {
        type: "number",
        inputmode: schema.type === "integer" ? "numeric" : "decimal",
        step: schema.type === "integer" ? "1" : "any",
        min: schema.minimum, max: schema.maximum,
        value: schema.default ?? "",
      }));
    } else if (schema.type === "boolean") {
      field = h("input", Object.assign(common, { type: "checkbox", checked: schema.default === true }));
      return h("p", { class: "field checkbox" }, field, " ", h("label", { for: id }, schema.title || name),
        hintId ? h("span", { class: "hint", id: hintId }, schema.description) : null);
    } else if ((schema.maxLength || 0) > 200) {
      field = h("textarea", Object.assign(common, { rows: 3, maxlength: schema.maxLength }));
    } else {
      field = h("input", Object.assign(common, { type: "text", maxlength: schema.maxLength }));
    }
    field.dataset.type = schema.type || "string";
    return h("p", { class: "field" }, h("label", { for: id }, schema.title || name),
      hintId ? h("span", { class: "hint", id: hintId }, schema.description) : null, field);
  }

  /** The params object a form holds, typed as its schema says. */
  function paramValues(form, schema) {
    const params = {};
    for (const name of Object.keys(schema.properties || {})) {
      const field = form.elements.namedItem(name);
      if (!field) continue;
      const type = field.dataset.type;
      if (field.type === "checkbox") params[name] = field.checked;
      else if (field.value === "") continue;
      else if (type === "integer" || type === "number") params[name] = Number(field.value);
      else params[name] = field.value;
    }
    return params;
  }

  function setParamValues(form, params) {
    for (const [name, value] of Object.entries(params || {})) {
      const field = form.elements.namedItem(name);
      if (!field) continue;
      if (field.type === "checkbox") field.checked = Boolean(value);
      else field.value = String(value);
      field.dispatchEvent(new Event("input"));
    }
  }

  /** A move's params in words: `lab: Anthropic (CEO), count: 2`. */
  function paramsWords(params) {
    return Object.entries(params || {}).map(([k, v]) => `${k}: ${whoName(String(v))}`).join(", ");
  }

  Object.assign(W, {
    paramsWords, turnSection, storyItems, item, messageItem, startMessages, paramField, paramValues,
    setParamValues,
  });
})();
