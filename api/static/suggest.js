// Search as you type, for any input that asks for a node: served by the app (no CDN, no inline script).
//
// Markup (the whole API):
//   <input name="person" data-suggest="Person">            suggestions of one label; picking fills the id
//   <input data-suggest="Person,Committee">                 several labels; "Commissioner" = CCG, ICB, ...
//   <input data-suggest="*" data-suggest-action="open">     any label; picking opens the node's page
//   data-suggest-limit="8"                                  how many suggestions (default 8)
// Each suggestion shows the name, the label and the id (code). Keyboard: Down/Up move, Enter picks,
// Escape closes; Enter with nothing highlighted submits the form as typed (the server accepts a name
// wherever it accepts an id). Picking fires a bubbling "orggraph:suggest-pick" event on the input with
// detail {id, label, name, url}; call event.preventDefault() to handle the pick yourself.
// Inputs added later: call window.orggraph.suggest.attach(input).
// Data: GET /api/suggest?q=TEXT&label=LABELS&limit=N -> [{id, label, name, url}].
(function () {
  "use strict";
  var DELAY_MS = 120;
  var counter = 0;

  function attach(input) {
    if (input.getAttribute("data-suggest-ready")) { return; }
    input.setAttribute("data-suggest-ready", "true");
    counter += 1;
    var listId = (input.id || "suggest-" + counter) + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var wrap = document.createElement("span");
    wrap.className = "suggest-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      var options = list.children;
      for (var k = 0; k < options.length; k++) {
        options[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      active = i;
      if (i >= 0 && options[i]) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(item) {
      close();
      var event = new CustomEvent("orggraph:suggest-pick", { bubbles: true, cancelable: true, detail: item });
      if (!input.dispatchEvent(event)) { return; }
      if (input.getAttribute("data-suggest-action") === "open") {
        window.location.href = item.url;
        return;
      }
      input.value = item.id;
      input.title = (item.name || item.id) + " (" + item.label + ")";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found) {
      list.innerHTML = "";
      items = found;
      active = -1;
      if (!found.length) { close(); return; }
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "suggest-item";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-id", item.id);
        var name = document.createElement("span");
        name.className = "suggest-name";
        name.textContent = item.name || item.id;
        var label = document.createElement("span");
        label.className = "suggest-label badge";
        label.textContent = item.label;
        var code = document.createElement("code");
        code.className = "suggest-code";
        code.textContent = item.id;
        li.appendChild(name);
        li.appendChild(label);
        li.appendChild(code);
        // mousedown, not click: it comes before the input's blur closes the list.
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(item); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      var params = new URLSearchParams({ q: text, limit: input.getAttribute("data-suggest-limit") || "8" });
      var labels = input.getAttribute("data-suggest");
      if (labels && labels !== "*") { params.set("label", labels); }
      var mine = ++asked;
      fetch("/api/suggest?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (mine === asked && document.activeElement === input) { show(found); }
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, -1)); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(items[active]); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function start() {
    var all = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < all.length; i++) { attach(all[i]); }
  }

  window.orggraph = window.orggraph || { networks: {} };
  window.orggraph.suggest = { attach: attach };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
