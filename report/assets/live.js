/* pmx live page. Reads the log's overview from Server-Sent Events, the
 * lists from the JSON API, and draws them. Every data string reaches the
 * page as text (textContent), never as markup. No inline code: the server's
 * Content-Security-Policy allows scripts from /assets only. */
(function () {
  "use strict";
  var body = document.body;
  var log = body.getAttribute("data-log");
  var nodes = JSON.parse(body.getAttribute("data-nodes") || "[]");
  var api = "/api/logs/" + encodeURIComponent(log);
  window.addEventListener("error", function (e) { body.setAttribute("data-pmx-error", String(e.message)); });

  function $(id) { return document.getElementById(id); }
  function text(el, s) { el.textContent = s; return el; }
  function el(tag, cls, s) { var e = document.createElement(tag); if (cls) e.className = cls; if (s != null) e.textContent = s; return e; }

  // Durations as the report writes them: the largest unit that keeps the
  // number readable.
  function dur(sec) {
    var neg = sec < 0, a = Math.abs(sec), s;
    if (a < 60) s = Math.round(a) + " s";
    else if (a < 3600) s = Math.round(a / 60) + " min";
    else if (a < 86400 * 2) s = (a / 3600).toFixed(a < 36000 ? 1 : 0) + " h";
    else s = (a / 86400).toFixed(a < 864000 ? 1 : 0) + " d";
    return (neg ? "−" : "") + s;
  }
  function num(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function when(iso) { return iso ? iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC") : "–"; }

  /* ---------- charts ---------- */
  var FONT = getComputedStyle(body).fontFamily;
  var wip = null, flow = null;
  function charts() {
    if (!window.echarts) return false;
    if (!wip) {
      wip = echarts.init($("chart-wip"));
      flow = echarts.init($("chart-flow"));
      window.addEventListener("resize", function () { wip.resize(); flow.resize(); });
    }
    return true;
  }
  function drawCharts(ov) {
    if (!charts()) return;
    var hours = ov.hours || [];
    var xs = hours.map(function (h) { return h.start; });
    var base = { animation: false, textStyle: { fontFamily: FONT }, grid: { left: 48, right: 18, top: 24, bottom: 36 },
      tooltip: { trigger: "axis", confine: true }, xAxis: { type: "time" } };
    wip.setOption(Object.assign({}, base, {
      yAxis: { type: "value", name: "open cases", minInterval: 1 },
      series: [{ type: "line", name: "open cases", step: "end", showSymbol: false, areaStyle: { opacity: 0.15 },
        data: hours.map(function (h, i) { return [xs[i], h.open]; }) }]
    }), true);
    flow.setOption(Object.assign({}, base, {
      legend: { top: 0 },
      yAxis: { type: "value", name: "cases", minInterval: 1 },
      series: [
        { type: "bar", name: "arrivals", data: hours.map(function (h, i) { return [xs[i], h.arrivals]; }) },
        { type: "bar", name: "completions", data: hours.map(function (h, i) { return [xs[i], h.completions]; }) }
      ]
    }), true);
  }

  /* ---------- process map badges ---------- */
  var SVGNS = "http://www.w3.org/2000/svg";
  var badges = {};
  function drawMap(ov) {
    var svg = document.querySelector("#live-map svg");
    if (!svg) return;
    var load = {};
    (ov.activities || []).forEach(function (a) { load[a.activity] = a; });
    nodes.forEach(function (n) {
      if (n.kind !== "activity") return;
      var g = svg.getElementById ? svg.getElementById("live-" + n.id) : document.getElementById("live-" + n.id);
      if (!g) return;
      var b = badges[n.id];
      if (!b) {
        var box = g.getBBox();
        b = { g: document.createElementNS(SVGNS, "g"), after: null, wait: null };
        b.g.setAttribute("class", "live-badge");
        var c = document.createElementNS(SVGNS, "circle");
        c.setAttribute("cx", box.x + box.width - 2); c.setAttribute("cy", box.y + 2); c.setAttribute("r", 11);
        b.after = document.createElementNS(SVGNS, "text");
        b.after.setAttribute("x", box.x + box.width - 2); b.after.setAttribute("y", box.y + 6);
        b.after.setAttribute("text-anchor", "middle");
        b.wait = document.createElementNS(SVGNS, "text");
        b.wait.setAttribute("class", "live-wait");
        b.wait.setAttribute("x", box.x + 4); b.wait.setAttribute("y", box.y + box.height + 12);
        b.g.appendChild(c); b.g.appendChild(b.after); b.g.appendChild(b.wait);
        g.parentNode.appendChild(b.g);
        badges[n.id] = b;
      }
      var a = load[n.name] || { after: 0, in_progress: 0, waiting_before: 0 };
      var here = a.after + a.in_progress;
      b.g.setAttribute("data-activity", n.name);
      b.g.setAttribute("data-count", String(here));
      b.g.classList.toggle("zero", here === 0);
      text(b.after, String(here));
      text(b.wait, a.waiting_before ? "≈" + a.waiting_before + " waiting before" : "");
    });
  }

  /* ---------- figures ---------- */
  var lastOverview = null;
  function drawOverview(ov) {
    lastOverview = ov;
    text($("now"), when(ov.now));
    text($("k-open"), num(ov.open_cases));
    var hours = ov.hours || [], last = hours[hours.length - 1] || { arrivals: 0, completions: 0 };
    text($("k-arrivals"), num(last.arrivals));
    text($("k-completions"), num(last.completions));
    var tp = ov.throughput || {};
    text($("k-throughput"), tp.cases ? dur(tp.median_seconds) : "–");
    text($("k-throughput-hint"), tp.cases ? "median of the last " + num(tp.cases) + " completed; p90 " + dur(tp.p90_seconds) : "");
    drawCharts(ov);
    drawMap(ov);
    lists();
  }

  function get(path) {
    return fetch(api + path, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  }

  function caseLink(id) {
    var a = el("a", null, id);
    a.href = api + "/cases/" + encodeURIComponent(id);
    return a;
  }

  function fill(tbodyParent, emptyId, rows, cells) {
    var tb = $(tbodyParent).tBodies[0];
    while (tb.firstChild) tb.removeChild(tb.firstChild);
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      cells(r).forEach(function (c) {
        var td = el("td", c.cls || null, c.node ? null : c.text);
        if (c.node) td.appendChild(c.node);
        tr.appendChild(td);
      });
      tb.appendChild(tr);
    });
    $(emptyId).hidden = rows.length > 0;
  }

  var listTimer = null, listing = false, again = false;
  // lists refreshes the worklist, stuck cases and the feed at most four
  // times a second, whatever the event rate; an update that arrives while
  // they are being fetched is not lost but fetched again after.
  function lists() {
    if (listing) { again = true; return; }
    if (listTimer) return;
    listTimer = setTimeout(function () {
      listTimer = null;
      listing = true;
      Promise.all([get("/worklist?limit=50"), get("/stuck?limit=50"), get("/exceptions?limit=50"), get("/alerts?limit=50")])
        .then(function (res) {
          var wl = res[0], st = res[1], ex = res[2], al = res[3];
          text($("k-risk"), num(wl.filter(function (w) { return w.status === "at-risk"; }).length));
          text($("k-breached"), num(wl.filter(function (w) { return w.status === "breached"; }).length));
          text($("k-stuck"), num(st.length));
          fill("worklist", "worklist-empty", wl, function (w) {
            return [{ node: caseLink(w.case) }, { text: w.rule }, { text: w.status, cls: "st " + w.status },
              { text: dur(w.left_seconds), cls: "num" }, { text: w.last_activity }, { text: w.resource || "" }];
          });
          fill("stuck", "stuck-empty", st, function (s) {
            return [{ node: caseLink(s.case) }, { text: s.last_activity }, { text: dur(s.idle_seconds), cls: "num" }, { text: dur(s.usual_seconds), cls: "num" }];
          });
          drawFeed(ex, al);
        })
        .catch(function (e) { body.setAttribute("data-pmx-fetch-error", String(e)); })
        .then(function () {
          listing = false;
          if (again) { again = false; lists(); }
        });
    }, 250);
  }

  function drawFeed(ex, al) {
    var items = ex.map(function (e) { return { at: e.at, kind: e.kind, text: (e.case ? e.case + ": " : "") + e.detail }; })
      .concat(al.map(function (a) { return { at: a.at, kind: "alert " + a.kind, text: a.case + ": " + a.rule + (a.silent ? " (before watching)" : "") }; }));
    items.sort(function (a, b) { return a.at < b.at ? 1 : a.at > b.at ? -1 : 0; });
    var ol = $("feed");
    while (ol.firstChild) ol.removeChild(ol.firstChild);
    items.slice(0, 50).forEach(function (it) {
      var li = el("li", "kind-" + it.kind.replace(/\s+/g, "-"));
      li.appendChild(el("span", "when", when(it.at)));
      li.appendChild(el("span", "what", it.kind));
      li.appendChild(el("span", "detail", it.text));
      ol.appendChild(li);
    });
    $("feed-empty").hidden = items.length > 0;
  }

  /* ---------- the stream ---------- */
  function connect() {
    var es = new EventSource(api + "/events");
    es.onopen = function () { text($("conn"), "live"); $("conn").className = "conn on"; };
    es.onerror = function () { text($("conn"), "reconnecting…"); $("conn").className = "conn off"; };
    es.addEventListener("overview", function (e) { drawOverview(JSON.parse(e.data)); body.setAttribute("data-updates", String(++updates)); });
    es.addEventListener("alert", function () { lists(); });
  }
  var updates = 0;
  function start() {
    if (!window.echarts) { setTimeout(start, 50); return; }
    connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
