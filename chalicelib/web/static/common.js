/* Shared by every page: strings, the API caller, small DOM helpers, field errors. No dependencies. */
(function () {
  "use strict";
  var stringsNode = document.getElementById("strings");
  var STRINGS = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  var LANG = STRINGS.lang === "en" ? "en" : "zh";
  var vocabularyNode = document.getElementById("vocabulary");  // the lists of values, from chalicelib/domain/labels.py
  var VOCABULARY = vocabularyNode ? JSON.parse(vocabularyNode.textContent) : {lists: {}, actions: {}, history_values: {}};
  var ROOT = document.documentElement.getAttribute("data-root") || "";  // "../" on /s/<token>: the API is a level up

  function t(key, vars) {
    var text = Object.prototype.hasOwnProperty.call(STRINGS, key) ? STRINGS[key] : key;
    if (vars) {
      Object.keys(vars).forEach(function (name) { text = text.split("{" + name + "}").join(String(vars[name])); });
    }
    return text;
  }

  /* Create an element: el("p", {class: "x", text: "hello"}, [children]). */
  function el(tag, attrs, children) {
    var node = tag.indexOf("svg:") === 0
      ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4)) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === "text") { node.textContent = value; }
      else if (name.indexOf("on") === 0 && typeof value === "function") { node.addEventListener(name.slice(2), value); }
      else { node.setAttribute(name, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  /* Call the API (paths relative to the page, so a stage prefix such as /api/ keeps working).
     Resolves to {status, data, ok}; rejects only when the network failed. */
  function api(method, path, options) {
    options = options || {};
    var headers = {"Accept": "application/json", "Accept-Language": LANG === "en" ? "en" : "zh-CN"};
    Object.keys(options.headers || {}).forEach(function (k) { headers[k] = options.headers[k]; });
    if (options.token) { headers.Authorization = "Bearer " + options.token; }
    var init = {method: method, headers: headers, credentials: "same-origin"};
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json; charset=utf-8";
      init.body = JSON.stringify(options.body);
    }
    return fetch(/^(\/|[a-z]+:)/i.test(path) ? path : ROOT + path, init).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var parsed = type.indexOf("application/json") === 0 ? response.json() : response.text();
      return parsed.then(function (data) {
        return {status: response.status, ok: response.ok, data: data, response: response};
      }, function () { return {status: response.status, ok: response.ok, data: null, response: response}; });
    });
  }

  var TIME_ZONE = "Asia/Shanghai";
  function formatTime(iso, withDate) {
    if (!iso) { return ""; }
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return iso; }
    var options = {timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", hour12: false};
    if (withDate !== false) { options.year = "numeric"; options.month = "2-digit"; options.day = "2-digit"; }
    return new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : "zh-CN", options).format(date);
  }

  /* How long a 429 asks to wait, in whole minutes (at least one), from its Retry-After (seconds). */
  function waitMinutes(answer) {
    var seconds = parseInt((answer.response && answer.response.headers.get("Retry-After")) || "", 10);
    return Math.max(1, Math.ceil((isNaN(seconds) ? 60 : seconds) / 60));
  }

  /* The other language's link goes to this very page (its path and query kept: a link's token), in that language. */
  function keepPageInOtherLanguage() {
    Array.prototype.forEach.call(document.querySelectorAll("a[data-other-lang]"), function (link) {
      var params = new URLSearchParams(window.location.search);
      if (LANG === "en") { params.delete("lang"); } else { params.set("lang", "en"); }
      var query = params.toString();
      link.setAttribute("href", window.location.pathname + (query ? "?" + query : ""));
    });
  }
  keepPageInOtherLanguage();

  function randomKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* Field errors from the API's error.fields[] next to the field named by data-field
     (longest matching prefix: "upload_ids.0" lands on "upload_ids"); the rest in the summary. */
  function clearFieldErrors(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".field-error"), function (node) {
      node.textContent = ""; node.hidden = true;
    });
    Array.prototype.forEach.call(root.querySelectorAll("[aria-invalid]"), function (node) {
      node.removeAttribute("aria-invalid");
    });
  }

  function findFieldContainer(root, field) {
    var parts = field.split(".");
    while (parts.length) {
      var name = parts.join(".");
      var found = root.querySelector('[data-field="' + name.replace(/"/g, "") + '"]');
      if (found) { return found; }
      parts.pop();
    }
    return null;
  }

  function showFieldErrors(root, fields, labelOf) {
    var placed = [];
    (fields || []).forEach(function (item) {
      var container = findFieldContainer(root, item.field || "");
      var entry = {field: item.field, message: item.message, container: container, control: null};
      if (container) {
        var target = container.classList.contains("field-error") ? container : container.querySelector(".field-error");
        if (target) {
          target.textContent = target.hidden || !target.textContent ? item.message : target.textContent + " " + item.message;
          target.hidden = false;
        }
        var control = container.matches("input,select,textarea") ? container
          : container.querySelector("input:not([type=hidden]),select,textarea");
        if (control) { control.setAttribute("aria-invalid", "true"); entry.control = control; }
      }
      entry.label = labelOf ? labelOf(entry) : item.field;
      placed.push(entry);
    });
    return placed;
  }

  function labelText(entry) {
    if (!entry.container) { return entry.field; }
    if (entry.container.getAttribute("data-label")) { return entry.container.getAttribute("data-label"); }
    var legend = entry.container.querySelector("legend");
    if (entry.control && entry.control.id && entry.control.type !== "radio") {
      var label = entry.control.labels && entry.control.labels[0];
      if (label) { return label.textContent.replace(/\s*[*]\s*$/, "").replace(/\s+/g, " ").trim(); }
    }
    if (legend) { return legend.textContent.replace(/\s*[*]\s*$/, "").replace(/\s+/g, " ").trim(); }
    return entry.field;
  }

  function fileSize(bytes) {
    if (bytes >= 1024 * 1024) { return (bytes / 1024 / 1024).toFixed(1) + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  window.App = {t: t, el: el, clear: clear, api: api, lang: LANG, formatTime: formatTime, randomKey: randomKey,
                clearFieldErrors: clearFieldErrors, showFieldErrors: showFieldErrors, labelText: labelText,
                fileSize: fileSize, waitMinutes: waitMinutes, strings: STRINGS, vocabulary: VOCABULARY};
}());
