// Exporting what the view shows, for reports: PNG (the canvas on white), SVG (drawn from the node
// positions and edges) and the nodes / edges as CSV, downloaded from the page (no request to the server).
// CSV cells that a spreadsheet would run as a formula (= + - @ tab CR) get a leading quote, as every
// CSV the app writes does (orggraph/csvsafe.py).
//
// entry.exporter = { png(), svg(), csv("nodes"|"edges"), svgText(), csvText("nodes"|"edges"), filename(ext) }
(function () {
  "use strict";
  var og = window.orggraph = window.orggraph || {};
  og.plugins = og.plugins || [];

  function guard(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (typeof value === "string" && /^'*[=+\-@\t\r]/.test(text)) { text = "'" + text; }
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 5000);
  }

  function Exporter(entry) { this.entry = entry; }
  var E = Exporter.prototype;

  E.filename = function (ext) {
    var seed = this.entry.meta.seed || this.entry.container.id;
    return ("orggraph-" + seed + "-view." + ext).replace(/[^A-Za-z0-9._-]/g, "_");
  };
  E.shownNodes = function () { return this.entry.nodes.get({ filter: function (n) { return !n.hidden; } }); };
  E.shownEdges = function () { return this.entry.edges.get({ filter: function (e) { return !e.hidden; } }); };

  E.csvText = function (kind) {
    var rows, cols;
    if (kind === "nodes") {
      cols = ["id", "label", "name", "valid_from", "valid_to", "source", "dimmed"];
      rows = this.shownNodes().map(function (n) {
        return [n.id, n.nodeLabel, n.name, n.valid_from, n.valid_to, n.source, n.dimmed ? "yes" : "no"];
      });
    } else {
      cols = ["from_id", "type", "caption", "to_id", "class", "valid_from", "valid_to", "source"];
      rows = this.shownEdges().map(function (e) {
        return [e.from, e.relType, e.caption, e.to, e.relClass, e.valid_from, e.valid_to, e.source];
      });
    }
    rows.sort(function (a, b) { return a.join("\u0000") < b.join("\u0000") ? -1 : 1; });
    return [cols].concat(rows).map(function (r) { return r.map(guard).join(","); }).join("\r\n") + "\r\n";
  };
  E.csv = function (kind) {
    download(new Blob([this.csvText(kind)], { type: "text/csv" }), this.filename(kind + ".csv"));
  };

  E.png = function () {
    var src = this.entry.container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = src.width;
    out.height = src.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    var name = this.filename("png");
    out.toBlob(function (blob) { download(blob, name); }, "image/png");
  };

  E.svgText = function () {
    // What vis-network draws now: its visible bodies (grouped clusters included), at their positions.
    var body = this.entry.network.body, parts = [], xs = [], ys = [];
    var ids = body.nodeIndices.filter(function (id) { return !body.nodes[id].options.hidden; });
    var pos = this.entry.network.getPositions(ids);
    ids.forEach(function (id) { xs.push(pos[id].x); ys.push(pos[id].y); });
    var pad = 80, minX = Math.min.apply(null, xs.concat([0])) - pad, minY = Math.min.apply(null, ys.concat([0])) - pad;
    var w = Math.max.apply(null, xs.concat([0])) - minX + pad, h = Math.max.apply(null, ys.concat([0])) - minY + pad;
    parts.push('<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [minX, minY, w, h].map(Math.round).join(" ") +
               '" width="' + Math.round(w) + '" height="' + Math.round(h) + '" font-family="sans-serif">');
    parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="22" refY="5" markerWidth="6" markerHeight="6" ' +
               'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8c8c8c"/></marker></defs>');
    parts.push('<rect x="' + minX + '" y="' + minY + '" width="' + w + '" height="' + h + '" fill="#ffffff"/>');
    body.edgeIndices.forEach(function (id) {
      var e = body.edges[id];
      if (e.options.hidden || !pos[e.fromId] || !pos[e.toId]) { return; }
      var a = pos[e.fromId], b = pos[e.toId], o = e.options, color = (o.color && o.color.color) || "#8c8c8c";
      parts.push('<g class="edge"><title>' + esc(o.title) + '</title><line x1="' + a.x + '" y1="' + a.y + '" x2="' + b.x +
                 '" y2="' + b.y + '" stroke="' + esc(color) + '" stroke-width="' + (o.width || 1) + '"' +
                 (o.dashes ? ' stroke-dasharray="4 3"' : "") + ' marker-end="url(#arrow)"/>');
      if (o.label) {
        parts.push('<text x="' + (a.x + b.x) / 2 + '" y="' + (a.y + b.y) / 2 + '" font-size="9" fill="#555" text-anchor="middle">' +
                   esc(String(o.label).split("\n")[0]) + "</text>");
      }
      parts.push("</g>");
    });
    ids.forEach(function (id) {
      var n = body.nodes[id], o = n.options, p = pos[id], r = o.size || 14;
      var fill = (o.color && o.color.background) || "#999999", stroke = (o.color && o.color.border) || fill;
      var op = o.opacity === undefined ? 1 : o.opacity;
      var shape = o.shape === "dot" || o.shape === "ellipse" || o.shape === "circle"
        ? '<circle cx="' + p.x + '" cy="' + p.y + '" r="' + r + '"'
        : '<rect x="' + (p.x - r) + '" y="' + (p.y - r) + '" width="' + 2 * r + '" height="' + 2 * r + '"';
      parts.push('<g class="node" opacity="' + op + '"><title>' + esc(o.title || id) + "</title>" + shape + ' fill="' + esc(fill) +
                 '" stroke="' + esc(stroke) + '" stroke-width="' + (o.borderWidth || 1) + '"/>');
      String(o.label || "").split("\n").forEach(function (line, i) {
        parts.push('<text x="' + p.x + '" y="' + (p.y + r + 12 + 12 * i) + '" font-size="11" text-anchor="middle">' + esc(line) + "</text>");
      });
      parts.push("</g>");
    });
    parts.push("</svg>");
    return parts.join("\n");
  };
  E.svg = function () {
    download(new Blob([this.svgText()], { type: "image/svg+xml" }), this.filename("svg"));
  };

  og.plugins.push(function (entry) {
    var ex = new Exporter(entry);
    entry.exporter = ex;
    var figure = entry.container.closest("figure") || entry.container.parentNode;
    figure.querySelectorAll("[data-export]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.getAttribute("data-export");
        if (kind === "png") { ex.png(); } else if (kind === "svg") { ex.svg(); } else { ex.csv(kind); }
      });
    });
  });
})();
