// Large views stay legible: above meta.group_threshold nodes, the leaves of one label hanging off one
// hub (at least meta.group_min of them) are drawn as one node, "42 practices" (vis-network
// clustering). A click on the group opens it; it stays open.
//
// entry.grouping = { regroup(threshold?), ungroupAll(), groups() -> [{id, hub, label, members}], open(id) }
(function () {
  "use strict";
  var og = window.orggraph = window.orggraph || {};
  og.plugins = og.plugins || [];
  var IRREGULAR = { Person: "people" };

  function plural(label, n) {
    if (IRREGULAR[label]) { return n === 1 ? label.toLowerCase() : IRREGULAR[label]; }
    var words = /^[A-Z0-9]+$/.test(label) ? label : label.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    if (n === 1) { return words; }
    return /[^aeiou]y$/.test(words) ? words.slice(0, -1) + "ies" : words + "s";
  }

  function Grouping(entry) {
    this.entry = entry;
    this.opened = {};
    this.current = {};
    this.threshold = entry.meta.group_threshold || 80;
    this.min = entry.meta.group_min || 5;
  }
  var G = Grouping.prototype;

  G.candidates = function () {
    // leaf id -> its one neighbour, among nodes that are drawn (not hidden), not highlighted, not the seed
    var entry = this.entry, seed = entry.meta.seed, nbrs = {}, groups = {};
    entry.edges.forEach(function (e) {
      if (e.hidden || e.from === e.to) { return; }
      (nbrs[e.from] = nbrs[e.from] || {})[e.to] = true;
      (nbrs[e.to] = nbrs[e.to] || {})[e.from] = true;
    });
    entry.nodes.forEach(function (n) {
      var around = Object.keys(nbrs[n.id] || {});
      if (n.hidden || n.highlighted || n.id === seed || around.length !== 1) { return; }
      var hub = around[0], key = "group:" + hub + ":" + n.nodeLabel;
      (groups[key] = groups[key] || { id: key, hub: hub, label: n.nodeLabel, members: [] }).members.push(n.id);
    });
    return groups;
  };
  G.ungroupAll = function () {
    var network = this.entry.network;
    Object.keys(this.current).forEach(function (id) { if (network.isCluster(id)) { network.openCluster(id); } });
    this.current = {};
  };
  G.regroup = function (threshold) {
    if (threshold !== undefined) { this.threshold = threshold; }
    this.ungroupAll();
    var self = this, entry = this.entry, network = entry.network;
    var shown = entry.nodes.length - entry.nodes.getIds({ filter: function (n) { return n.hidden; } }).length;
    if (shown <= this.threshold) { entry.container.setAttribute("data-groups", "0"); return []; }
    var groups = this.candidates(), made = [];
    var styles = entry.meta.labels || {};
    Object.keys(groups).sort().forEach(function (key) {
      var g = groups[key];
      if (g.members.length < self.min || self.opened[key] || !entry.nodes.get(g.hub)) { return; }
      var members = {};
      g.members.forEach(function (m) { members[m] = true; });
      var style = styles[g.label] || { color: "#999999", shape: "dot" };
      var caption = g.members.length + " " + plural(g.label, g.members.length);
      network.cluster({
        joinCondition: function (opts) { return members[opts.id] === true; },
        clusterNodeProperties: {
          id: key, label: caption, title: caption + " around " + g.hub + ": click to show them", shape: style.shape,
          color: { background: style.color, border: "#333333" }, borderWidth: 3, size: 16 + Math.min(20, g.members.length / 3),
          font: { color: "#111111", size: 14 }, isGroup: true, allowSingleNodeCluster: false,
        },
        clusterEdgeProperties: { label: "", dashes: [2, 2] },
      });
      self.current[key] = g;
      made.push(g);
    });
    entry.container.setAttribute("data-groups", String(made.length));
    return made;
  };
  G.open = function (id) {
    if (!this.entry.network.isCluster(id)) { return false; }
    var g = this.current[id];
    this.entry.network.openCluster(id);
    this.opened[id] = true;
    delete this.current[id];
    this.entry.container.setAttribute("data-groups", String(Object.keys(this.current).length));
    if (this.entry.explore && g) { this.entry.explore.status("Showing the " + g.members.length + " " + plural(g.label, g.members.length) + " around " + g.hub + "."); }
    return true;
  };
  G.groups = function () {
    var cur = this.current;
    return Object.keys(cur).sort().map(function (k) { return cur[k]; });
  };

  og.plugins.push(function (entry) {
    var grouping = new Grouping(entry);
    entry.grouping = grouping;
    entry.clickHandlers.unshift(function (params) {
      return params.nodes.length === 1 && grouping.open(params.nodes[0]);
    });
    grouping.regroup();
  });
})();
