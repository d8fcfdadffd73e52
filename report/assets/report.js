/* pmx report page script. Plain ES5-ish JS, no dependencies besides the
 * inlined echarts. Reads the data blob, initialises the charts and makes the
 * Graphviz-rendered process map interactive. Every data string that reaches
 * innerHTML goes through esc(); echarts axis text is drawn on canvas. */
(function () {
  "use strict";
  var body = document.body;
  var data = JSON.parse(document.getElementById("pmx-data").textContent);
  var ready = 0;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* ---------- charts ---------- */
  var FONT = getComputedStyle(body).fontFamily;
  var charts = [], measure = document.createElement("canvas").getContext("2d");
  function textWidth(s) { measure.font = "12px " + FONT; return measure.measureText(s).width; }

  // decorate adds what JSON cannot carry: formatters and label truncation.
  function decorate(spec, o) {
    o.textStyle = { fontFamily: FONT };
    if (spec.kind === "pareto") {
      o.tooltip = { trigger: "item", confine: true, extraCssText: "max-width:420px;white-space:normal;", formatter: function (p) {
        var v = p.value || [];
        return "<b>" + esc(p.name) + "</b><br>objective " + esc(v[1]) + ", weekly cost change " + esc(v[0]);
      } };
      return o;
    }
    if (spec.kind === "whatif") {
      // Changes with their intervals: the option carries everything; the
      // tooltip names the KPI and the interval.
      o.tooltip = { trigger: "item", confine: true, formatter: function (p) {
        var v = p.value || [];
        if (p.seriesType === "boxplot") return "<b>" + esc(p.name) + "</b><br>95 % interval " + esc(v[1]) + " to " + esc(v[5]);
        return "<b>" + esc(p.name) + "</b><br>mean change " + esc(Array.isArray(v) ? v[1] : v);
      } };
      return o;
    }
    if (spec.kind === "compare-edges") {
      // Edge labels cut to fit, the whole "from → to" in the tooltip.
      var cut = function (v) { return v.length > 40 ? v.slice(0, 39) + "…" : v; };
      var ax = o.yAxis[0], g = Array.isArray(o.grid) ? o.grid[0] : o.grid;
      ax.axisLabel = Object.assign(ax.axisLabel || {}, { color: "#3d4a63", interval: 0, formatter: cut });
      g.containLabel = false;
      g.left = 14 + Math.max.apply(null, (ax.data || []).map(function (v) { return textWidth(cut(v)); }).concat([20]));
      g.bottom = 40;
      o.tooltip = { trigger: "axis", confine: true, axisPointer: { type: "shadow" }, extraCssText: "max-width:420px;white-space:normal;",
        formatter: function (ps) {
          return "<b>" + esc(ps[0].name) + "</b><br>B − A mean time " + esc(ps[0].value) + " h";
        } };
      return o;
    }
    var cat = spec.kind === "durations" ? o.xAxis[0] : o.yAxis[0];
    o.tooltip = Object.assign(o.tooltip || {}, {
      trigger: "axis", confine: true, axisPointer: { type: "shadow" },
      extraCssText: "max-width:420px;white-space:normal;"
    });
    cat.axisLabel = Object.assign(cat.axisLabel || {}, { color: "#3d4a63" });
    if (spec.kind === "variants") {
      o.tooltip.formatter = function (ps) {
        var v = data.variants[ps[0].dataIndex];
        return "<b>Variant " + esc(v.label) + "</b><br>" + esc(v.count) + (v.count === "1" ? " case (" : " cases (") + esc(v.share) +
          "), mean " + esc(v.mean) + "<div style='margin-top:4px;color:#555'>" +
          v.activities.map(esc).join(" → ") + "</div>";
      };
      o.series[0].label = { show: true, position: "right", color: "#5d6b82",
        formatter: function (p) { return data.variants[p.dataIndex].share; } };
    } else if (spec.kind === "activities") {
      // Truncate and size the label column by hand: grid.containLabel
      // misjudges long category labels on an inverted axis and clips them.
      var short = function (v) { return v.length > 30 ? v.slice(0, 29) + "…" : v; };
      var grid = Array.isArray(o.grid) ? o.grid[0] : o.grid;
      cat.axisLabel.interval = 0;
      cat.axisLabel.formatter = short;
      grid.containLabel = false;
      grid.left = 14 + Math.max.apply(null, (cat.data || []).map(function (v) { return textWidth(short(v)); }).concat([20]));
      grid.bottom = 28;
      o.tooltip.formatter = function (ps) {
        return "<b>" + esc(ps[0].name) + "</b><br>" + Number(ps[0].value).toLocaleString("en-US") + " events";
      };
    } else {
      // Only the buckets chosen in Go carry a label (round durations), so
      // the labels stay horizontal and apart; the tooltip has the range.
      var ticks = {};
      (spec.ticks || []).forEach(function (t) { ticks[t.index] = t.label; });
      var shown = function (i) { return ticks.hasOwnProperty(i); };
      cat.axisLabel.rotate = 0;
      cat.axisLabel.interval = shown;
      cat.axisLabel.hideOverlap = true;
      cat.axisLabel.formatter = function (v, i) { return shown(i) ? ticks[i] : ""; };
      cat.axisTick = { show: true, alignWithLabel: true, interval: shown };
      o.tooltip.formatter = function (ps) {
        return "<b>" + esc(ps[0].name) + "</b><br>" + Number(ps[0].value).toLocaleString("en-US") + " cases";
      };
    }
    if (!o.series[0].data || !o.series[0].data.length) {
      o.title = { text: "No data", left: "center", top: "middle", textStyle: { color: "#8a96a8", fontSize: 14, fontWeight: "normal" } };
    }
    return o;
  }

  data.charts.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el || typeof echarts === "undefined") return;
    el.style.height = spec.height + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(decorate(spec, spec.option));
    charts.push(chart);
    ready++;
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  /* ---------- pan and zoom (process map and model) ---------- */

  // panZoom makes an inlined Graphviz SVG zoomable (wheel, buttons,
  // double-click) and pannable (drag) inside host by rewriting its viewBox:
  // crisp at any zoom, no transforms. o.minHeight / o.maxHeight bound the
  // height sizeHost gives the host; o.ids names the +, − and Fit buttons.
  // It returns fit (frame what is shown) and sizeHost (fit-to-width height).
  function panZoom(host, svg, o) {
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    var b = svg.viewBox.baseVal, graph0 = svg.querySelector("g.graph");
    var full = { x: b.x, y: b.y, w: b.width, h: b.height };
    var home = full, vb = Object.assign({}, full), drag = null;
    function setVB() { svg.setAttribute("viewBox", [vb.x, vb.y, vb.w, vb.h].join(" ")); }
    function toSVG(cx, cy) {
      var m = svg.getScreenCTM();
      if (!m) return { x: vb.x + vb.w / 2, y: vb.y + vb.h / 2 };
      var p = svg.createSVGPoint(); p.x = cx; p.y = cy;
      return p.matrixTransform(m.inverse());
    }
    // visibleBox is the bounding box of the shown nodes and edges in viewBox
    // units, so "fit" frames what the map's sliders left, not the whole
    // drawing.
    function visibleBox() {
      var m = svg.getScreenCTM(), gm = graph0 && graph0.getScreenCTM();
      if (!m || !gm) return null;
      var t = m.inverse().multiply(gm), x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      Array.prototype.forEach.call(svg.querySelectorAll("g.node, g.edge"), function (g) {
        if (g.classList.contains("pmx-hidden")) return;
        var bb = g.getBBox();
        [[bb.x, bb.y], [bb.x + bb.width, bb.y + bb.height]].forEach(function (c) {
          var p = svg.createSVGPoint(); p.x = c[0]; p.y = c[1]; p = p.matrixTransform(t);
          x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
        });
      });
      return x0 < x1 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
    }
    function padded(bb) { return { x: bb.x - PAD, y: bb.y - PAD, w: bb.w + 2 * PAD, h: bb.h + 2 * PAD }; }
    // fit frames the visible part, magnifying at most MAXSCALE so a small
    // drawing is not blown up to poster size.
    var MAXSCALE = 1.5, PAD = 14;
    function fit() {
      var bb = padded(visibleBox() || full), r = host.getBoundingClientRect();
      var w = Math.max(bb.w, r.width / MAXSCALE), h = Math.max(bb.h, r.height / MAXSCALE);
      home = { x: bb.x - (w - bb.w) / 2, y: bb.y - (h - bb.h) / 2, w: w, h: h };
      vb = Object.assign({}, home);
      setVB();
    }
    // sizeHost gives the host the height the visible part needs at full
    // width, within o.minHeight and o.maxHeight (or 85 % of the window).
    function sizeHost() {
      var bb = padded(visibleBox() || full), r = host.getBoundingClientRect();
      var s = Math.min(r.width / bb.w, MAXSCALE);
      var h = Math.min(Math.max(bb.h * s, o.minHeight), Math.min(o.maxHeight, window.innerHeight * 0.85));
      host.style.height = Math.round(h) + "px";
    }
    function zoom(f, cx, cy) {
      var lim = Math.max(full.w, home.w);
      var nw = Math.min(Math.max(vb.w * f, lim / 40), lim * 3);
      f = nw / vb.w;
      var r = host.getBoundingClientRect();
      var p = toSVG(cx === undefined ? r.left + r.width / 2 : cx, cy === undefined ? r.top + r.height / 2 : cy);
      vb.x = p.x - (p.x - vb.x) * f; vb.y = p.y - (p.y - vb.y) * f;
      vb.w *= f; vb.h *= f;
      setVB();
    }
    host.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      zoom(Math.exp(ev.deltaY * (ev.deltaMode ? 0.05 : 0.0015)), ev.clientX, ev.clientY);
    }, { passive: false });
    host.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      var m = svg.getScreenCTM();
      drag = { x: ev.clientX, y: ev.clientY, vx: vb.x, vy: vb.y, s: m ? 1 / m.a : 1 };
      try { host.setPointerCapture(ev.pointerId); } catch (e) { /* synthetic or stale pointer */ }
      host.classList.add("dragging");
    });
    host.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      vb.x = drag.vx - (ev.clientX - drag.x) * drag.s;
      vb.y = drag.vy - (ev.clientY - drag.y) * drag.s;
      setVB();
    });
    function endDrag() { drag = null; host.classList.remove("dragging"); }
    host.addEventListener("pointerup", endDrag);
    host.addEventListener("pointercancel", endDrag);
    host.addEventListener("dblclick", function (ev) { zoom(0.5, ev.clientX, ev.clientY); });
    document.getElementById(o.ids + "zoom-in").onclick = function () { zoom(0.7); };
    document.getElementById(o.ids + "zoom-out").onclick = function () { zoom(1 / 0.7); };
    document.getElementById(o.ids + "fit").onclick = fit;
    // Printing shows the whole visible drawing at the page width (the print
    // stylesheet sizes the SVG by its viewBox), whatever the zoom on screen.
    var saved = null;
    window.addEventListener("beforeprint", function () {
      saved = Object.assign({}, vb);
      vb = padded(visibleBox() || full);
      setVB();
    });
    window.addEventListener("afterprint", function () {
      if (saved) { vb = saved; saved = null; setVB(); }
    });
    host.classList.add("pz");
    return { fit: fit, sizeHost: sizeHost, dragging: function () { return drag !== null; } };
  }

  /* ---------- process model ---------- */
  var modelHost = document.getElementById("pmx-model");
  var modelSVG = modelHost && modelHost.querySelector("svg");
  if (modelSVG) {
    var model = panZoom(modelHost, modelSVG, { ids: "pmx-model-", minHeight: 160, maxHeight: 640 });
    model.sizeHost();
    model.fit();
    body.setAttribute("data-pmx-model", "ok");
  }

  /* ---------- process map ---------- */
  var host = document.getElementById("pmx-map");
  var svg = host && host.querySelector("svg");
  if (svg) initMap();

  function initMap() {
    var nodes = {}, edges = {};
    data.map.nodes.forEach(function (n) { nodes[n.id] = n; });
    data.map.edges.forEach(function (e) { edges[e.id] = e; });
    // Graphviz <title>s hold internal ids; our tooltip replaces them.
    Array.prototype.slice.call(svg.querySelectorAll("title")).forEach(function (t) { t.remove(); });
    var view = panZoom(host, svg, { ids: "pmx-", minHeight: 420, maxHeight: 880 });

    // Tooltip and highlight, by event delegation on the Graphviz groups.
    var tip = document.getElementById("pmx-tip"), hl = null;
    function row(k, v) { return "<tr><td>" + esc(k) + "</td><td>" + esc(v) + "</td></tr>"; }
    function tipHTML(g) {
      var n = nodes[g.id], e = edges[g.id];
      if (n && n.kind !== "activity") return "<b>" + esc(n.name) + "</b><table>" + row("cases", n.count.toLocaleString("en-US")) + "</table>";
      if (n) return "<b>" + esc(n.name) + "</b><table>" + row("events", n.count.toLocaleString("en-US")) +
        (n.start ? row("starts cases", n.start.toLocaleString("en-US")) : "") +
        (n.end ? row("ends cases", n.end.toLocaleString("en-US")) : "") + "</table>";
      if (!e) return "";
      var h = "<b>" + esc(nodes[e.from].name) + " → " + esc(nodes[e.to].name) + "</b><table>" + row("count", e.freq);
      if (e.timed) h += row("mean", e.mean) + row("median", e.median) + row("p90", e.p90);
      return h + "</table>";
    }
    svg.addEventListener("mouseover", function (ev) {
      var g = ev.target.closest && ev.target.closest("g.node, g.edge");
      if (hl && hl !== g) hl.classList.remove("pmx-hl");
      hl = g;
      if (!g || view.dragging()) { tip.hidden = true; return; }
      g.classList.add("pmx-hl");
      tip.innerHTML = tipHTML(g);
      tip.hidden = false;
    });
    host.addEventListener("mousemove", function (ev) {
      if (tip.hidden) return;
      var r = host.getBoundingClientRect();
      var x = ev.clientX - r.left + 14, y = ev.clientY - r.top + 14;
      if (x + tip.offsetWidth > r.width) x = ev.clientX - r.left - tip.offsetWidth - 10;
      if (y + tip.offsetHeight > r.height) y = ev.clientY - r.top - tip.offsetHeight - 10;
      tip.style.left = x + "px"; tip.style.top = y + "px";
    });
    host.addEventListener("mouseleave", function () { tip.hidden = true; if (hl) hl.classList.remove("pmx-hl"); });

    // Frequency / mean time: relabel the edges in place (same layout), and
    // shade edges by waiting time in time mode.
    var means = data.map.edges.filter(function (e) { return e.timed; }).map(function (e) { return Math.max(e.meanSec, 1); });
    var lmin = means.length ? Math.log(Math.min.apply(null, means)) : 0;
    var lmax = means.length ? Math.log(Math.max.apply(null, means)) : 0;
    function setMode(mode) {
      data.map.edges.forEach(function (e) {
        var g = document.getElementById(e.id);
        if (!g) return;
        var t = g.querySelector("text");
        if (t) t.textContent = mode === "time" ? (e.timed ? " " + e.mean + " " : "") : " " + e.freq + " ";
        var col = "";
        if (mode === "time" && e.timed && lmax > lmin) {
          var k = (Math.log(Math.max(e.meanSec, 1)) - lmin) / (lmax - lmin);
          col = "rgb(" + Math.round(135 + 90 * k) + "," + Math.round(147 - 90 * k) + "," + Math.round(168 - 120 * k) + ")";
        }
        Array.prototype.forEach.call(g.querySelectorAll("path, polygon"), function (s) {
          s.style.stroke = col;
          if (s.tagName === "polygon") s.style.fill = col;
        });
        if (t) t.style.fill = col;
      });
    }
    // "#time" in the URL opens the map in mean-time mode (shareable view).
    var initialMode = location.hash === "#time" ? "time" : "freq";
    Array.prototype.forEach.call(document.querySelectorAll("input[name=pmx-mode]"), function (r) {
      r.checked = r.value === initialMode;
      r.addEventListener("change", function () { setMode(r.value); });
    });

    // Disco-style sliders: keep the N most frequent activities and the M most
    // frequent paths among them, plus each visible node's strongest in- and
    // outgoing path so nothing floats unconnected.
    var acts = data.map.nodes.filter(function (n) { return n.kind === "activity"; });
    var byCount = data.map.edges.slice().sort(function (a, b) { return b.count - a.count || (a.id < b.id ? -1 : 1); });
    var actIn = document.getElementById("pmx-act"), pathIn = document.getElementById("pmx-path");
    pathIn.value = data.map.defaultPaths;
    function apply() {
      var nAct = acts.length ? Math.max(1, Math.round(actIn.value / 100 * acts.length)) : 0;
      var vis = { start: true, end: true };
      acts.slice(0, nAct).forEach(function (n) { vis[n.id] = true; });
      var cand = byCount.filter(function (e) { return vis[e.from] && vis[e.to]; });
      var show = {}, nPath = Math.round(pathIn.value / 100 * cand.length), bestIn = {}, bestOut = {};
      cand.forEach(function (e, i) {
        if (i < nPath) show[e.id] = true;
        if (e.from === e.to) return;
        if (!bestOut[e.from]) { bestOut[e.from] = 1; show[e.id] = true; }
        if (!bestIn[e.to]) { bestIn[e.to] = 1; show[e.id] = true; }
      });
      data.map.nodes.forEach(function (n) {
        var g = document.getElementById(n.id);
        if (g) g.classList.toggle("pmx-hidden", !vis[n.id]);
      });
      var shown = 0;
      data.map.edges.forEach(function (e) {
        var g = document.getElementById(e.id);
        if (g) g.classList.toggle("pmx-hidden", !show[e.id]);
        if (show[e.id]) shown++;
      });
      document.getElementById("pmx-act-out").textContent = nAct + " / " + acts.length;
      document.getElementById("pmx-path-out").textContent = shown + " / " + data.map.edges.length;
    }
    actIn.addEventListener("input", apply);
    pathIn.addEventListener("input", apply);
    actIn.addEventListener("change", view.fit);
    pathIn.addEventListener("change", view.fit);
    apply();
    setMode(initialMode);
    view.sizeHost();
    view.fit();
    body.setAttribute("data-pmx-map", "ok");
  }

  body.dataset.pmxReady = String(ready);
})();
