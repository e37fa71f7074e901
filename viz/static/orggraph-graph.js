// Draws every .orggraph-graph element from its JSON data block with vis-network (served by the app).
// Physics runs until the layout settles, then stops. Clicking a node opens its page.
(function () {
  "use strict";
  window.orggraph = window.orggraph || { networks: {} };
  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-graph-source"));
    if (!source || typeof vis === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    window.orggraph.networks[container.id] = { network: network, nodes: nodes, edges: edges };
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      container.setAttribute("data-stabilised", "true");
    });
    network.on("click", function (params) {
      if (params.nodes.length === 1) {
        var node = nodes.get(params.nodes[0]);
        if (node && node.url) { window.location.href = node.url; }
      }
    });
  }
  function start() {
    var all = document.querySelectorAll(".orggraph-graph");
    for (var i = 0; i < all.length; i++) { draw(all[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
