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

  // A result whose action reveals only its text has `success: null`: say neither way.
  function verdictClass(r) {
    if (!r.accepted || r.success === false) return "failure";
    return r.success === true ? "success" : "notice";
  }

  function verdictTitle(r, actionLabel) {
    const label = actionLabel(r.action);
    if (!r.accepted) return `${label}: refused`;
    if (r.success === null || r.success === undefined) return label;
    return `${label}: ${r.success ? "succeeded" : "failed"}`;
  }

  const CHANNEL_WORDS = { email: "by email", phone: "by phone", news: "in the news", social: "on social media", briefing: "at a briefing" };

  /** An inject's sender and channel, as its MSEL row gives them; what it tests is not here. */
  function injectFrom(d) {
    const words = [d.sender ? `From ${d.sender}` : "", CHANNEL_WORDS[d.channel] || ""].filter(Boolean).join(", ");
    return words ? h("p", { class: "meta inject-from" }, words) : null;
  }

  /** Story items an event adds for a viewer: public narrative, injects, private results. */
  function storyItems(event, actionLabel) {
    const d = event.data || {};
    switch (event.type) {
      case "inject":
        return [item("inject", `Inject: ${d.title}`, d.text, injectFrom(d))];
      case "turn.adjudicated":
        return [item("narrative", "What happened", d.narrative && d.narrative.length
          ? h("ul", { class: "narrative" }, d.narrative.map((line) => h("li", {}, line)))
          : "Nothing visible happened.")];
      case "role.outcome":
        // `success` is null where the actor learns only the text: then no outcome is named.
        return (d.results || []).map((r) => item(
          verdictClass(r),
          verdictTitle(r, actionLabel),
          r.text, r.accepted ? null : r.reason,
          r.shared_with ? h("p", { class: "meta shared-with" }, `(shared with: ${sharedWith(r.shared_with, r.role)})`) : null,
          // dice.js (loaded later) shows the roll and the changes, where the seat has them
          W.diceLine ? W.diceLine(r.draw) : null, W.changesLine ? W.changesLine(r.changes) : null,
        )).concat((d.notices || []).map((n) => item("notice", "Notice", n.text, W.changesLine ? W.changesLine(n.changes) : null)))
          .concat((d.shared || []).map((s) => item("notice", "Told to you in confidence", s.text,
            h("p", { class: "meta shared-with" }, `(shared with: ${sharedWith(s.shared_with, null)})`))));
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

  /** Who a narrative was shared with, as the seat reading it says it: "you only", "you and
   * Meta", or for the facilitator the roles by name. */
  function sharedWith(audience, mover) {
    if (!audience || audience.all) return "everyone";
    const roles = audience.roles || [];
    if (!roles.length) return "the facilitator only";
    const me = data.kind === "role" ? data.seat : null;
    const others = roles.filter((r) => r !== me).map(whoName);
    if (me && roles.includes(me)) return others.length ? `you and ${others.join(", ")}` : "you only";
    if (mover && roles.length === 1 && roles[0] === mover) return `${whoName(mover)} only`;
    return others.join(", ");
  }

  /** The facilitator's choice of who reads a ruling's narrative: everyone, the mover only,
   * or the mover and chosen roles. The fieldset's `value()` is the API's `audience`. */
  function audienceField(prefix, mover) {
    const name = `${prefix}-audience`;
    const radio = (value, label) => {
      const input = h("input", { type: "radio", name, value, id: `${name}-${value}`, checked: value === "everyone" });
      return h("p", { class: "field checkbox" }, input, " ", h("label", { for: input.id }, label));
    };
    const others = (data.view.roles || []).filter((r) => r.id !== mover);
    const boxes = others.map((r) => h("li", {},
      h("input", { type: "checkbox", name: `${name}-role`, value: r.id, id: `${name}-role-${r.id}` }), " ",
      h("label", { for: `${name}-role-${r.id}` }, r.name)));
    const field = h("fieldset", { class: "audience" }, h("legend", {}, "Who reads the narrative"),
      radio("everyone", "Everyone (the public narrative)"),
      radio("mover", `${whoName(mover)} only`),
      radio("roles", `${whoName(mover)} and the roles ticked:`),
      h("ul", { class: "checks" }, boxes));
    field.value = () => {
      const chosen = field.querySelector(`input[name="${name}"]:checked`).value;
      if (chosen !== "roles") return chosen;
      return [...field.querySelectorAll(`input[name="${name}-role"]:checked`)].map((b) => b.value);
    };
    return field;
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
        h("span", { class: "meta" }, ` · ${W.turnWord(event.turn)}`)),
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
    const range = rangeWords(schema);
    return h("p", { class: "field" }, h("label", { for: id }, schema.title || name),
      hintId ? h("span", { class: "hint", id: hintId }, schema.description) : null, field,
      range ? h("span", { class: "hint range" }, range) : null);
  }

  /** A number field's bounds in words, shown next to it: "from 5 to 25". */
  function rangeWords(schema) {
    const lo = schema.minimum, hi = schema.maximum;
    if (lo === undefined && hi === undefined) return "";
    if (lo !== undefined && hi !== undefined) return `from ${W.formatValue(lo)} to ${W.formatValue(hi)}`;
    return lo !== undefined ? `at least ${W.formatValue(lo)}` : `at most ${W.formatValue(hi)}`;
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

  /** A role's objectives as list items: met or not yet, after the last turn adjudicated. */
  function objectiveItems(objectives) {
    return (objectives || []).map((o) => h("li", { class: "item", "data-objective": o.id },
      h("p", { class: "item-title" }, o.label, " ",
        h("span", { class: o.met ? "badge met" : "badge" }, o.met ? "met" : "not met")),
      o.description ? h("p", { class: "text" }, o.description) : null));
  }

  Object.assign(W, {
    objectiveItems, paramsWords, turnSection, storyItems, item, messageItem, sharedWith, audienceField, startMessages, paramField, paramValues,
    setParamValues,
  });
})();
