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

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-graph-source"));
    if (!source || typeof vis === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var started = performance.now();
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
