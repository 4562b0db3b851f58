// Charts for the live pages: inline SVG line charts of a variable over the turns, drawn here.
// Loaded after live.js; adds to window.Wargame.
"use strict";

(function () {
  const W = window.Wargame;
  const { data, h, append, fill, variableLabel, formatValue, turnName } = W;

  // ---- charts ----------------------------------------------------------------------------

  /** Points [{turn, value}] of one numeric variable from the history, ending with its value
   * now when that differs (set by hand since the last resolved turn, or an inject's). */
  function series(name) {
    const points = data.history
      .filter((p) => typeof p.values[name] === "number")
      .map((p) => ({ turn: p.turn, value: p.values[name] }));
    const now = currentValue(name);
    const last = points[points.length - 1];
    if (typeof now !== "number" || (last && last.value === now)) return points;
    const turn = data.view.turn ? data.view.turn.number : 0;
    if (last && last.turn >= turn) last.value = now; // set after the turn resolved
    else points.push({ turn, value: now });
    return points;
  }

  function currentValue(name) {
    const view = data.view;
    if (view.state && name in view.state) return view.state[name];
    const mine = (view.me && view.me.private_state) || {};
    return mine[name];
  }

  /** An axis label short enough for its margin: 15,140 as 15.1k, 2,500,000 as 2.5M. */
  function tickLabel(value) {
    const size = Math.abs(value);
    const short = (n, suffix) => `${Number(n.toPrecision(3)).toLocaleString("en")}${suffix}`;
    if (size >= 1e9) return short(value / 1e9, "B");
    if (size >= 1e6) return short(value / 1e6, "M");
    if (size >= 1e4) return short(value / 1e3, "k");
    return formatValue(Number(value.toPrecision(4)));
  }

  // The tick labels' font is 10px: about 6.2px a character at most, digits and commas alike.
  const TICK_CHAR = 6.2;

  /** An inline SVG line chart of one variable over the turns. */
  function chart(name, options) {
    const opts = Object.assign({ width: 300, height: 96, axes: true }, options || {});
    const meta = data.variables[name] || {};
    const points = series(name);
    const values = points.map((p) => p.value);
    let lo = meta.min ?? Math.min(...values, 0);
    let hi = meta.max ?? Math.max(...values, 1);
    if (!isFinite(lo)) lo = 0;
    if (!isFinite(hi) || hi <= lo) hi = lo + 1;
    const ticks = [tickLabel(hi), tickLabel(lo)];
    // The left margin fits the longest label, so that none is cut at the chart's edge.
    const left = Math.ceil(Math.max(...ticks.map((t) => t.length)) * TICK_CHAR) + 8;
    const pad = opts.axes ? { l: Math.max(left, 22), r: 8, t: 8, b: 20 } : { l: 2, r: 2, t: 3, b: 3 };
    const w = opts.width - pad.l - pad.r;
    const hgt = opts.height - pad.t - pad.b;
    const lastTurn = Math.max(data.turns || 1, 1);
    const x = (t) => pad.l + (w * t) / lastTurn;
    const y = (v) => pad.t + hgt - (hgt * (v - lo)) / (hi - lo);
    const last = points.length ? points[points.length - 1].value : null;
    const label = `${variableLabel(name)}: ` + (points.length
      ? points.map((p) => `${W.turnWord(p.turn)} ${formatValue(p.value, meta)}`).join(", ")
      : "no values yet");
    const svg = h("svg:svg", {
      viewBox: `0 0 ${opts.width} ${opts.height}`,
      width: opts.width,
      height: opts.height,
      role: "img",
      "aria-label": label,
      class: opts.axes ? "chart" : "sparkline",
    });
    if (opts.axes) {
      append(svg, [
        h("svg:line", { x1: pad.l, x2: pad.l + w, y1: pad.t + hgt, y2: pad.t + hgt, class: "axis" }),
        h("svg:line", { x1: pad.l, x2: pad.l, y1: pad.t, y2: pad.t + hgt, class: "axis" }),
        h("svg:text", { x: pad.l - 4, y: pad.t + 8, class: "tick", "text-anchor": "end" }, ticks[0]),
        h("svg:text", { x: pad.l - 4, y: pad.t + hgt, class: "tick", "text-anchor": "end" }, ticks[1]),
        h("svg:text", { x: pad.l, y: opts.height - 4, class: "tick" }, "0"),
        h("svg:text", { x: pad.l + w, y: opts.height - 4, class: "tick", "text-anchor": "end" }, String(lastTurn)),
      ]);
    }
    if (points.length > 1) {
      const d = points.map((p, i) => `${i ? "L" : "M"}${x(p.turn).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
      svg.append(h("svg:path", { d, class: "line" }));
    }
    for (const p of points.slice(-1)) {
      svg.append(h("svg:circle", { cx: x(p.turn), cy: y(p.value), r: opts.axes ? 3.5 : 2.5, class: "dot" }));
    }
    if (opts.axes && last !== null) {
      svg.append(h("svg:title", {}, label));
    }
    return svg;
  }

  // Only numbers have a line over the turns: not bools, texts, choices or lists of roles.
  const plotted = (meta) => meta && (meta.type === "int" || meta.type === "float");

  /** A grid of charts, one per numeric variable in `names`. */
  function chartGrid(container, names) {
    const numeric = names.filter((n) => plotted(data.variables[n]));
    fill(container, numeric.map((name) => {
      const points = series(name);
      const last = points.length ? points[points.length - 1].value : null;
      return h("figure", { class: "chart-card" },
        h("figcaption", {},
          h("span", { class: "chart-title" }, variableLabel(name)),
          last === null ? null : h("span", { class: "chart-value" }, formatValue(last, data.variables[name]))),
        chart(name));
    }));
  }

  /** A table of variables: label, current value, and a sparkline over the turns. */
  function stateTable(container, values, opts) {
    const names = Object.keys(values);
    const rows = names.map((name) => {
      const meta = data.variables[name] || {};
      return h("tr", {},
        h("th", { scope: "row" }, variableLabel(name),
          opts && opts.showNames ? h("code", { class: "var-name" }, name) : null,
          opts && opts.showVisibility && meta.visibility !== "public"
            ? h("span", { class: `badge ${meta.visibility}` }, meta.visibility === "facilitator" ? "hidden" : "private")
            : null),
        h("td", { class: "number" }, formatValue(values[name], meta)),
        h("td", { class: "spark" }, !plotted(meta) ? null : chart(name, { width: 120, height: 28, axes: false })));
    });
    fill(container, h("div", { class: "table-scroll" },
      h("table", { class: "state-table" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Variable"), h("th", { scope: "col" }, "Now"), h("th", { scope: "col" }, "Over the turns"))),
        h("tbody", {}, rows))));
  }

  Object.assign(W, { chart, chartGrid, stateTable });
})();
