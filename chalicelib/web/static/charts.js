/* Small SVG charts for the dashboard: Pareto, horizontal bars, percentage gauges, a day-by-day trend. Each chart is an
   <svg role="img"> with a title, followed by its numbers in a table for screen readers and copying. */
(function () {
  "use strict";
  var el = window.App.el;
  var BRAND = "#0b5cad", LINE = "#b3261e", GRID = "#c5ccd6", INK = "#1b1f24", MUTED = "#4a5360", CLOSED = "#1b6e32";
  var counter = 0;

  function svg(width, height, title) {
    var id = "chart-title-" + (++counter);
    var node = el("svg:svg", {viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": id,
                              class: "chart", preserveAspectRatio: "xMidYMid meet"});
    node.appendChild(el("svg:title", {id: id, text: title}));
    return node;
  }
  function text(x, y, content, attrs) {
    var a = {x: x, y: y, fill: INK, "font-size": "12", text: content};
    Object.keys(attrs || {}).forEach(function (k) { a[k] = attrs[k]; });
    return el("svg:text", a);
  }
  function table(label, head, rows) {
    return el("details", {class: "chart-data"}, [el("summary", {text: label}), el("table", {}, [
      el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", {scope: "col", text: h}); }))]),
      el("tbody", {}, rows.map(function (r) { return el("tr", {}, r.map(function (c) { return el("td", {text: String(c)}); })); }))])]);
  }
  function short(label, n) { label = String(label); return label.length > n ? label.slice(0, n - 1) + "…" : label; }

  /* Pareto: counts as bars, largest first, and the cumulative share as a line (right axis, %). */
  function pareto(groups, o) {
    var items = groups.map(function (g) { return {label: g.label || g.key, key: g.key, value: g.count || 0}; })
      .filter(function (g) { return g.value > 0; }).sort(function (a, b) { return b.value - a.value; }).slice(0, 12);
    var figure = el("figure", {class: "chart-figure"});
    if (!items.length) { figure.appendChild(el("p", {class: "muted", text: o.empty})); return figure; }
    var W = o.width || 560, H = 280, left = 40, right = 44, top = 16, bottom = 56;
    var plotW = W - left - right, plotH = H - top - bottom;
    var max = Math.max.apply(null, items.map(function (i) { return i.value; }));
    var total = items.reduce(function (s, i) { return s + i.value; }, 0);
    var node = svg(W, H, o.title);
    var step = plotW / items.length, barW = Math.min(48, step * 0.7);
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH - f * plotH, count = max * f;
      node.appendChild(el("svg:line", {x1: left, x2: W - right, y1: y, y2: y, stroke: GRID, "stroke-width": "1"}));
      if (count === Math.round(count)) { node.appendChild(text(left - 6, y + 4, String(count), {"text-anchor": "end", fill: MUTED})); }
      node.appendChild(text(W - right + 6, y + 4, Math.round(f * 100) + "%", {fill: MUTED}));
    });
    var y80 = top + plotH * 0.2;
    node.appendChild(el("svg:line", {x1: left, x2: W - right, y1: y80, y2: y80, stroke: LINE, "stroke-dasharray": "4 4", "stroke-width": "1"}));
    var cumulative = 0, points = [], rows = [];
    items.forEach(function (item, i) {
      var h = item.value / max * plotH, x = left + step * i + (step - barW) / 2;
      node.appendChild(el("svg:rect", {x: x, y: top + plotH - h, width: barW, height: h, fill: BRAND, class: "bar"}, [
        el("svg:title", {text: item.label + ": " + item.value})]));
      node.appendChild(text(x + barW / 2, top + plotH - h - 4, String(item.value), {"text-anchor": "middle"}));
      node.appendChild(text(x + barW / 2, H - bottom + 16, short(item.key || item.label, 8), {"text-anchor": "middle"}));
      cumulative += item.value;
      var share = cumulative / total;
      points.push((left + step * i + step / 2).toFixed(1) + "," + (top + plotH - share * plotH).toFixed(1));
      rows.push([item.label, item.value, Math.round(share * 100) + "%"]);
    });
    node.appendChild(el("svg:polyline", {points: points.join(" "), fill: "none", stroke: LINE, "stroke-width": "2.5", class: "cumulative"}));
    points.forEach(function (p) { var xy = p.split(","); node.appendChild(el("svg:circle", {cx: xy[0], cy: xy[1], r: "3.5", fill: LINE})); });
    node.appendChild(el("svg:rect", {x: left, y: H - 22, width: 12, height: 12, fill: BRAND}));
    node.appendChild(text(left + 16, H - 12, o.countLabel));
    node.appendChild(el("svg:line", {x1: left + 110, x2: left + 130, y1: H - 16, y2: H - 16, stroke: LINE, "stroke-width": "2.5"}));
    node.appendChild(text(left + 134, H - 12, o.cumulativeLabel));
    figure.appendChild(node);
    figure.appendChild(table(o.tableLabel, [o.title, o.countLabel, o.cumulativeLabel], rows));
    return figure;
  }

  /* Horizontal bars, one per item (label, value; cells: the item's row in the table, under o.head). */
  function bars(items, o) {
    var figure = el("figure", {class: "chart-figure"});
    items = items.filter(function (i) { return i.value !== null && i.value !== undefined; }).sort(function (a, b) { return b.value - a.value; });
    if (!items.length) { figure.appendChild(el("p", {class: "muted", text: o.empty})); return figure; }
    var W = o.width || 560, rowH = 28, left = Math.min(118, Math.round(W * 0.32)), right = 48, H = items.length * rowH + 12;
    var max = o.max || Math.max.apply(null, items.map(function (i) { return i.value; })) || 1;
    var node = svg(W, H, o.title);
    items.forEach(function (item, i) {
      var y = 6 + i * rowH, w = Math.max(2, item.value / max * (W - left - right));
      var shown = o.decimals ? item.value.toFixed(o.decimals) : String(item.value);
      node.appendChild(text(left - 8, y + 17, short(item.label, W < 420 ? 6 : 9), {"text-anchor": "end"}));
      node.appendChild(el("svg:rect", {x: left, y: y + 3, width: w, height: rowH - 8, fill: BRAND, rx: "3", class: "bar"}, [
        el("svg:title", {text: item.label + ": " + shown})]));
      node.appendChild(text(left + w + 6, y + 17, shown));
    });
    figure.appendChild(node);
    figure.appendChild(table(o.tableLabel, o.head || [o.title, ""], items.map(function (i) {
      return i.cells || [i.label, o.decimals ? i.value.toFixed(o.decimals) : i.value];  // cells: a row of its own
    })));
    return figure;
  }

  /* Percentages as long bars with a 100% track. */
  function gauges(items, o) {
    var W = o.width || 560, rowH = 48, H = items.length * rowH + 8;
    var node = svg(W, H, o.title);
    items.forEach(function (item, i) {
      var y = 4 + i * rowH, has = item.value !== null && item.value !== undefined, v = has ? Math.max(0, Math.min(100, Number(item.value))) : 0;
      var colour = !has ? GRID : v >= 90 ? "#1b6e32" : v >= 70 ? "#8a5300" : "#b3261e";
      node.appendChild(text(0, y + 14, item.label + ": " + (has ? item.shown || v.toFixed(0) + "%" : "—"), {"font-size": "14", class: "gauge-text"}));
      node.appendChild(el("svg:rect", {x: 0, y: y + 22, width: W, height: 16, fill: "#e6e9ee", rx: "8"}));
      node.appendChild(el("svg:rect", {x: 0, y: y + 22, width: Math.max(has ? 4 : 0, W * v / 100), height: 16, fill: colour, rx: "8", class: "bar"}));
    });
    return el("figure", {class: "chart-figure"}, [node]);
  }

  /* Day by day: a bar per day for the complaints received (new) and a point per day, joined by a line,
     for those closed. points: [{day: "yyyy-mm-dd", new: n, closed: n}] in order, every day of the period. */
  function trend(points, o) {
    var figure = el("figure", {class: "chart-figure"});
    if (!points.length) { figure.appendChild(el("p", {class: "muted", text: o.empty})); return figure; }
    var W = o.width || 560, H = 250, left = 34, right = 12, top = 18, bottom = 52;
    var plotW = W - left - right, plotH = H - top - bottom, n = points.length, step = plotW / n;
    var max = Math.max(1, Math.max.apply(null, points.map(function (p) { return Math.max(p.new || 0, p.closed || 0); })));
    var node = svg(W, H, o.title);
    var y = function (value) { return top + plotH - value / max * plotH; };
    [0, 0.5, 1].forEach(function (f) {
      var count = max * f;
      node.appendChild(el("svg:line", {x1: left, x2: W - right, y1: y(count), y2: y(count), stroke: GRID, "stroke-width": "1"}));
      if (count === Math.round(count)) { node.appendChild(text(left - 6, y(count) + 4, String(count), {"text-anchor": "end", fill: MUTED})); }
    });
    var barW = Math.max(1, Math.min(24, step * 0.6)), r = Math.max(1, Math.min(3.5, step / 3));
    var every = Math.max(1, Math.ceil(n / (W < 420 ? 4 : 8))), line = [];
    points.forEach(function (p, i) {
      var centre = left + step * i + step / 2, made = p.new || 0, closed = p.closed || 0;
      var title = o.dayTitle(p);
      node.appendChild(el("svg:rect", {x: (centre - barW / 2).toFixed(1), y: y(made).toFixed(1), width: barW.toFixed(1),
                                       height: (made / max * plotH).toFixed(1), fill: BRAND, class: "bar bar-new", "data-day": p.day}, [
        el("svg:title", {text: title})]));
      if (made && n <= 31) { node.appendChild(text(centre, y(made) - 4, String(made), {"text-anchor": "middle", "font-size": "10"})); }
      line.push(centre.toFixed(1) + "," + y(closed).toFixed(1));
      node.appendChild(el("svg:circle", {cx: centre.toFixed(1), cy: y(closed).toFixed(1), r: r.toFixed(1), fill: CLOSED,
                                         class: "point point-closed", "data-day": p.day}, [el("svg:title", {text: title})]));
      if (closed && n <= 31) { node.appendChild(text(centre + r + 3, y(closed) + 4, String(closed), {fill: CLOSED, "font-size": "10", "font-weight": "700"})); }
      if (i % every === 0 || (i === n - 1 && i % every >= every / 2)) {  // the last day too, unless too close
        var x = Math.min(Math.max(centre, left + 16), W - right - 16);  // "mm-dd" is about 32 wide: the ends stay inside
        node.appendChild(text(x, H - bottom + 16, p.day.slice(5), {"text-anchor": "middle", fill: MUTED, "font-size": "11"}));
      }
    });
    node.appendChild(el("svg:polyline", {points: line.join(" "), fill: "none", stroke: CLOSED, "stroke-width": n > 62 ? "1.5" : "2", class: "closed-line"}));
    node.appendChild(el("svg:rect", {x: left, y: H - 20, width: 12, height: 12, fill: BRAND}));
    node.appendChild(text(left + 16, H - 10, o.newLabel));
    node.appendChild(el("svg:line", {x1: left + 100, x2: left + 124, y1: H - 14, y2: H - 14, stroke: CLOSED, "stroke-width": "2"}));
    node.appendChild(el("svg:circle", {cx: left + 112, cy: H - 14, r: "3.5", fill: CLOSED}));
    node.appendChild(text(left + 130, H - 10, o.closedLabel));
    figure.appendChild(node);
    figure.appendChild(table(o.tableLabel, [o.dayLabel, o.newLabel, o.closedLabel], points.map(function (p) { return [p.day, p.new || 0, p.closed || 0]; })));
    return figure;
  }

  window.Charts = {pareto: pareto, bars: bars, gauges: gauges, trend: trend};
}());
