// Exploring a drawn view in place: expand a node's neighbours (by relationship class, from
// GET /api/nodes/{id}/neighbours), remove nodes, hide relationship classes or node labels, show only
// interest paths, a time slider (edges live on the day; nodes with no live edge dimmed), a
// hierarchical layout for org trees; the URL's hash describes the view so it reloads the same.
//
// entry.explore = { expand(id, cls) -> Promise, remove(id), setDate(iso|null), hideClass(cls, bool),
//   hideLabel(label, bool), onlyInterest(bool), setLayout("force"|"hierarchical"), visibleEdgeIds(),
//   visibleNodeIds(), dimmedNodeIds(), dateRange(), state(), hash(), limit, ready (a Promise) }
(function () {
  "use strict";
  var og = window.orggraph = window.orggraph || {};
  og.networks = og.networks || {};
  og.plugins = og.plugins || [];
  var OPEN_LO = "", OPEN_HI = "9999-12-31", DAY = 86400000;

  function isLive(item, day) {
    return (item.valid_from || OPEN_LO) <= day && day <= (item.valid_to || OPEN_HI);
  }
  function isoOf(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function msOf(iso) { return Date.parse(iso + "T00:00:00Z"); }
  function fmt(n) { return Number(n).toLocaleString("en-GB"); }

  function Explorer(entry) {
    this.entry = entry;
    this.figure = entry.container.closest("figure") || entry.container.parentNode;
    this.toolbar = this.figure.querySelector("[data-role=toolbar]");
    this.statusEl = this.figure.querySelector("[data-role=status]");
    this.url = entry.container.getAttribute("data-neighbours-url");
    this.ops = [];
    this.hiddenClasses = {};
    this.hiddenLabels = {};
    this.interestOnly = false;
    this.date = null;
    this.layout = "force";
    this.limit = entry.meta.expand_limit || 50;  // neighbours added at most per expand (the API's limit)
    this.ownsHash = !og.hashOwner;
    if (this.ownsHash) { og.hashOwner = entry.container.id; }
  }
  var X = Explorer.prototype;

  X.status = function (text) { if (this.statusEl) { this.statusEl.textContent = text; } };

  // ---- which edges and nodes show ------------------------------------------------------------------
  X.edgeShown = function (e, hiddenNodes) {
    if (hiddenNodes[e.from] || hiddenNodes[e.to]) { return false; }
    if (e.relClass && this.hiddenClasses[e.relClass]) { return false; }
    if (this.interestOnly && (this.entry.meta.interest_classes || []).indexOf(e.relClass) < 0) { return false; }
    return !(this.date && !isLive(e, this.date));
  };
  X.refresh = function () {
    var self = this, hiddenNodes = {}, hasEdge = {}, shownEdge = {}, nodeUpdates = [], edgeUpdates = [];
    this.entry.nodes.forEach(function (n) { if (self.hiddenLabels[n.nodeLabel]) { hiddenNodes[n.id] = true; } });
    this.entry.edges.forEach(function (e) {
      var show = self.edgeShown(e, hiddenNodes);
      hasEdge[e.from] = hasEdge[e.to] = true;
      if (show) { shownEdge[e.from] = shownEdge[e.to] = true; }
      if (!!e.hidden === show) { edgeUpdates.push({ id: e.id, hidden: !show }); }
    });
    this.entry.nodes.forEach(function (n) {
      var hidden = !!hiddenNodes[n.id];
      var dim = !hidden && ((self.date && !isLive(n, self.date)) || (hasEdge[n.id] && !shownEdge[n.id]));
      var opacity = dim ? 0.25 : 1;
      if (!!n.hidden !== hidden || (n.opacity === undefined ? 1 : n.opacity) !== opacity) {
        nodeUpdates.push({ id: n.id, hidden: hidden, opacity: opacity, dimmed: dim });
      }
    });
    if (edgeUpdates.length) { this.entry.edges.update(edgeUpdates); }
    if (nodeUpdates.length) { this.entry.nodes.update(nodeUpdates); }
    this.writeHash();
  };
  X.visibleEdgeIds = function () {
    return this.entry.edges.getIds({ filter: function (e) { return !e.hidden; } }).sort();
  };
  X.visibleNodeIds = function () {
    return this.entry.nodes.getIds({ filter: function (n) { return !n.hidden; } }).sort();
  };
  X.dimmedNodeIds = function () {
    return this.entry.nodes.getIds({ filter: function (n) { return !n.hidden && n.dimmed; } }).sort();
  };

  // ---- the time slider ---------------------------------------------------------------------------------
  X.dateRange = function () {
    var days = [];
    this.entry.edges.forEach(function (e) {
      if (e.valid_from) { days.push(e.valid_from); }
      if (e.valid_to) { days.push(e.valid_to); }
    });
    days.sort();
    return days.length ? [days[0], days[days.length - 1]] : null;
  };
  X.syncSlider = function () {
    if (!this.toolbar) { return; }
    var slider = this.toolbar.querySelector("[data-role=date-slider]");
    var on = this.toolbar.querySelector("[data-role=date-on]");
    var out = this.toolbar.querySelector("[data-role=date-out]");
    var range = this.dateRange();
    if (!range) { on.disabled = slider.disabled = true; out.textContent = "no dates in view"; return; }
    var lo = msOf(range[0]);
    slider.max = String(Math.round((msOf(range[1]) - lo) / DAY));
    slider.setAttribute("data-min", range[0]);
    on.checked = !!this.date;
    slider.disabled = !this.date;
    if (this.date) { slider.value = String(Math.round((msOf(this.date) - lo) / DAY)); }
    out.textContent = this.date ? this.date : "all dates (" + range[0] + " to " + range[1] + ")";
  };
  X.setDate = function (iso) {
    this.date = iso || null;
    this.refresh();
    this.syncSlider();
  };

  // ---- filters and layout ------------------------------------------------------------------------------
  X.hideClass = function (cls, hide) { if (hide) { this.hiddenClasses[cls] = true; } else { delete this.hiddenClasses[cls]; } this.refresh(); this.syncControls(); };
  X.hideLabel = function (label, hide) { if (hide) { this.hiddenLabels[label] = true; } else { delete this.hiddenLabels[label]; } this.refresh(); this.syncControls(); };
  X.onlyInterest = function (on) { this.interestOnly = !!on; this.refresh(); this.syncControls(); };
  X.setLayout = function (name) {
    var network = this.entry.network, container = this.entry.container;
    this.layout = name === "hierarchical" ? "hierarchical" : "force";
    if (this.layout === "hierarchical") {
      network.setOptions({ layout: { hierarchical: { enabled: true, direction: "DU", sortMethod: "directed",
        levelSeparation: 150, nodeSpacing: 110, shakeTowards: "roots" } }, physics: false });
    } else {
      network.setOptions({ layout: { hierarchical: { enabled: false } }, physics: { enabled: true } });
      network.once("stabilized", function () { network.setOptions({ physics: false }); });
      network.stabilize(200);
    }
    container.setAttribute("data-layout", this.layout);
    network.fit();
    this.syncControls();
    this.writeHash();
  };

  // ---- expand and remove -------------------------------------------------------------------------------
  X.expand = function (id, cls) {
    var self = this, entry = this.entry;
    if (!this.url) { return Promise.reject(new Error("this view cannot expand (no neighbours URL)")); }
    var q = new URLSearchParams({ limit: String(this.limit) });
    if (cls) { q.set("class", cls); }
    var asOf = new URLSearchParams(window.location.search).get("as_of");
    if (asOf) { q.set("as_of", asOf); }
    this.status("Adding the neighbours of " + id + "…");
    return fetch(this.url.replace("{id}", encodeURIComponent(id)) + "?" + q.toString(),
                 { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (!resp.ok) { return resp.json().then(function (p) { throw new Error(p.detail || resp.statusText); }); }
        return resp.json();
      })
      .then(function (body) {
        var added = self.place(id, body.vis.nodes);
        entry.edges.update(body.vis.edges.filter(function (e) { return !entry.edges.get(e.id); }));
        self.ops.push("+" + id + (cls ? "|" + cls : ""));
        var what = cls ? " (" + self.classCaption(cls) + ")" : "";
        var note = body.total > body.shown
          ? "Showing " + fmt(body.shown) + " of " + fmt(body.total) + " neighbours of " + id + what + ": the first by id."
          : "Added " + fmt(added) + " of the " + fmt(body.total) + " neighbours of " + id + what + ".";
        self.status(note);
        self.changed();
        return { added: added, total: body.total, shown: body.shown, ids: body.vis.nodes.map(function (n) { return n.id; }) };
      })
      .catch(function (err) { self.status("Could not add the neighbours of " + id + ": " + err.message); throw err; });
  };
  X.place = function (parent, newNodes) {
    // New nodes in a ring around the node expanded (physics is off: the rest of the picture stays put).
    var entry = this.entry, fresh = newNodes.filter(function (n) { return !entry.nodes.get(n.id); });
    var pos = entry.network.getPositions([parent])[parent] || { x: 0, y: 0 };
    var radius = 140 + 6 * fresh.length;
    fresh.forEach(function (n, i) {
      var a = 2 * Math.PI * i / Math.max(1, fresh.length);
      n.x = pos.x + radius * Math.cos(a);
      n.y = pos.y + radius * Math.sin(a);
    });
    entry.nodes.add(fresh);
    return fresh.length;
  };
  X.remove = function (id) {
    var entry = this.entry;
    if (!entry.nodes.get(id)) { return false; }
    if (entry.grouping) { entry.grouping.ungroupAll(); }
    entry.edges.remove(entry.edges.getIds({ filter: function (e) { return e.from === id || e.to === id; } }));
    entry.nodes.remove(id);
    this.ops.push("-" + id);
    this.status("Removed " + id + " from the view.");
    this.changed();
    return true;
  };
  X.changed = function () {
    this.refresh();
    this.syncSlider();
    this.syncControls();
    if (this.layout === "hierarchical") { this.setLayout("hierarchical"); }
    if (this.entry.grouping) { this.entry.grouping.regroup(); }
  };
  X.classCaption = function (cls) {
    var found = (this.entry.meta.classes || []).filter(function (c) { return c[0] === cls; })[0];
    return found ? found[1] : cls;
  };

  // ---- the URL -------------------------------------------------------------------------------------------
  X.state = function () {
    return { ops: this.ops.slice(), hide: Object.keys(this.hiddenClasses).sort(),
             labels: Object.keys(this.hiddenLabels).sort(), only: this.interestOnly, date: this.date,
             layout: this.layout };
  };
  X.hash = function () {
    var s = this.state(), q = new URLSearchParams();
    if (s.ops.length) { q.set("ops", s.ops.join(",")); }
    if (s.hide.length) { q.set("hide", s.hide.join(",")); }
    if (s.labels.length) { q.set("labels", s.labels.join(",")); }
    if (s.only) { q.set("only", "interest"); }
    if (s.date) { q.set("date", s.date); }
    if (s.layout !== "force") { q.set("layout", s.layout); }
    return q.toString();
  };
  X.writeHash = function () {
    if (!this.ownsHash || this.replaying) { return; }
    var h = this.hash();
    history.replaceState(null, "", window.location.pathname + window.location.search + (h ? "#" + h : ""));
  };
  X.readHash = function () {
    var self = this, q = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    (q.get("hide") || "").split(",").filter(Boolean).forEach(function (c) { self.hiddenClasses[c] = true; });
    (q.get("labels") || "").split(",").filter(Boolean).forEach(function (l) { self.hiddenLabels[l] = true; });
    this.interestOnly = q.get("only") === "interest";
    this.date = /^\d{4}-\d{2}-\d{2}$/.test(q.get("date") || "") ? q.get("date") : null;
    var ops = (q.get("ops") || "").split(",").filter(Boolean);
    this.replaying = true;
    var chain = Promise.resolve();
    ops.forEach(function (op) {
      chain = chain.then(function () {
        if (op.charAt(0) === "-") { self.remove(op.slice(1)); return null; }
        var parts = op.slice(1).split("|");
        return self.expand(parts[0], parts[1] || "").catch(function () { return null; });
      });
    });
    return chain.then(function () {
      self.replaying = false;
      self.refresh();
      self.syncSlider();
      self.syncControls();
      if (q.get("layout") === "hierarchical") { self.setLayout("hierarchical"); }
      self.writeHash();
    });
  };

  // ---- the toolbar ---------------------------------------------------------------------------------------
  X.syncControls = function () {
    var self = this, tb = this.toolbar;
    if (!tb) { return; }
    tb.querySelectorAll("input[data-class]").forEach(function (box) {
      box.checked = !self.hiddenClasses[box.getAttribute("data-class")];
    });
    tb.querySelector("[data-role=only-interest]").checked = this.interestOnly;
    tb.querySelector("[data-role=layout]").value = this.layout;
    var labels = {}, holder = tb.querySelector("[data-role=label-filters]");
    this.entry.nodes.forEach(function (n) { labels[n.nodeLabel] = true; });
    Object.keys(labels).sort().forEach(function (label) {
      var box = holder.querySelector('input[data-label="' + label + '"]');
      if (!box) {
        var wrap = document.createElement("label");
        box = document.createElement("input");
        box.type = "checkbox";
        box.setAttribute("data-label", label);
        box.addEventListener("change", function () { self.hideLabel(label, !box.checked); });
        wrap.appendChild(box);
        wrap.appendChild(document.createTextNode(" " + label));
        holder.appendChild(wrap);
      }
      box.checked = !self.hiddenLabels[label];
    });
  };
  X.bindToolbar = function () {
    var self = this, tb = this.toolbar;
    if (!tb) { return; }
    tb.hidden = false;
    tb.querySelectorAll("input[data-class]").forEach(function (box) {
      box.addEventListener("change", function () { self.hideClass(box.getAttribute("data-class"), !box.checked); });
    });
    tb.querySelector("[data-role=only-interest]").addEventListener("change", function (ev) { self.onlyInterest(ev.target.checked); });
    tb.querySelector("[data-role=layout]").addEventListener("change", function (ev) { self.setLayout(ev.target.value); });
    var slider = tb.querySelector("[data-role=date-slider]"), on = tb.querySelector("[data-role=date-on]");
    function fromSlider() {
      var min = slider.getAttribute("data-min");
      if (min) { self.setDate(isoOf(msOf(min) + Number(slider.value) * DAY)); }
    }
    slider.addEventListener("input", fromSlider);
    on.addEventListener("change", function () { if (on.checked) { fromSlider(); } else { self.setDate(null); } });
  };
  X.bindClicks = function () {
    var self = this, entry = this.entry, tb = this.toolbar;
    entry.clickHandlers.push(function (params) {
      if (params.nodes.length !== 1 || !tb || entry.network.isCluster(params.nodes[0])) { return false; }
      var mode = tb.querySelector("[data-role=click-mode]").value, id = params.nodes[0];
      if (mode === "expand") { self.expand(id, self.expandClass()); return true; }
      if (mode === "remove") { self.remove(id); return true; }
      return false;
    });
    entry.network.on("oncontext", function (params) {
      var id = entry.network.getNodeAt(params.pointer.DOM);
      if (id === undefined || entry.network.isCluster(id)) { return; }
      params.event.preventDefault();
      self.menu(id, params.pointer.DOM);
    });
  };
  X.expandClass = function () {
    var sel = this.toolbar && this.toolbar.querySelector("[data-role=expand-class]");
    return sel ? sel.value : "";
  };
  X.menu = function (id, at) {
    var self = this, old = this.figure.querySelector(".orggraph-menu");
    if (old) { old.remove(); }
    var menu = document.createElement("div"), node = this.entry.nodes.get(id);
    menu.className = "orggraph-menu";
    menu.setAttribute("role", "menu");
    menu.style.left = (this.entry.container.offsetLeft + at.x) + "px";
    menu.style.top = (this.entry.container.offsetTop + at.y) + "px";
    function item(text, act) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "menuitem");
      b.textContent = text;
      b.addEventListener("click", function () { menu.remove(); act(); });
      menu.appendChild(b);
    }
    if (this.url) {
      item("Add all neighbours of " + id, function () { self.expand(id, ""); });
      (this.entry.meta.classes || []).forEach(function (c) {
        item("Add neighbours: " + c[1], function () { self.expand(id, c[0]); });
      });
    }
    item("Remove " + id + " from the view", function () { self.remove(id); });
    if (node && node.url) { item("Open its page", function () { window.location.href = node.url; }); }
    item("Close", function () {});
    this.figure.appendChild(menu);
    menu.querySelector("button").focus();
  };

  og.plugins.push(function (entry) {
    var ex = new Explorer(entry);
    entry.explore = ex;
    ex.bindToolbar();
    ex.bindClicks();
    ex.syncControls();
    ex.syncSlider();
    ex.ready = ex.readHash().then(function () {
      entry.container.setAttribute("data-explore-ready", "true");
      return ex;
    });
  });
})();
