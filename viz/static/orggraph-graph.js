// Draws every .orggraph-graph element from its JSON data block with vis-network (served by the app).
// Physics runs until the layout settles, then stops. Clicking a node opens its page (unless a plugin,
// e.g. expand-in-place or a grouped cluster, takes the click).
//
// JS API (documented in the README, "Browser views"): window.orggraph.networks[elementId] is
//   { network, nodes, edges, container, data, meta, clickHandlers, explore, exporter, grouping }
// where nodes/edges are the vis.DataSets; `explore`, `exporter` and `grouping` are added by
// orggraph-explore.js, orggraph-export.js and orggraph-group.js (loaded before this file, they
// register in window.orggraph.plugins and run on each network as it is drawn).
(function () {
  "use strict";
  var og = window.orggraph = window.orggraph || {};
  og.networks = og.networks || {};
  og.plugins = og.plugins || [];

  function ringStart(data) {
    // A big view starts from rings around the seed (by hops, then label and id) rather than at random,
    // so a hundred iterations of physics settle it (the options ask for fewer in that case).
    var seed = data.meta && data.meta.seed, around = {}, ring = {}, i;
    if (!seed || data.nodes.length <= 100 || (data.options.layout || {}).improvedLayout !== false) { return; }
    data.edges.forEach(function (e) {
      (around[e.from] = around[e.from] || []).push(e.to);
      (around[e.to] = around[e.to] || []).push(e.from);
    });
    ring[seed] = 0;
    var frontier = [seed];
    while (frontier.length) {
      var next = [];
      frontier.forEach(function (id) {
        (around[id] || []).forEach(function (o) { if (ring[o] === undefined) { ring[o] = ring[id] + 1; next.push(o); } });
      });
      frontier = next;
    }
    var byRing = {};
    data.nodes.forEach(function (n) {
      var r = ring[n.id] === undefined ? 3 : ring[n.id];
      (byRing[r] = byRing[r] || []).push(n);
    });
    Object.keys(byRing).forEach(function (r) {
      var list = byRing[r].sort(function (a, b) { return (a.nodeLabel + a.id) < (b.nodeLabel + b.id) ? -1 : 1; });
      for (i = 0; i < list.length; i++) {
        var a = 2 * Math.PI * i / list.length, radius = Number(r) * (150 + list.length * 2);
        list[i].x = radius * Math.cos(a);
        list[i].y = radius * Math.sin(a);
      }
    });
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-graph-source"));
    if (!source || typeof vis === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var started = performance.now();
    ringStart(data);
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    var entry = { network: network, nodes: nodes, edges: edges, container: container, data: data,
                  meta: data.meta || {}, clickHandlers: [] };
    og.networks[container.id] = entry;
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      container.setAttribute("data-settle-ms", String(Math.round(performance.now() - started)));
      container.setAttribute("data-settled-at-ms", String(Math.round(performance.now())));
      container.setAttribute("data-stabilised", "true");
    });
    network.on("click", function (params) {
      for (var i = 0; i < entry.clickHandlers.length; i++) {
        if (entry.clickHandlers[i](params)) { return; }
      }
      if (params.nodes.length === 1) {
        var node = nodes.get(params.nodes[0]);
        if (node && node.url) { window.location.href = node.url; }
      }
    });
    for (var p = 0; p < og.plugins.length; p++) { og.plugins[p](entry); }
  }
  function start() {
    var all = document.querySelectorAll(".orggraph-graph");
    for (var i = 0; i < all.length; i++) { draw(all[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
