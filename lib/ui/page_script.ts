/**
 * The dashboard's script, run by the browser (so plain JavaScript in a string: it ships inside
 * the module graph, and so inside the compiled binary). It reads `/api/usage`, `/api/requests`
 * and `/api/events` of the page's own origin and draws with DOM and SVG elements; every value
 * from the ledger is set as text, never parsed as HTML (a caller chooses the model name it sends).
 */
export const PAGE_SCRIPT = `"use strict";
(function () {
  var HOUR = 3600000, DAY = 86400000, MAX_ROWS = 100;
  var PALETTE = ["#3559c7", "#e07a1f", "#2e9d6a", "#c23b7a", "#7b5cd6", "#1f9bb5", "#b8860b",
    "#d6453d", "#5a8f29", "#8c6d62"];
  var SVG = "http://www.w3.org/2000/svg";
  var config = JSON.parse(document.getElementById("config").textContent);
  var num = new Intl.NumberFormat("en-US");
  var tz = -new Date().getTimezoneOffset();
  var colors = new Map();
  var seen = new Set();
  var refreshTimer = 0;

  function $(id) { return document.getElementById(id); }
  function colorOf(model) {
    if (!colors.has(model)) colors.set(model, PALETTE[colors.size % PALETTE.length]);
    return colors.get(model);
  }
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var name in attrs) node.setAttribute(name, String(attrs[name]));
    return node;
  }
  function usd(x) {
    if (x === null || x === undefined) return "\\u2014";
    return "$" + x.toFixed(x > 0 && x < 1 ? 4 : 2);
  }
  function usdAxis(x) { return "$" + x.toFixed(x > 0 && x < 0.1 ? 3 : 2); }
  function short(n) {
    if (n >= 1e9) return (n / 1e9).toFixed(1) + "G";
    if (n >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
    return String(Math.round(n * 100) / 100);
  }
  function tokensOf(t) {
    return t.input_tokens + t.cache_read_input_tokens + t.cache_creation_input_tokens +
      t.output_tokens;
  }
  function setStatus(text) { $("status").textContent = text; }
  function getJson(path) {
    return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(path.split("?")[0] + " answered " + r.status);
      return r.json();
    });
  }
  function localMidnight() {
    var d = new Date();
    d.setHours(0, 0, 0, 0);
    return d.getTime();
  }
  function localDay(ms) {
    var d = new Date(ms);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }
  function row(cells, className) {
    var tr = el("tr", null, className);
    cells.forEach(function (c) { tr.appendChild(c); });
    return tr;
  }
  function head(names) {
    return row(names.map(function (n) {
      return el("th", n.replace(/^#/, ""), n.charAt(0) === "#" ? "n" : "");
    }));
  }

  function renderToday(usage) {
    var table = $("today");
    table.replaceChildren(head(["Model", "#Requests", "#Errors", "#Input", "#Cache read",
      "#Cache write", "#Output", "#Reasoning", "#Cost"]));
    var line = function (name, t, className) {
      table.appendChild(row([el("td", name), el("td", num.format(t.requests), "n"),
        el("td", num.format(t.errors), t.errors ? "n bad" : "n"),
        el("td", num.format(t.input_tokens), "n"),
        el("td", num.format(t.cache_read_input_tokens), "n"),
        el("td", num.format(t.cache_creation_input_tokens), "n"),
        el("td", num.format(t.output_tokens), "n"), el("td", num.format(t.reasoning_tokens), "n"),
        el("td", usd(t.cost_usd), "n")], className));
    };
    usage.groups.forEach(function (g) { line(g.model, g); });
    if (usage.groups.length === 0) {
      var empty = el("td", "No requests yet today.", "empty");
      empty.colSpan = 9;
      table.appendChild(row([empty]));
    }
    line("Total", usage.total, "total");
  }

  function niceMax(x) {
    var p = Math.pow(10, Math.floor(Math.log10(x)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (x <= steps[i] * p) return steps[i] * p;
    return 10 * p;
  }

  function drawChart(id, keys, groups, keyName, value, format, label) {
    var svg = $(id);
    var W = 600, H = 190, left = 46, right = 6, top = 8, bottom = 20;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.replaceChildren();
    var byKey = new Map(keys.map(function (k) { return [k, []]; }));
    groups.forEach(function (g) { var list = byKey.get(g[keyName]); if (list) list.push(g); });
    var max = 0;
    byKey.forEach(function (list) {
      var sum = list.reduce(function (s, g) { return s + value(g); }, 0);
      if (sum > max) max = sum;
    });
    var scale = max > 0 ? niceMax(max) : 1;
    var plotH = H - top - bottom;
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH * (1 - f);
      svg.appendChild(svgEl("line", { x1: left, x2: W - right, y1: y, y2: y, "class": "grid" }));
      var text = svgEl("text", { x: left - 4, y: y + 3, "text-anchor": "end", "class": "axis" });
      text.textContent = format(scale * f);
      svg.appendChild(text);
    });
    var bw = (W - left - right) / keys.length;
    var bars = 0;
    keys.forEach(function (k, i) {
      var y = top + plotH;
      (byKey.get(k) || []).sort(function (a, b) { return a.model < b.model ? -1 : 1; })
        .forEach(function (g) {
          var v = value(g);
          if (!(v > 0)) return;
          var h = Math.max(1, v / scale * plotH);
          y -= h;
          var rect = svgEl("rect", { x: left + i * bw + 1, y: y, width: Math.max(1, bw - 2),
            height: h, fill: colorOf(g.model), "class": "bar" });
          var title = svgEl("title", {});
          title.textContent = label(k) + " \\u00b7 " + g.model + ": " + format(v);
          rect.appendChild(title);
          svg.appendChild(rect);
          bars++;
        });
      var every = Math.ceil(keys.length / 8);
      if (i % every === 0) {
        var text = svgEl("text", { x: left + i * bw + bw / 2, y: H - 5, "text-anchor": "middle",
          "class": "axis" });
        text.textContent = label(k);
        svg.appendChild(text);
      }
    });
    svg.setAttribute("data-bars", String(bars));
  }

  function drawLegend(id, groups) {
    var legend = $(id);
    legend.replaceChildren();
    Array.from(new Set(groups.map(function (g) { return g.model; }))).sort().forEach(function (m) {
      var item = el("span");
      var swatch = svgEl("svg", { viewBox: "0 0 10 10" });
      swatch.appendChild(svgEl("rect", { width: 10, height: 10, fill: colorOf(m) }));
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(m));
      legend.appendChild(item);
    });
  }

  function refreshUsage() {
    var now = Date.now();
    var midnight = localMidnight();
    var hourKeys = [], dayKeys = [];
    for (var i = 47; i >= 0; i--) {
      var h = new Date(now - i * HOUR);
      h.setUTCMinutes(0, 0, 0);
      hourKeys.push(h.toISOString());
    }
    for (var j = 29; j >= 0; j--) dayKeys.push(localDay(midnight - j * DAY + 12 * HOUR));
    var query = "&tz=" + tz;
    return Promise.all([
      getJson("/api/usage?group=model&from=" + midnight + query),
      getJson("/api/usage?group=hour,model&from=" + new Date(hourKeys[0]).getTime() + query),
      getJson("/api/usage?group=day,model&from=" + (midnight - 29 * DAY) + query),
    ]).then(function (all) {
      renderToday(all[0]);
      var hourLabel = function (k) { return String(new Date(k).getHours()).padStart(2, "0") + "h"; };
      var dayLabel = function (k) { return k.slice(5); };
      var cost = function (g) { return g.cost_usd; };
      drawChart("tokens-hour", hourKeys, all[1].groups, "hour", tokensOf, short, hourLabel);
      drawChart("cost-hour", hourKeys, all[1].groups, "hour", cost, usdAxis, hourLabel);
      drawChart("tokens-day", dayKeys, all[2].groups, "day", tokensOf, short, dayLabel);
      drawChart("cost-day", dayKeys, all[2].groups, "day", cost, usdAxis, dayLabel);
      drawLegend("legend-hour", all[1].groups);
      drawLegend("legend-hour-cost", all[1].groups);
      drawLegend("legend-day", all[2].groups);
      drawLegend("legend-day-cost", all[2].groups);
      setStatus("updated " + new Date().toLocaleTimeString());
    });
  }

  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () {
      refreshTimer = 0;
      refreshUsage().catch(function (e) { setStatus(e.message); });
    }, 1500);
  }

  function requestRow(r, fresh) {
    var tokens = r.input_tokens + r.cache_read_input_tokens + r.cache_creation_input_tokens;
    var warn = el("td", r.warnings.length ? r.warnings.length + " \\u26a0" : "",
      r.warnings.length ? "warn" : "");
    if (r.warnings.length) warn.title = r.warnings.join("\\n");
    var served = r.served_by && r.served_by !== r.model ? " \\u2192 " + r.served_by : "";
    var tr = row([
      el("td", new Date(r.time).toLocaleTimeString()),
      el("td", r.status + (r.error_type ? " " + r.error_type : ""), r.status >= 400 ? "bad" : "ok"),
      el("td", r.caller + " \\u2192 " + (r.upstream || "-")),
      el("td", (r.model || "-") + served),
      el("td", num.format(Math.round(r.ttfb_ms)) + " ms", "n"),
      el("td", num.format(Math.round(r.total_ms)) + " ms", "n"),
      el("td", num.format(tokens) + (r.cache_read_input_tokens ?
        " (" + short(r.cache_read_input_tokens) + " cached)" : ""), "n"),
      el("td", num.format(r.output_tokens) + (r.usage_estimated ? " est." : ""), "n"),
      el("td", usd(r.cost_usd), "n"),
      warn,
      el("td", r.key_tail, "muted"),
    ], fresh ? "fresh" : "");
    tr.setAttribute("data-id", r.id);
    return tr;
  }

  function addRequest(r, fresh) {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    var body = $("requests-body");
    var empty = $("requests-empty");
    if (empty) empty.remove();
    var tr = requestRow(r, fresh);
    if (fresh) body.insertBefore(tr, body.firstChild);
    else body.appendChild(tr);
    while (body.children.length > MAX_ROWS) body.lastChild.remove();
  }

  function renderModels() {
    var table = $("models");
    table.replaceChildren(head(["Model", "Aliases", "Upstream", "Dialect", "Upstream model",
      "#Price in / out / cache read / write (USD per M tokens)"]));
    config.models.forEach(function (m) {
      var p = m.price;
      table.appendChild(row([el("td", m.model_id), el("td", m.aliases.join(", "), "muted"),
        el("td", m.route ? "router: " + m.route.join(", ") : m.api_base), el("td", m.format || ""),
        el("td", m.model_name || ""),
        el("td", p ? [p.input, p.output, p.cache_read, p.cache_write].join(" / ") : "\\u2014",
          "n")]));
    });
  }

  function listen(after) {
    var events = new EventSource("/api/events?after=" + after);
    // A reconnect sends Last-Event-ID, the seq of the last row received.
    events.addEventListener("request", function (e) {
      addRequest(JSON.parse(e.data), true);
      scheduleRefresh();
    });
    events.addEventListener("in_flight", function (e) {
      $("inflight").textContent = String(JSON.parse(e.data).in_flight);
    });
    events.onerror = function () { setStatus("live feed interrupted; reconnecting\\u2026"); };
    events.onopen = function () { setStatus("live"); };
  }

  $("ledger").textContent = config.ledger;
  renderModels();
  Promise.all([refreshUsage(), getJson("/api/requests?limit=50")]).then(function (all) {
    var rows = all[1].requests;
    rows.forEach(function (r) { addRequest(r, false); });
    listen(rows.length ? rows[0].seq : 0);
    document.body.setAttribute("data-ready", "1");
  }).catch(function (e) { setStatus(e.message); });
  setInterval(function () { refreshUsage().catch(function (e) { setStatus(e.message); }); }, 60000);
})();
`;
