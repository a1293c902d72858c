/* Cordon network explorer: Cytoscape.js driven by the entities blueprint's JSON.
 *
 * No inline script (CSP script-src 'self'): URLs and the CSRF token come from data-
 * attributes on #explorer. The server decides what the officer may see; this file only
 * draws what it is given and asks again (subgraph) before analysing or exporting.
 */
(function () {
  "use strict";

  var root = document.getElementById("explorer");
  if (!root || typeof cytoscape !== "function") { return; }
  var data = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var statusEl = $("explorer-status");
  // Sentences in the page's language, from the template (entities/explorer.html): the
  // English text is the key, {name} blanks are filled here.
  var TEXT = JSON.parse(($("explorer-text") || {}).textContent || "{}");
  // Stored words (kinds, relation types, statuses) in the page's language, from the template.
  var TERMS = JSON.parse(($("explorer-terms") || {}).textContent || "{}");
  function term(value) { return TERMS[value] || value; }
  function t(key, values) {
    return (TEXT[key] || key).replace(/\{(\w+)\}/g, function (blank, name) {
      return values && name in values ? String(values[name]) : blank;
    });
  }

  var KIND_COLOURS = {
    Trader: "#12355b", Organisation: "#3a6ea5", Agency: "#5b6675", Person: "#1e7b34",
    Location: "#8d6e63", Vessel: "#00838f", Container: "#6a1b9a", Vehicle: "#ad1457",
    Phone: "#ef6c00", Email: "#f9a825", Document: "#4e342e", Commodity: "#558b2f",
    Address: "#795548", Report: "#b58100", Declaration: "#607d8b"
  };
  var COMMUNITY_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  var cy = cytoscape({
    container: $("cy"),
    minZoom: 0.1,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "label": "data(name)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
        "text-wrap": "ellipsis", "text-max-width": 120,
        "background-color": function (n) { return nodeColour(n); },
        "width": function (n) { return nodeSize(n); },
        "height": function (n) { return nodeSize(n); },
        "border-width": function (n) { return riskBorder(n); },
        "border-color": "#b3261e"
      } },
      { selector: "node[kind = 'Report']", style: { "shape": "round-rectangle" } },
      { selector: "node[kind = 'Declaration']", style: { "shape": "diamond" } },
      { selector: "node[?seized]", style: { "border-width": 5, "border-color": "#b3261e",
        "border-style": "double" } },
      { selector: "node[?start]", style: { "font-weight": "bold" } },
      { selector: "node:selected", style: { "overlay-color": "#2563eb", "overlay-opacity": 0.25 } },
      { selector: "edge", style: {
        "width": 1.5, "line-color": "#9aa5b4", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "target-arrow-color": "#9aa5b4", "arrow-scale": 0.7,
        "label": "data(label)", "font-size": 7, "text-rotation": "autorotate", "color": "#5b6675"
      } },
      { selector: ".path", style: { "line-color": "#d62728", "target-arrow-color": "#d62728",
        "width": 3.5, "z-index": 10 } },
      { selector: "node.path", style: { "overlay-color": "#d62728", "overlay-opacity": 0.18 } },
      { selector: ".hidden", style: { "display": "none" } }
    ]
  });
  var useCommunities = false;
  var expandedBy = {};  // node id -> ids that its expansion added (for collapse)
  // node id -> relation type -> {shown, total, capped, more}: the server sends the latest
  // few neighbours per type and a key for the next page of one type.
  var groupsBy = {};

  function nodeColour(n) {
    if (useCommunities && n.data("community") !== undefined && n.data("community") !== null) {
      return COMMUNITY_COLOURS[n.data("community") % COMMUNITY_COLOURS.length];
    }
    return KIND_COLOURS[n.data("kind")] || "#5b6675";
  }
  function nodeSize(n) {
    var b = n.data("betweenness") || 0;
    return 22 + Math.round(Math.sqrt(b) * 40) + Math.min(n.data("degree") || 0, 20);
  }
  function riskBorder(n) {
    var risk = n.data("risk");
    if (risk === null || risk === undefined) { return 0; }
    return 1 + Math.round(Math.max(0, Math.min(1, risk)) * 5);
  }

  function say(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "status" + (kind ? " status-" + kind : "");
  }

  function request(url, options) {
    options = options || {};
    var init = { method: options.method || "GET", credentials: "same-origin",
      headers: { "Accept": "application/json" } };
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = data.csrf;
      init.body = JSON.stringify(options.body);
    }
    return fetch(url, init).then(function (response) {
      if (options.raw && response.ok) { return response; }
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          throw new Error(json.detail || json.error || ("HTTP " + response.status));
        }
        return json;
      });
    });
  }

  function withQuery(url, params) {
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      if (params[key] !== null && params[key] !== undefined && params[key] !== "") {
        query.set(key, params[key]);
      }
    });
    return url + "?" + query.toString();
  }

  function selected(select) {
    return Array.prototype.filter.call(select.options, function (o) { return o.selected; })
      .map(function (o) { return o.value; }).join(",");
  }

  function filters() {
    return { depth: $("depth").value, types: selected($("types")), kinds: selected($("kinds")),
      since: $("date-from").value, until: $("date-to").value };
  }

  function edgeLabel(e) { return TERMS[e.type] || e.type.toLowerCase().replace(/_/g, " "); }

  /* Merge a server network into the chart; returns the ids of nodes that were new. */
  function merge(network, cls) {
    var added = [];
    cy.batch(function () {
      network.nodes.forEach(function (n) {
        var existing = cy.getElementById(n.id);
        if (existing.nonempty()) { existing.data(n); } else {
          cy.add({ group: "nodes", data: n, position: n.position });
          added.push(n.id);
        }
        if (cls) { cy.getElementById(n.id).addClass(cls); }
      });
      network.edges.forEach(function (e) {
        var d = Object.assign({}, e, { label: edgeLabel(e) });
        if (cy.getElementById(e.id).empty()) { cy.add({ group: "edges", data: d }); }
        if (cls) { cy.getElementById(e.id).addClass(cls); }
      });
    });
    return added;
  }

  function relayout(fixed) {
    var layout = cy.layout({ name: fixed ? "preset" : "cose", animate: false, randomize: false,
      nodeDimensionsIncludeLabels: true, idealEdgeLength: 90, nodeRepulsion: 9000 });
    layout.run();
    cy.fit(undefined, 30);
    refreshLists();
    applyDegreeFilter();
  }

  function refreshLists() {
    var list = $("node-list");
    var fromSel = $("path-from"), toSel = $("path-to");
    var keepFrom = fromSel.value, keepTo = toSel.value;
    list.textContent = "";
    fromSel.textContent = "";
    toSel.textContent = "";
    var nodes = cy.nodes().sort(function (a, b) {
      return (a.data("name") || "").localeCompare(b.data("name") || "");
    });
    nodes.forEach(function (n) {
      var li = document.createElement("li");
      li.dataset.id = n.id();
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "node-check";
      box.value = n.id();
      box.setAttribute("aria-label", t("check {name}", { name: n.data("name") }));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link node-pick";
      button.textContent = n.data("name") + (n.data("seized") ? " ⚑" : "");
      button.addEventListener("click", function () { select(n.id()); });
      var kind = document.createElement("small");
      kind.className = "muted";
      kind.textContent = " " + term(n.data("kind"));
      li.append(box, button, kind);
      list.appendChild(li);
      [fromSel, toSel].forEach(function (sel) {
        var opt = document.createElement("option");
        opt.value = n.id();
        opt.textContent = n.data("name") + " (" + term(n.data("kind")) + ")";
        sel.appendChild(opt);
      });
    });
    if (keepFrom) { fromSel.value = keepFrom; }
    if (keepTo) { toSel.value = keepTo; }
    $("node-count").textContent = String(cy.nodes().length);
  }

  function select(id) {
    cy.nodes().unselect();
    var node = cy.getElementById(id);
    if (node.empty()) { return; }
    node.select();
    showDetail(node);
  }

  function showDetail(node) {
    var box = $("explorer-detail");
    var d = node.data();
    box.textContent = "";
    var h = document.createElement("h2");
    h.className = "small";
    h.textContent = d.name;
    var dl = document.createElement("dl");
    dl.className = "props";
    [[t("Kind"), term(d.kind)], [d.reference ? t("Reference") : t("Id"), d.reference || d.id],
      [t("Status"), d.status && term(d.status)], [t("Date"), d.date],
      [t("Risk"), d.risk === null || d.risk === undefined ? null : Number(d.risk).toLocaleString(document.documentElement.lang || undefined,
        { minimumFractionDigits: 2, maximumFractionDigits: 2 })],
      [t("Positive control"), d.seized ? t("yes") : null], [t("Links"), d.degree],
      [t("Betweenness"), d.betweenness], [t("Community"), d.community]].forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") { return; }
      var dt = document.createElement("dt"); dt.textContent = pair[0];
      var dd = document.createElement("dd"); dd.textContent = String(pair[1]);
      dl.append(dt, dd);
    });
    var actions = document.createElement("div");
    actions.className = "row wrap";
    actions.append(
      actionButton(t("Expand"), function () { expand(d.id); }),
      actionButton(t("Collapse"), function () { collapse(d.id); }),
      actionButton(t("Remove"), function () { cy.getElementById(d.id).remove(); refreshLists(); }),
      actionButton(t("Path from here"), function () { $("path-from").value = d.id; }),
      actionButton(t("Path to here"), function () { $("path-to").value = d.id; })
    );
    box.append(h, dl, actions);
    var groupList = neighbourGroups(d.id);
    if (groupList) { box.appendChild(groupList); }
    var href = d.url ||
      (d.kind !== "Report" && d.kind !== "Declaration"
        ? data.urlEntity.replace("ENTITY", encodeURIComponent(d.id)) : null);
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.className = "open-page";
      link.textContent = d.kind === "Report" ? t("Open report {reference}", { reference: d.reference || "" })
        : d.kind === "Declaration" ? t("Open declaration page") : t("Open entity page");
      box.appendChild(link);
    }
  }

  function totalText(g) {
    return Number(g.total).toLocaleString(document.documentElement.lang || undefined) +
      (g.capped ? "+" : "");
  }

  /* "Imported by: showing 25 of 1,000+ [More]" per relation type of an expanded node. */
  function neighbourGroups(id) {
    var groups = groupsBy[id];
    if (!groups) { return null; }
    var list = document.createElement("ul");
    list.className = "neighbour-groups";
    list.setAttribute("aria-label", t("Neighbours by relation"));
    Object.keys(groups).sort().forEach(function (type) {
      var g = groups[type];
      var item = document.createElement("li");
      item.dataset.type = type;
      item.textContent = t("{type}: showing {shown} of {total}",
        { type: edgeLabel({ type: type }), shown: g.shown, total: totalText(g) }) + " ";
      if (g.more) {
        var more = actionButton(t("More"), function () { showMore(id, type); });
        more.setAttribute("aria-label", t("More: {type}", { type: edgeLabel({ type: type }) }));
        item.appendChild(more);
      }
      list.appendChild(item);
    });
    return list;
  }

  function keepGroups(network, paged) {
    (network.groups || []).forEach(function (g) {
      var byType = groupsBy[g.node] = groupsBy[g.node] || {};
      var known = byType[g.type];
      if (paged && known) {
        known.shown += g.shown;
        known.more = g.more;
      } else {
        byType[g.type] = { shown: g.shown, total: g.total, capped: g.capped, more: g.more };
      }
    });
  }

  /* The next page of one relation type around ``id`` (its group's ``more`` key). */
  function showMore(id, type) {
    var g = (groupsBy[id] || {})[type];
    if (!g || !g.more) { return null; }
    return expand(id, g.more);
  }

  function actionButton(text, handler) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small";
    b.textContent = text;
    b.addEventListener("click", handler);
    return b;
  }

  /* Fetch ``id``'s neighbours (or, with ``more``, the next page of one of its groups) and
     merge them into the picture. */
  function expand(id, more) {
    say(t("Expanding…"));
    var params = Object.assign(more ? { id: id, more: more } : { id: id }, filters());
    return request(withQuery(data.urlNeighbours, params)).then(function (network) {
      var added = merge(network);
      expandedBy[id] = (expandedBy[id] || []).concat(added);
      keepGroups(network, Boolean(more));
      relayout(false);
      say(t("Expanded {name}: {added} new node(s), {shown} shown{cut}.", {
        name: cy.getElementById(id).data("name") || id, added: added.length,
        shown: cy.nodes().length, cut: network.truncated ? t(" (cut at the node limit)") : "" }));
      select(id);
    }).catch(function (err) { say(err.message, "error"); });
  }

  /* Remove what expanding ``id`` added, keeping nodes that something else still links. */
  function collapse(id) {
    var added = expandedBy[id] || [];
    var removed = 0;
    cy.batch(function () {
      added.forEach(function (childId) {
        var child = cy.getElementById(childId);
        if (child.empty()) { return; }
        var others = child.neighborhood("node").filter(function (n) { return n.id() !== id; });
        if (others.length === 0) { child.remove(); removed += 1; }
      });
    });
    delete expandedBy[id];
    refreshLists();
    say(t("Collapsed {count} node(s).", { count: removed }));
  }

  function describePath(network) {
    var names = {};
    network.nodes.forEach(function (n) {
      names[n.id] = n.name + (n.seized ? " ⚑ " + t("positive control") : "");
    });
    return network.nodes.map(function (n) { return names[n.id]; }).join(" · ");
  }

  function showPaths(url, body) {
    cy.elements().removeClass("path");
    var promise = body ? request(url, { method: "POST", body: body }) : request(url);
    return promise.then(function (network) {
      if (!network.edges.length) { say(t("No connection within 6 links that you may see."), "error"); return; }
      merge(network, "path");
      relayout(false);
      var hops = network.edges.length;
      say(t(hops > 1 ? "Path found ({count} links): {path}" : "Path found ({count} link): {path}",
        { count: hops, path: describePath(network) }));
    }).catch(function (err) { say(err.message, "error"); });
  }

  function currentIds() { return cy.nodes().map(function (n) { return n.id(); }); }

  function analyse() {
    if (!cy.nodes().length) { return Promise.resolve(); }
    say(t("Computing communities and centrality…"));
    return request(data.urlSubgraph, { method: "POST",
      body: { ids: currentIds(), filters: { types: selected($("types")) } } })
      .then(function (network) {
        merge(network);
        useCommunities = true;
        cy.style().update();
        var communities = {};
        network.nodes.forEach(function (n) { communities[n.community] = true; });
        var count = Object.keys(communities).length;
        say(t(count === 1 ? "{count} community; node size shows betweenness."
          : "{count} communities; node size shows betweenness.", { count: count }));
      }).catch(function (err) { say(err.message, "error"); });
  }

  function applyDegreeFilter() {
    var min = parseInt($("min-degree").value, 10) || 0;
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        if (n.degree(false) < min && !n.data("start")) { n.addClass("hidden"); } else { n.removeClass("hidden"); }
      });
    });
  }

  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function exportFile(kind, name) {
    if (!cy.nodes().length) { say(t("Nothing to export yet."), "error"); return; }
    request(data.urlExport.replace("KIND", kind), { method: "POST", raw: true,
      body: { ids: currentIds() } })
      .then(function (response) { return response.blob(); })
      .then(function (blob) { download(blob, name); say(t("Exported {name}.", { name: name })); })
      .catch(function (err) { say(err.message, "error"); });
  }

  function saveChart() {
    var title = $("chart-title").value.trim();
    if (!title) { say(t("Give the chart a title."), "error"); $("chart-title").focus(); return; }
    if (!cy.nodes().length) { say(t("Nothing to save yet."), "error"); return; }
    var chart = {
      title: title,
      nodes: cy.nodes().map(function (n) {
        return { id: n.id(), x: n.position("x"), y: n.position("y") };
      }),
      edges: cy.edges().map(function (e) {
        return { source: e.data("source"), target: e.data("target"), type: e.data("type") };
      }),
      filters: filters()
    };
    request(data.urlCharts, { method: "POST",
      body: { chart: chart, case_id: $("chart-case").value || null } })
      .then(function (saved) {
        say(saved.case_id ? t("Chart saved to case {case} ({id}).", { case: saved.case_id, id: saved.id })
          : t("Chart saved ({id}).", { id: saved.id }));
        statusEl.dataset.chartId = saved.id;
      }).catch(function (err) { say(err.message, "error"); });
  }

  function loadChart(id) {
    say(t("Opening chart…"));
    return request(data.urlCharts + "/" + encodeURIComponent(id)).then(function (chart) {
      var doc = chart.document;
      var positions = {};
      doc.nodes.forEach(function (n) { positions[n.id] = { x: n.x || 0, y: n.y || 0 }; });
      $("chart-title").value = doc.title;
      return request(data.urlSubgraph, { method: "POST",
        body: { ids: doc.nodes.map(function (n) { return n.id; }) } })
        .then(function (network) {
          network.nodes.forEach(function (n) { n.position = positions[n.id]; });
          merge(network);
          relayout(true);
          say(t("Chart “{title}”: {count} node(s).", { title: doc.title, count: network.nodes.length }));
        });
    }).catch(function (err) { say(err.message, "error"); });
  }

  function searchHits(event) {
    event.preventDefault();
    var q = $("explorer-q").value.trim();
    var list = $("explorer-hits");
    list.textContent = "";
    if (!q) { return; }
    request(withQuery(data.urlSearch, { q: q })).then(function (result) {
      if (!result.entities.length) { say(t("No entity matches “{query}”.", { query: q }), "error"); return; }
      result.entities.forEach(function (e) {
        var li = document.createElement("li");
        li.append(actionButton(e.name + " (" + term(e.kind) + ")", function () {
          startFrom(e.id);
          list.textContent = "";
        }));
        list.appendChild(li);
      });
      say(t("{count} match(es): choose where to start.", { count: result.entities.length }));
    }).catch(function (err) { say(err.message, "error"); });
  }

  function startFrom(id) {
    if (cy.getElementById(id).empty()) {
      return expand(id);
    }
    select(id);
    return Promise.resolve();
  }

  cy.on("tap", "node", function (evt) { showDetail(evt.target); });
  cy.on("dbltap", "node", function (evt) {
    if (evt.target.data("url")) { window.location.assign(evt.target.data("url")); }
  });
  $("explorer-search").addEventListener("submit", searchHits);
  $("find-path").addEventListener("click", function () {
    var from = $("path-from").value, to = $("path-to").value;
    if (!from || !to || from === to) { say(t("Choose two different nodes."), "error"); return; }
    showPaths(withQuery(data.urlPaths, { from: from, to: to, types: selected($("types")) }));
  });
  $("connect-checked").addEventListener("click", function () {
    var ids = Array.prototype.map.call(document.querySelectorAll(".node-check:checked"),
      function (box) { return box.value; });
    if (ids.length < 2) { say(t("Check at least two nodes to connect."), "error"); return; }
    showPaths(data.urlConnect, { ids: ids, filters: { types: selected($("types")) } });
  });
  $("analyse").addEventListener("click", analyse);
  $("min-degree").addEventListener("input", applyDegreeFilter);
  $("export-png").addEventListener("click", function () {
    if (!cy.nodes().length) { say(t("Nothing to export yet."), "error"); return; }
    download(cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }), "network.png");
  });
  $("export-graphml").addEventListener("click", function () { exportFile("graphml", "network.graphml"); });
  $("export-i2").addEventListener("click", function () { exportFile("i2", "network-i2.zip"); });
  $("save-chart").addEventListener("click", saveChart);

  if (data.chart) { loadChart(data.chart); } else if (data.start) { startFrom(data.start); }
  window.cordonExplorer = { cy: cy, expand: expand, analyse: analyse };
}());
