/* The staff console: log-in, queue, search, hotline entry, complaint page with its actions, dashboard.
   Hash routes (#/queue, #/search, #/new, #/c/<id>, #/dashboard); the token lives in sessionStorage only. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var view = document.getElementById("view");
  var SESSION_KEY = "complaints.console.session";
  var VOCABULARY = App.vocabulary, LISTS = VOCABULARY.lists;  // the values and their lists: chalicelib/domain/labels.py
  var session = load();
  var queueState = {filters: {}, items: [], cursor: null};
  var SEARCH_LIMIT = 50;
  var searchState = {q: "", asked: 0};  // in memory, not in the address: a phone or a name stays out of the browser's history
  var searchForm = document.getElementById("search-form"), searchInput = document.getElementById("search-q");

  /* ---------- session ---------- */
  function load() {
    try {
      var s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
      return s && s.expires_at > Date.now() ? s : null;
    } catch (e) { return null; }
  }
  function save(s) {
    session = s;
    if (s) { sessionStorage.setItem(SESSION_KEY, JSON.stringify(s)); return; }
    sessionStorage.removeItem(SESSION_KEY);
    searchState.q = ""; searchInput.value = "";  // the next person at this screen does not see what was looked for
  }
  function hasRole() {
    if (!session) { return false; }
    var roles = Array.prototype.slice.call(arguments);
    return session.roles.indexOf("admin") >= 0 || roles.some(function (r) { return session.roles.indexOf(r) >= 0; });
  }

  /* The API with the token; a 401 ends the session. */
  function call(method, path, options) {
    options = options || {};
    options.token = session && session.token;
    return App.api(method, path, options).then(function (result) {
      if (result.status === 401) { save(null); route(t("session_expired")); throw new Error("unauthenticated"); }
      return result;
    });
  }

  function announce(text) { var node = document.getElementById("announce"); node.textContent = ""; setTimeout(function () { node.textContent = text; }, 30); }
  function errorText(result) {
    var e = result.data && result.data.error;
    return e ? e.message + (e.fields && e.fields.length ? ": " + e.fields.map(function (f) { return f.field + " " + f.message; }).join("; ") : "")
             : String(result.status);
  }

  /* ---------- chrome ---------- */
  function renderChrome(active) {
    var nav = document.getElementById("nav"), who = document.getElementById("who"), logout = document.getElementById("logout");
    nav.hidden = !session; logout.hidden = !session; searchForm.hidden = !session;
    who.textContent = session ? t("who", {user: session.username, roles: session.roles.join(", ")}) : "";
    Array.prototype.forEach.call(nav.querySelectorAll("a"), function (a) {
      var roles = a.getAttribute("data-roles");
      a.hidden = !!roles && !hasRole.apply(null, roles.split(" "));
      if (a.getAttribute("data-nav") === active) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
    if (session) { nav.querySelector("[data-nav=new]").textContent = t(entryTitle()); }
  }
  /* The entry page is named for who uses it: the hotline's specialist takes calls, a salesperson records
     what a customer told them on the road. */
  function entryTitle() {
    var roles = session.roles;
    return roles.indexOf("sales") >= 0 && roles.indexOf("service") < 0 ? "new_title_sales" : "new_title_service";
  }
  document.getElementById("logout").addEventListener("click", function () { save(null); location.hash = ""; route(); });
  searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    searchState.q = searchInput.value.trim();
    if (location.hash === "#/search") { route(); } else { location.hash = "#/search"; }
  });

  document.addEventListener("keydown", function (event) {
    if (!session || !event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key.toLowerCase(), target = {q: "#/queue", n: "#/new", d: "#/dashboard"}[key];
    if (key === "s") { event.preventDefault(); searchInput.focus(); searchInput.select(); return; }
    if (!target) { return; }
    event.preventDefault();
    if (target === location.hash) { route(); } else { location.hash = target; }
  });
  window.addEventListener("hashchange", function () { route(); });

  function route(notice) {
    if (!session) { renderChrome(null); return renderLogin(notice); }
    var hash = location.hash || "#/queue";
    var match = /^#\/c\/([A-Za-z0-9-]+)$/.exec(hash);
    if (match) { renderChrome("queue"); return renderComplaint(match[1]); }
    if (hash === "#/search") { renderChrome(null); return renderSearch(searchState.q); }
    if (hash === "#/new" && hasRole("service", "sales", "manager")) { renderChrome("new"); return renderNew(); }
    if (hash === "#/dashboard") { renderChrome("dashboard"); return renderDashboard(); }
    var admin = /^#\/admin(?:\/([a-z]+))?$/.exec(hash);
    if (admin && hasRole("manager")) { renderChrome("admin"); return renderAdmin(admin[1] || ADMIN_PAGES[0]); }
    renderChrome("queue");
    return renderQueue();
  }

  function page(title, children) {
    App.clear(view);
    document.title = title + " · " + t("console_title");
    var heading = el("h1", {text: title, tabindex: "-1", id: "page-title"});
    view.appendChild(heading);
    children.forEach(function (c) { if (c) { view.appendChild(c); } });
    return heading;
  }

  /* ---------- small form builders ---------- */
  var uid = 0;
  function field(spec) {
    // spec: {name, label, type: text|textarea|select|checkbox|number|date|tel|email|password, options: [[value,label]], required, value, attrs}
    var id = "f" + (++uid) + "-" + spec.name.replace(/[^a-z0-9]/gi, "-");
    var errorId = id + "-error";
    var attrs = {id: id, name: spec.name, "aria-describedby": errorId, required: spec.required || null};
    Object.keys(spec.attrs || {}).forEach(function (k) { attrs[k] = spec.attrs[k]; });
    var control;
    if (spec.type === "textarea") { control = el("textarea", Object.assign(attrs, {rows: spec.rows || "3"})); control.value = spec.value || ""; }
    else if (spec.type === "select") {
      control = el("select", attrs, spec.options.map(function (o) { return el("option", {value: o[0], text: o[1]}); }));
      if (spec.value !== undefined) { control.value = spec.value; }
    } else if (spec.type === "checkbox") {
      control = el("input", Object.assign(attrs, {type: "checkbox", checked: spec.value ? true : null}));
      return el("div", {class: "field check-field", "data-field": spec.name}, [
        el("label", {class: "check", for: id}, [control, el("span", {text: spec.label})]),
        el("p", {class: "field-error", id: errorId, hidden: true})]);
    } else { control = el("input", Object.assign(attrs, {type: spec.type || "text"})); if (spec.value) { control.value = spec.value; } }
    return el("div", {class: "field" + (spec.wide ? " wide" : ""), "data-field": spec.name}, [
      el("label", {for: id}, [spec.label, spec.required ? el("span", {class: "req", text: " *"}) : null]),
      control, el("p", {class: "field-error", id: errorId, hidden: true})]);
  }
  function options(list, withAny) {  // list: {prefix, values} from the vocabulary
    var shown = list.values.map(function (v) { return [v, t(list.prefix + v)]; });
    return withAny ? [["", t(withAny)]].concat(shown) : shown;
  }
  function formValues(form) {
    var data = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name],select[name],textarea[name]"), function (input) {
      if (input.type === "checkbox") { data[input.name] = input.checked; return; }
      var value = input.value.trim();
      if (value === "") { return; }
      var path = input.name.split(".");
      if (path.length === 2) { data[path[0]] = data[path[0]] || {}; data[path[0]][path[1]] = value; } else { data[input.name] = value; }
    });
    return data;
  }
  function showErrors(form, fields, messageNode) {
    App.clearFieldErrors(form);
    var placed = App.showFieldErrors(form, fields, App.labelText);
    var loose = placed.filter(function (p) { return !p.container; });
    if (messageNode) { messageNode.textContent = loose.map(function (p) { return p.field + ": " + p.message; }).join(" "); }
    var first = placed.filter(function (p) { return p.control; })[0];
    if (first) { first.control.focus(); }
  }

  /* ---------- time ---------- */
  function span(ms) {
    var minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
    if (minutes >= 48 * 60) { return t("unit_d", {n: Math.floor(minutes / 1440)}) + (minutes % 1440 >= 60 ? " " + t("unit_h", {n: Math.floor(minutes % 1440 / 60)}) : ""); }
    if (minutes >= 60) { return t("unit_h", {n: Math.floor(minutes / 60)}) + (minutes % 60 ? " " + t("unit_m", {n: minutes % 60}) : ""); }
    return t("unit_m", {n: minutes});
  }
  /* What a clock has left in its own unit, as the server counts it (working days and business hours on
     the company's calendar): "1 个工作日 3小时". Without it, wall-clock time to the due moment. */
  function leftSpan(left, ms) {
    if (!left || left.unit === "hours") { return span(ms); }
    var x = Math.abs(left.amount), parts = [], whole, rest;
    if (left.unit === "business_days") {
      whole = Math.floor(x + 1e-9);
      rest = Math.round((x - whole) * left.business_day_hours);
      if (rest >= left.business_day_hours) { whole += 1; rest = 0; }
      if (whole) { parts.push(t("span_workdays", {n: whole})); }
      if (rest || !whole) { parts.push(t("unit_h", {n: rest})); }
    } else {
      whole = Math.floor(x + 1e-9);
      rest = Math.round((x - whole) * 60);
      if (rest >= 60) { whole += 1; rest = 0; }
      if (whole) { parts.push(t("span_workhours", {n: whole})); }
      if (rest || !whole) { parts.push(t("unit_m", {n: rest})); }
    }
    return parts.join(" ");
  }
  function deadlineNode(clock, dueAt, left) {
    var ms = new Date(dueAt).getTime() - Date.now();
    var overdue = ms <= 0 || Boolean(left && left.amount <= 0);
    var time = left && (left.amount <= 0) === overdue ? leftSpan(left, ms) : span(ms);  // a page left open: the clock's own time
    return el("span", {class: "deadline" + (overdue ? " overdue" : ms < 4 * 3600000 ? " soon" : ""), title: App.formatTime(dueAt)}, [
      t("clock_" + clock) + " · ", el("strong", {text: overdue ? t("overdue_by", {time: time}) : t("left", {time: time})}),
      el("span", {class: "due-at", text: " · " + App.formatTime(dueAt)})]);
  }
  function soonest(deadlines) {
    var best = null;
    Object.keys(deadlines || {}).forEach(function (clock) {
      var due = deadlines[clock];
      if (due && (!best || due < best[1])) { best = [clock, due]; }
    });
    return best;
  }

  /* ---------- login ---------- */
  function renderLogin(notice) {
    var message = el("p", {class: "form-message", role: "alert", text: notice || ""});
    var form = el("form", {class: "card login", novalidate: true}, [
      field({name: "username", label: t("login_user"), attrs: {autocomplete: "username", autocapitalize: "none"}}),
      field({name: "password", label: t("login_password"), type: "password", attrs: {autocomplete: "current-password"}}),
      message, el("button", {type: "submit", class: "primary big", text: t("login_submit")})]);
    page(t("login_title"), [form]);
    form.querySelector("input").focus();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = formValues(form);
      message.textContent = "";
      App.api("POST", "api/v1/auth/login", {body: {username: data.username || "", password: data.password || ""}}).then(function (result) {
        if (!result.ok) {
          message.textContent = result.status === 400 || result.status === 401 ? t("login_failed") : errorText(result);
          return;
        }
        var token = result.data.token;
        save({token: token, roles: result.data.roles, username: data.username,
              expires_at: Date.now() + (result.data.expires_in || 3600) * 1000});
        if (!location.hash || location.hash === "#/") { location.hash = "#/queue"; } else { route(); }
      }, function () { message.textContent = t("err_network"); });
    });
  }

  /* ---------- queue ---------- */
  function renderQueue() {
    var f = queueState.filters;
    var filterFields = [
      field({name: "status", label: t("f_status"), type: "select", options: options(LISTS.status, "any"), value: f.status || ""}),
      field({name: "severity", label: t("f_severity"), type: "select", options: options(LISTS.severity, "any"), value: f.severity || ""}),
      field({name: "category", label: t("k_category"), type: "select", options: options(LISTS.category, "any"), value: f.category || ""}),
      field({name: "channel", label: t("f_channel"), type: "select", options: options(LISTS.channel, "any"), value: f.channel || ""}),
      hasRole("service", "quality", "manager", "leader") ? field({name: "assignee", label: t("f_assignee"), value: f.assignee || "", attrs: {autocapitalize: "none"}}) : null,
      field({name: "territory", label: t("f_territory"), value: f.territory || ""}),
      field({name: "sku", label: t("k_sku"), value: f.sku || "", attrs: {autocapitalize: "characters"}}),
      field({name: "overdue", label: t("f_overdue"), type: "checkbox", value: f.overdue === "true"})
    ];
    var message = el("p", {class: "form-message", role: "status"});
    var filters = el("form", {class: "filters", novalidate: true, "aria-label": t("filters")}, [
      el("div", {class: "filter-grid"}, filterFields),
      el("div", {class: "buttons"}, [
        el("button", {type: "submit", class: "primary", text: t("apply")}),
        el("button", {type: "button", id: "reset-filters", text: t("reset")}),
        hasRole("manager", "leader") ? el("button", {type: "button", id: "export-csv", text: t("export_csv")}) : null,
        hasRole("manager", "leader") ? el("button", {type: "button", id: "export-xlsx", text: t("export_xlsx")}) : null]),
      message]);
    var set = Object.keys(f).length;
    var panel = el("details", {class: "card filters-panel", id: "filters-panel"}, [
      el("summary", {id: "filters-toggle", text: set ? t("filters_set", {n: set}) : t("filters")}), filters]);
    // open on a wide screen; on a phone folded above the list, as the person left it
    panel.open = queueState.filtersOpen !== undefined ? queueState.filtersOpen : window.matchMedia("(min-width: 760px)").matches;
    panel.addEventListener("toggle", function () { queueState.filtersOpen = panel.open; });
    var table = el("div", {id: "queue", class: "queue", "aria-live": "polite"});
    var more = el("button", {type: "button", id: "load-more", hidden: true, text: t("load_more")});
    page(t("queue_title"), [panel, table, more]);
    filters.addEventListener("submit", function (event) {
      event.preventDefault();
      var values = formValues(filters);
      var next = {};
      Object.keys(values).forEach(function (k) { if (k === "overdue") { if (values[k]) { next.overdue = "true"; } } else { next[k] = values[k]; } });
      queueState.filters = next;
      fetchQueue(table, more, message, false);
    });
    filters.querySelector("#reset-filters").addEventListener("click", function () { queueState.filters = {}; renderQueue(); });
    ["csv", "xlsx"].forEach(function (format) {
      var button = filters.querySelector("#export-" + format);
      if (button) { button.addEventListener("click", function () { exportFile(format, message); }); }
    });
    more.addEventListener("click", function () { fetchQueue(table, more, message, true); });
    fetchQueue(table, more, message, false);
  }

  function query(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== undefined && params[k] !== ""; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function fetchQueue(table, more, message, append) {
    var params = Object.assign({limit: "50"}, queueState.filters);
    if (append && queueState.cursor) { params.cursor = queueState.cursor; }
    message.textContent = t("loading");
    message.classList.add("loading");
    table.setAttribute("aria-busy", "true");
    call("GET", "api/v1/staff/complaints?" + query(params)).then(function (result) {
      message.classList.remove("loading");
      table.setAttribute("aria-busy", "false");
      if (!result.ok) {
        message.textContent = result.status === 400 ? "" : errorText(result);
        if (result.status === 400) { showErrors(table.previousSibling.querySelector("form"), result.data.error.fields || [], message); }
        return;
      }
      message.textContent = "";
      queueState.items = (append ? queueState.items : []).concat(result.data.items);
      queueState.cursor = result.data.next_cursor;
      more.hidden = !queueState.cursor;
      drawQueue(table);
    }, function (e) { if (e.message !== "unauthenticated") { message.textContent = t("err_network"); } });
  }

  function rank(severity) { var i = LISTS.severity.values.indexOf(severity); return i < 0 ? 9 : i; }

  function drawQueue(table) {
    App.clear(table);
    var items = queueState.items.slice().sort(function (a, b) {
      var closed = (a.status === "closed") - (b.status === "closed");
      if (closed) { return closed; }
      var bySeverity = rank(a.severity) - rank(b.severity);
      if (bySeverity) { return bySeverity; }
      if (a.overdue !== b.overdue) { return a.overdue ? -1 : 1; }
      var da = soonest(a.deadlines), db = soonest(b.deadlines);
      if (da && db && da[1] !== db[1]) { return da[1] < db[1] ? -1 : 1; }
      if (!!da !== !!db) { return da ? -1 : 1; }
      return a.received_at < b.received_at ? 1 : -1;
    });
    if (!items.length) { table.appendChild(el("p", {class: "empty", text: t("no_items")})); return; }
    table.appendChild(complaintTable(items, t("queue_title")));
  }

  /* The rows of the queue, also the rows of a search's results. */
  function complaintTable(items, caption) {
    var head = el("tr", {}, ["col_severity", "col_id", "col_status", "col_deadline", "col_category", "col_product", "col_customer", "col_assignee", "col_received"]
      .map(function (k) { return el("th", {scope: "col", text: t(k)}); }));
    var rows = items.map(function (item) {
      var due = soonest(item.deadlines);
      var flags = [item.overdue ? el("span", {class: "badge bad", text: t("overdue_flag")}) : null,
                   item.escalated ? el("span", {class: "badge warn", text: t("escalated_flag")}) : null];
      return el("tr", {class: "sev-" + item.severity + (item.overdue ? " is-overdue" : ""), "data-id": item.complaint_id, "data-status": item.status}, [
        el("td", {"data-label": t("col_severity")}, [el("span", {class: "badge sev " + item.severity, text: t("sev_" + item.severity)})]),
        el("td", {"data-label": t("col_id")}, [el("a", {href: "#/c/" + item.complaint_id, class: "mono", text: item.complaint_id})]),
        el("td", {"data-label": t("col_status")}, [el("span", {}, [t("st_" + item.status) + " "].concat(flags))]),
        el("td", {"data-label": t("col_deadline")}, [due ? deadlineNode(due[0], due[1], (item.left || {})[due[0]]) : "—"]),
        el("td", {"data-label": t("col_category"), text: t("cat_" + item.category)}),
        el("td", {"data-label": t("col_product"), text: productText(item.product)}),
        el("td", {"data-label": t("col_customer"), text: [(item.customer || {}).name, (item.customer || {}).city].filter(Boolean).join(" · ")}),
        el("td", {"data-label": t("col_assignee"), text: item.assignee_name || item.assignee || "—"}),
        el("td", {"data-label": t("col_received"), text: App.formatTime(item.received_at)})]);
    });
    return el("table", {class: "queue-table"}, [el("caption", {class: "visually-hidden", text: caption}),
      el("thead", {}, [head]), el("tbody", {}, rows)]);
  }

  function productText(product) { return [(product || {}).sku, (product || {}).name].filter(Boolean).join(" ") || "—"; }

  /* ---------- search (the header's box) ---------- */
  /* A complaint number that finds exactly that complaint opens it; anything else lists what was found and
     says by what (number, phone, name, account). */
  function renderSearch(q) {
    var mine = ++searchState.asked;
    if (document.activeElement !== searchInput) { searchInput.value = q; }
    var message = el("p", {class: "form-message", role: "status", id: "search-message"});
    var matched = el("p", {class: "search-matched", id: "search-matched", hidden: true});
    var results = el("div", {id: "search-results", class: "queue", "aria-busy": "true"});
    page(q ? t("search_title", {q: q}) : t("search_label"), [matched, message, results]);
    document.title = t("search_label") + " · " + t("console_title");  // the window's title is kept in the history too
    if (!q) { message.textContent = t("search_empty_query"); results.setAttribute("aria-busy", "false"); searchInput.focus(); return; }
    message.textContent = t("loading");
    message.classList.add("loading");
    call("GET", "api/v1/staff/search?" + query({q: q, limit: String(SEARCH_LIMIT)})).then(function (result) {
      if (mine !== searchState.asked || location.hash !== "#/search") { return; }  // another search or page meanwhile
      message.classList.remove("loading");
      results.setAttribute("aria-busy", "false");
      if (!result.ok) { message.textContent = result.status === 400 ? fieldMessages(result) : errorText(result); return; }
      var items = result.data.items || [], by = result.data.matched_by;
      if (by === "complaint_id" && items.length === 1) { location.replace("#/c/" + items[0].complaint_id); return; }
      if (!items.length) {
        message.classList.add("none");
        message.textContent = t("search_none", {q: q});
        return;
      }
      message.textContent = "";
      matched.hidden = false;
      matched.textContent = t("search_matched", {by: STRINGS_HAS("search_by_" + by) ? t("search_by_" + by) : by || "—", n: items.length}) +
        (items.length >= SEARCH_LIMIT ? " " + t("search_more", {n: SEARCH_LIMIT}) : "");
      results.appendChild(complaintTable(items, t("search_title", {q: q})));
      announce(matched.textContent);
    }, function (e) { if (e.message !== "unauthenticated") { message.classList.remove("loading"); message.textContent = t("err_network"); } });
  }
  /* A 400's own words: what is wrong with each field (q too short), else its message. */
  function fieldMessages(result) {
    var e = (result.data && result.data.error) || {};
    var fields = e.fields || e.details || [];
    return fields.length ? fields.map(function (f) { return f.message; }).filter(Boolean).join(" ") || e.message : e.message || String(result.status);
  }

  var XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  function exportFile(format, message) {
    var params = Object.assign({format: format}, queueState.filters);
    message.textContent = "";
    fetch("api/v1/staff/export?" + query(params), {headers: {Authorization: "Bearer " + session.token,
                                                             Accept: (format === "xlsx" ? XLSX : "text/csv") + ", application/json"}})
      .then(function (response) {
        if (!response.ok) {
          message.textContent = response.status === 404 ? t("export_unavailable") : t("export_failed", {code: response.status});
          return;
        }
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === 0) {  // a large export: a short-lived link to the file
          return response.json().then(function (link) { download(link.download_url, link.filename, message); });
        }
        return response.blob().then(function (blob) {
          var m = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "");
          var url = URL.createObjectURL(blob);
          download(url, m ? m[1] : "complaints." + format, message);
          setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        });
      }, function () { message.textContent = t("err_network"); });
  }
  function download(url, name, message) {
    var a = el("a", {href: url, download: name, hidden: true});
    document.body.appendChild(a); a.click(); a.remove();
    message.textContent = "";
    announce(name);
  }

  /* ---------- hotline entry ---------- */
  function renderNew() {
    var categoryOptions = [["", t("choose")]].concat(LISTS.category.values.map(function (c, i) { return [c, (i + 1) + " " + t(LISTS.category.prefix + c)]; }));
    var form = el("form", {class: "card entry", novalidate: true, id: "entry-form"}, [
      el("p", {class: "hint keyboard-hint", id: "entry-hint", text: t("new_hint")}),
      el("div", {class: "entry-grid"}, [
        field({name: "channel", label: t("f_channel_entry"), type: "select", options: options(LISTS.entry_channel),
               value: entryTitle() === "new_title_sales" ? "salesperson" : LISTS.entry_channel.values[0]}),  // a salesperson's own, else the hotline
        field({name: "received_at", label: t("f_received_at"), type: "date"}),
        field({name: "customer.phone", label: t("k_phone"), type: "tel", required: true, attrs: {autocomplete: "off"}}),
        field({name: "customer.name", label: t("k_customer_name"), required: true, attrs: {autocomplete: "off"}})]),
      el("section", {class: "earlier", id: "entry-earlier", hidden: true, "aria-labelledby": "entry-earlier-title"}),
      el("div", {class: "entry-grid"}, [
        field({name: "customer.type", label: t("k_customer_type"), type: "select", options: options(LISTS.customer_type), value: "consumer"}),
        field({name: "customer.account_id", label: t("f_account"), attrs: {autocomplete: "off"}}),
        field({name: "customer.province", label: t("f_province")}),
        field({name: "customer.city", label: t("f_city")}),
        field({name: "product.sku", label: t("f_sku"), attrs: {autocapitalize: "characters", autocomplete: "off"}}),
        field({name: "product.name", label: t("f_product_name")}),
        field({name: "product.production_date", label: t("f_production_date") + " (YYYY-MM-DD)", attrs: {inputmode: "numeric", autocomplete: "off", placeholder: "2009-06-01"}}),
        field({name: "product.batch", label: t("f_batch"), attrs: {autocomplete: "off"}}),
        field({name: "product.quantity", label: t("f_quantity"), type: "number", attrs: {min: "1", inputmode: "numeric"}}),
        field({name: "product.unit", label: t("f_unit"), type: "select", options: [["", t("choose")]].concat(options(LISTS.quantity_unit))}),
        field({name: "product.purchase_place", label: t("f_purchase_place")}),
        field({name: "category", label: t("f_category_keys"), type: "select", options: categoryOptions, required: true}),
        field({name: "desired_resolution", label: t("k_desired"), type: "select", options: [["", t("choose")]].concat(options(LISTS.desired_resolution))}),
        field({name: "description", label: t("k_description"), type: "textarea", required: true, wide: true}),
        otherCategories(),
        photoField(),
        field({name: "consent", label: t("f_consent_staff"), type: "checkbox", value: true})
      ]),
      el("p", {class: "form-message", role: "alert", id: "entry-message"}),
      el("button", {type: "submit", class: "primary", id: "entry-save", "aria-keyshortcuts": "Control+Enter"}, saveLabel())]);
    var receipt = el("section", {class: "card receipt-box", id: "entry-receipt", hidden: true, tabindex: "-1", "aria-labelledby": "entry-receipt-title"});
    page(t(entryTitle()), [form, receipt]);
    var photos = App.photoUploads(form.querySelector("#entry-photos"), form.querySelector("#entry-photo-list"), function () { key = null; });
    var main = form.querySelector("[name=category]");
    function notTheMain() {  // the main problem is not ticked again among the others
      Array.prototype.forEach.call(form.querySelectorAll(".other-category"), function (box) {
        box.disabled = box.value === main.value;
        if (box.disabled) { box.checked = false; }
      });
    }
    main.addEventListener("change", notTheMain); notTheMain();
    var channel = form.querySelector("[name=channel]"), receivedField = form.querySelector("[data-field=received_at]");
    function letterOnly() { receivedField.hidden = channel.value !== "letter"; }
    channel.addEventListener("change", letterOnly); letterOnly();
    landlineHint(form.querySelector("[name='customer.phone']"));
    earlierComplaints(form, form.querySelector("#entry-earlier"), added);
    form.querySelector("[name='customer.phone']").focus();
    var key = null, busy = false;
    form.addEventListener("input", function () { key = null; });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      var data = formValues(form), message = form.querySelector("#entry-message");
      message.textContent = "";
      data.customer = data.customer || {}; data.product = data.product || {};
      var day = /^(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})$/.exec(data.product.production_date || "");
      if (day) { data.product.production_date = day[1] + "-" + ("0" + day[2]).slice(-2) + "-" + ("0" + day[3]).slice(-2); }
      if (data.product.quantity && /^\d+$/.test(data.product.quantity)) { data.product.quantity = parseInt(data.product.quantity, 10); }
      if (data.received_at && data.channel === "letter") { data.received_at = data.received_at + "T09:00:00+08:00"; } else { delete data.received_at; }
      data.other_categories = Array.prototype.filter.call(form.querySelectorAll(".other-category"), function (box) { return box.checked; })
        .map(function (box) { return box.value; });
      if (photos.busy()) { message.textContent = t("err_photos_busy"); return; }
      var failed = photos.failedNames();
      if (failed.length) { message.textContent = t("err_photo_failed_named", {names: failed.join(", ")}); return; }
      data.upload_ids = photos.ids();
      key = key || App.randomKey();
      busy = true;
      var save = form.querySelector("#entry-save"); save.disabled = true; save.textContent = t("saving");
      call("POST", "api/v1/staff/complaints", {body: data, headers: {"Idempotency-Key": key}}).then(function (result) {
        if (result.status === 201) { return saved(result.data); }
        if (result.status === 400) { return showErrors(form, result.data.error.fields || [], message); }
        message.textContent = errorText(result);
      }, function (e) { if (e.message !== "unauthenticated") { message.textContent = t("err_network"); } })
        .then(function () { busy = false; save.disabled = false; App.clear(save); saveLabel().forEach(function (n) { save.appendChild(n); }); });
    });
    function saved(r) {
      App.clearFieldErrors(form);
      App.clear(receipt).appendChild(el("h2", {id: "entry-receipt-title", text: t("saved_title")}));
      receipt.appendChild(el("dl", {class: "receipt-codes"}, [
        el("dt", {text: t("receipt_number")}), el("dd", {class: "code", id: "entry-id", text: r.complaint_id}),
        el("dt", {text: t("receipt_code")}), el("dd", {class: "code", id: "entry-code", text: r.access_code})]));
      if (r.first_contact_due) { receipt.appendChild(el("p", {text: t("receipt_call", {time: App.formatTime(r.first_contact_due)})})); }
      receipt.appendChild(el("p", {class: "buttons"}, [
        el("a", {class: "button primary", href: "#/c/" + r.complaint_id, text: t("saved_open")}),
        el("a", {class: "button", href: "#/new", id: "entry-next"}, [t("saved_next"), el("span", {class: "keyboard-hint", text: " (Alt+N)"})])]));
      receipt.querySelector("#entry-next").addEventListener("click", function (e) { e.preventDefault(); renderNew(); });
      form.hidden = true; receipt.hidden = false; receipt.focus();
      announce(t("saved_title") + " " + r.complaint_id);
    }
    /* The call was about an open complaint: its note is added there and nothing new is recorded. */
    function added(id) {
      App.clearFieldErrors(form);
      form.reset();
      App.clear(receipt).appendChild(el("h2", {id: "entry-receipt-title"}, [t("earlier_added_before"),
        el("a", {href: "#/c/" + id, class: "mono", id: "entry-added", text: id}), t("earlier_added_after")]));
      receipt.appendChild(el("p", {class: "buttons"}, [
        el("a", {class: "button primary", href: "#/c/" + id, text: t("saved_open")}),
        el("a", {class: "button", href: "#/new", id: "entry-next"}, [t("saved_next"), el("span", {class: "keyboard-hint", text: " (Alt+N)"})])]));
      receipt.querySelector("#entry-next").addEventListener("click", function (e) { e.preventDefault(); renderNew(); });
      form.hidden = true; receipt.hidden = false; receipt.focus();
      announce(t("earlier_added", {id: id}));
    }
  }

  function saveLabel() { return [document.createTextNode(t("save")), el("span", {class: "keyboard-hint", text: " (Ctrl+Enter)"})]; }

  /* Further problems of the same goods besides the main one (which the statistics count): a box each. */
  function otherCategories() {
    return el("fieldset", {class: "field wide other-categories", "data-field": "other_categories", "aria-describedby": "entry-others-hint entry-others-error"}, [
      el("legend", {text: t("f_other_categories")}),
      el("p", {class: "hint", id: "entry-others-hint", text: t("f_other_categories_hint")}),
      el("div", {class: "check-grid"}, LISTS.category.values.map(function (c) {
        var id = "entry-other-" + c;
        return el("label", {class: "check", for: id}, [el("input", {type: "checkbox", id: id, class: "other-category", value: c}),
          el("span", {text: t(LISTS.category.prefix + c)})]);
      })),
      el("p", {class: "field-error", id: "entry-others-error", hidden: true})]);
  }
  /* Photos from a letter or taken on site: the public form's upload (static/uploads.js). */
  function photoField() {
    return el("div", {class: "field wide", "data-field": "upload_ids"}, [
      el("label", {for: "entry-photos", text: t("f_photos")}),
      el("p", {class: "hint", id: "entry-photos-hint", text: t("f_photos_staff_hint")}),
      el("input", {type: "file", id: "entry-photos", class: "file-input", accept: "image/jpeg,image/png,image/webp", multiple: true,
                   "aria-describedby": "entry-photos-hint entry-photos-error"}),
      el("ul", {id: "entry-photo-list", class: "photo-list", "aria-live": "polite"}),
      el("p", {class: "field-error", id: "entry-photos-error", hidden: true})]);
  }

  /* As soon as the phone is typed (7 digits or more; a moment after the last key, or on leaving the field),
     the number's earlier complaints, open ones first: the caller may be calling about one of them again.
     "The same matter" adds what the caller says as a note there instead of recording a new complaint. */
  function earlierComplaints(form, panel, added) {
    var input = form.querySelector("[name='customer.phone']");
    var timer = null, asked = "", asking = 0;
    function digits() { return input.value.replace(/\D/g, ""); }
    function reset() { asking++; asked = ""; App.clear(panel); panel.hidden = true; }
    function lookup() {
      clearTimeout(timer);
      var phone = input.value.trim(), number = digits();
      if (number.length < 7) { if (asked) { reset(); } return; }
      if (number === asked) { return; }
      asked = number;
      var mine = ++asking;
      App.clear(panel).appendChild(el("p", {class: "muted loading", text: t("earlier_loading")}));
      panel.hidden = false;
      panel.setAttribute("aria-busy", "true");
      call("GET", "api/v1/staff/search?" + query({q: phone, limit: "20"})).then(function (result) {
        if (mine !== asking || !panel.isConnected) { return; }
        panel.setAttribute("aria-busy", "false");
        App.clear(panel);
        if (!result.ok) { asked = ""; panel.appendChild(el("p", {class: "form-message", text: t("earlier_failed", {message: result.status === 400 ? fieldMessages(result) : errorText(result)})})); return; }
        var items = result.data.matched_by === "phone" ? (result.data.items || []) : [];
        if (!items.length) { panel.appendChild(el("p", {class: "muted", id: "entry-earlier-title", text: t("earlier_none")})); return; }
        var open = items.filter(function (i) { return i.status !== "closed"; }), closed = items.filter(function (i) { return i.status === "closed"; });
        panel.appendChild(el("h2", {id: "entry-earlier-title", text: t("earlier_title", {n: items.length, open: open.length})}));
        panel.appendChild(el("ul", {class: "plain earlier-list"}, open.concat(closed).map(function (item) { return earlierItem(item, form, added); })));
        announce(t("earlier_title", {n: items.length, open: open.length}));
      }, function (e) { if (mine === asking && e.message !== "unauthenticated") { asked = ""; App.clear(panel).appendChild(el("p", {class: "form-message", text: t("err_network")})); } });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (digits().length >= 7) { timer = setTimeout(lookup, 300); } else if (asked) { reset(); }
    });
    input.addEventListener("blur", lookup);
  }

  function earlierItem(item, form, added) {
    var id = item.complaint_id, isOpen = item.status !== "closed";
    var li = el("li", {class: "earlier-item" + (isOpen ? " is-open" : ""), "data-id": id, "data-status": item.status}, [
      el("p", {class: "earlier-line", id: "earlier-line-" + id}, [el("a", {href: "#/c/" + id, class: "mono", text: id}), " ",
        el("span", {class: "badge status" + (isOpen ? " open" : ""), text: t("st_" + item.status)}), " ",
        el("span", {class: "when", text: t("earlier_received", {time: App.formatTime(item.received_at)})}), " · ",
        el("span", {class: "product", text: productText(item.product)})])]);
    if (!isOpen) { return li; }
    var noteId = "same-note-" + id, message = el("p", {class: "form-message", role: "alert"});
    var note = el("div", {class: "field same-note", hidden: true, "data-field": "note"}, [
      el("label", {for: noteId, text: t("earlier_note_label", {id: id})}),
      el("textarea", {id: noteId, rows: "2", "aria-describedby": noteId + "-error"}),
      el("p", {class: "field-error", id: noteId + "-error", hidden: true})]);
    var same = el("button", {type: "button", class: "small same-matter", "aria-describedby": "earlier-line-" + id, text: t("earlier_same")});
    li.appendChild(el("div", {class: "earlier-actions"}, [same]));
    li.appendChild(note);
    li.appendChild(message);
    var busy = false, key = null;
    same.addEventListener("click", function () {
      if (busy) { return; }
      var description = form.querySelector("[name=description]").value.trim();
      var text = note.hidden ? description : note.querySelector("textarea").value.trim();
      App.clearFieldErrors(li);
      message.textContent = "";
      if (!text) {
        if (!note.hidden) { App.showFieldErrors(li, [{field: "note", message: t("earlier_note_missing")}]); }
        note.hidden = false;
        same.textContent = t("earlier_add_note");
        note.querySelector("textarea").focus();
        return;
      }
      busy = true; same.disabled = true;
      key = key || App.randomKey();
      call("POST", "api/v1/staff/complaints/" + encodeURIComponent(id) + "/actions", {body: {action: "note", note: text}, headers: {"Idempotency-Key": key}}).then(function (result) {
        if (result.ok) { key = null; return added(id); }
        if (result.status === 400) { key = null; return showErrors(li, result.data.error.fields || [], message); }
        key = null;
        message.textContent = t("action_failed", {message: errorText(result)});
      }, function (e) { if (e.message !== "unauthenticated") { message.textContent = t("err_network"); } })
        .then(function () { busy = false; same.disabled = false; });
    });
    return li;
  }

  /* A Chinese number that is not a mobile (a landline) gets no SMS: the specialist tells the customer the
     number and the code on the call. Foreign numbers are not judged. */
  function isLandline(phone) {
    var digits = phone.replace(/[\s().-]/g, "").replace(/^(\+86|0086)/, "");
    if (/^\+/.test(digits) || !/^[0-9]{7,}$/.test(digits)) { return false; }
    if (digits.charAt(0) === "1") { return digits.length >= 11 && !/^1[3-9][0-9]{9}$/.test(digits); }  // a mobile being typed
    return true;
  }
  function landlineHint(input) {
    var hint = el("p", {class: "hint landline", id: input.id + "-landline", "aria-live": "polite"});
    input.parentNode.insertBefore(hint, input.nextSibling);
    input.setAttribute("aria-describedby", input.getAttribute("aria-describedby") + " " + hint.id);
    function check() {
      var text = isLandline(input.value) ? t("landline_hint") : "";
      if (hint.textContent !== text) { hint.textContent = text; }
    }
    input.addEventListener("input", check);
    check();
  }

  /* ---------- one complaint ---------- */
  /* Which fields each action's form has comes with the vocabulary; here only how each kind of field is shown. */
  var FIELD_KINDS = {
    line: {}, username: {attrs: {autocapitalize: "none"}}, text: {type: "textarea"}, check: {type: "checkbox"},
    amount: {type: "number", attrs: {min: "0", step: "0.01", inputmode: "decimal"}},
    yes_no: {type: "select", options: [["", "choose"], ["true", "yes"], ["false", "no"]]},
    department: {type: "select", options: [["", "choose"]]}  // the managed list, read when the form is drawn
  };
  /* The responsible departments a QC result picks from (code and name), filled into the form's select; a
     company that keeps no list yet gets a text box, as the API then keeps the text as written. */
  function fillDepartments(form) {
    var select = form.querySelector("select[name='responsible_department']");
    if (!select) { return; }
    call("GET", "api/v1/staff/departments").then(function (result) {
      var items = result.ok ? result.data.items || [] : [];
      if (!items.length) {
        select.replaceWith(el("input", {name: "responsible_department", id: select.id, required: true, autocomplete: "off"}));
        return;
      }
      items.forEach(function (d) { select.appendChild(el("option", {value: d.code, text: d.name})); });
    }, function () {});
  }
  function actionFields(name) {
    var fields = Object.prototype.hasOwnProperty.call(VOCABULARY.actions, name) ? VOCABULARY.actions[name] : [{name: "note", kind: "text"}];
    return fields.map(function (f) {
      var spec = Object.assign({}, FIELD_KINDS[f.kind], {name: f.name, label: "a_" + f.name, required: f.required});
      if (f.kind === "choice") {
        var list = LISTS[f.choices];
        spec.type = "select";
        spec.options = (f.blank ? [["", "choose"]] : []).concat(list.values.map(function (v) { return [v, list.prefix + v]; }));
      }
      return spec;
    });
  }

  function renderComplaint(id) {
    page(id, [el("p", {text: t("loading")})]);
    call("GET", "api/v1/staff/complaints/" + encodeURIComponent(id)).then(function (result) {
      if (!result.ok) {
        return page(id, [el("p", {class: "form-message", role: "alert", text: result.status === 404 ? t("not_found") : result.status === 403 ? t("forbidden") : errorText(result)}),
                         el("a", {href: "#/queue", text: t("back_to_queue")})]);
      }
      drawComplaint(result.data);
    }, function () {});
  }

  function pairs(list) {  // [words key, text or node]
    var rows = list.filter(function (p) { return p[1] !== null && p[1] !== undefined && p[1] !== ""; });
    return el("dl", {class: "pairs"}, rows.reduce(function (acc, p) {
      acc.push(el("dt", {text: t(p[0])})); acc.push(el("dd", {}, [typeof p[1] === "object" ? p[1] : String(p[1])])); return acc;
    }, []));
  }
  function reasons(list) { return (list || []).map(function (r) { return STRINGS_HAS("why_" + r) ? t("why_" + r) : r; }).join(", ") || null; }
  function boolText(v) { return v === true ? t("yes") : v === false ? t("no") : v; }
  function section(titleKey, body, id) {
    return el("section", {class: "card", "aria-labelledby": id + "-title", id: id}, [el("h2", {id: id + "-title", text: t(titleKey)})].concat(body));
  }

  function drawComplaint(c, done) {
    var cust = c.customer || {}, prod = c.product || {};
    var header = el("div", {class: "detail-head"}, [
      el("span", {class: "badge sev " + c.severity, text: t("sev_" + c.severity)}),
      el("span", {class: "badge status", id: "detail-status", text: t("st_" + c.status)}),
      c.escalated ? el("span", {class: "badge warn", text: t("escalated_flag")}) : null,
      el("button", {type: "button", id: "print-form", class: "small", text: t("print_form")}),
      el("button", {type: "button", id: "to-actions", class: "small link-button", text: t("to_actions")}),
      el("a", {href: "#/queue", class: "back", text: t("back_to_queue")})]);
    var notice = el("p", {class: "form-message ok", role: "status", id: "detail-notice", text: done || ""});
    var links = function (ids) { return ids.map(function (other, i) { return [i ? ", " : "", el("a", {href: "#/c/" + other, class: "mono", text: other})]; })
      .reduce(function (a, b) { return a.concat(b); }, []); };
    var duplicates = (c.possible_duplicate_of || []).length
      ? el("p", {class: "dup-warning", id: "detail-duplicates"}, [el("strong", {text: t("detail_possible_duplicate")})].concat(links(c.possible_duplicate_of))) : null;
    var mergedInto = c.merged_into
      ? el("p", {class: "merged-into", id: "detail-merged-into"}, [el("strong", {text: t("detail_merged_into")})].concat(links([c.merged_into]))) : null;
    var deadlines = Object.keys(c.deadlines || {}).map(function (clock) {
      var d = c.deadlines[clock];
      if (d.stopped_at) { return el("li", {class: "deadline done"}, [t("clock_" + clock) + " · ✓ " + App.formatTime(d.stopped_at)]); }
      if (!d.due_at) { return el("li", {class: "deadline"}, [t("clock_" + clock) + " · " + t("paused") + (d.left ? " · " + t("left", {time: leftSpan(d.left, 0)}) : "")]); }
      return el("li", {}, [deadlineNode(clock, d.due_at, d.left)]);
    });
    var facts = el("div", {class: "detail-grid"}, [
      section("detail_complaint", [pairs([["k_category", t("cat_" + c.category)],
        ["k_other_categories", (c.other_categories || []).map(function (o) { return t("cat_" + o); }).join("、")], ["k_channel", t("ch_" + c.channel)],
        ["k_received", App.formatTime(c.received_at)], ["k_desired", c.desired_resolution ? t("res_" + c.desired_resolution) : null],
        ["k_assignee", c.assignee_name || c.assignee], ["k_territory", c.territory]]),
        el("p", {class: "description", text: c.description})], "sec-complaint"),
      section("detail_customer", [pairs([["k_name", cust.name],
        ["k_phone", cust.phone && !c.contact_hidden ? el("a", {href: "tel:" + cust.phone, id: "detail-phone", text: cust.phone}) : cust.phone], ["k_email", cust.email],
        ["k_type", cust.type ? t("ct_" + cust.type) : null], ["k_place", [cust.province, cust.city].filter(Boolean).join(" ")],
        ["k_address", cust.address], ["k_account", cust.account_id]]),
        c.contact_hidden ? el("p", {class: "contact-hidden"}, [t("contact_hidden") + " ",
          el("button", {type: "button", id: "reveal-contact", class: "small", text: t("contact_reveal")})]) : null], "sec-customer"),
      section("detail_product", [pairs([["k_sku", prod.sku], ["k_product_name", prod.name], ["k_production_date", prod.production_date],
        ["k_batch", prod.batch], ["k_purchase_place", prod.purchase_place],
        ["k_quantity", prod.quantity === null || prod.quantity === undefined ? null : prod.quantity + (prod.unit ? " " + t("qu_" + prod.unit) : "")]])], "sec-product"),
      section("detail_deadlines", [deadlines.length ? el("ul", {class: "plain"}, deadlines) : el("p", {text: "—"})], "sec-deadlines")]);
    var photos = section("detail_photos", [(c.photos || []).length ? el("ul", {class: "photo-grid"}, c.photos.map(function (p, i) {
      return el("li", {}, [el("a", {href: p.url, target: "_blank", rel: "noopener"}, [
        el("img", {src: p.url, alt: t("detail_photos") + " " + (i + 1), loading: "lazy"})])]);
    })) : el("p", {text: t("detail_no_photos")})], "sec-photos");
    var records = [];
    if (c.feedback_form) { var ff = c.feedback_form; records.push(section("detail_feedback_form", [pairs([["a_investigation", ff.investigation], ["a_sample_provided", boolText(ff.sample_provided)], ["a_certificate_provided", boolText(ff.certificate_provided)], ["a_customer_request", ff.customer_request], ["a_requested_amount", ff.requested_amount]])], "sec-feedback")); }
    if (c.qc_result) { var q = c.qc_result; records.push(section("detail_qc", [pairs([["a_investigation_result", q.investigation_result], ["a_cause_analysis", q.cause_analysis], ["a_responsible_department", q.responsible_department_name || q.responsible_department], ["a_corrective_actions", q.corrective_actions], ["a_preventive_actions", q.preventive_actions], ["a_company_at_fault", boolText(q.company_at_fault)]])], "sec-qc")); }
    if (c.handling) { records.push(section("detail_handling", [pairs([["a_type", t("h_" + c.handling.type)], ["a_amount", c.handling.amount], ["a_note", c.handling.note || c.handling.explanation], ["k_approval_reasons", reasons(c.handling.approval_reasons)], ["k_proposed_by", c.handling.proposed_by]])], "sec-handling")); }
    if (c.approval) { records.push(section("detail_approval", [pairs([["k_decision", c.approval.approved ? t("act_approve") : t("act_decline")], ["a_note", c.approval.note], ["k_approver", c.approval.by], ["k_when", App.formatTime(c.approval.at)]])], "sec-approval")); }
    if (c.satisfaction) { records.push(section("detail_satisfaction", [pairs([["a_rating", c.satisfaction.rating], ["a_comment", c.satisfaction.comment]])], "sec-satisfaction")); }
    var history = section("detail_history", [el("ol", {class: "timeline staff"}, (c.history || []).map(function (h) {
      var data = Object.keys(h.data || {}).filter(function (k) { return h.data[k] !== null && h.data[k] !== undefined && h.data[k] !== ""; })
        .map(function (k) { return historyDatum(k, h.data[k]); }).join(" · ");
      return el("li", {class: "step-done"}, [el("span", {class: "dot", "aria-hidden": "true"}), el("div", {}, [
        el("strong", {text: (STRINGS_HAS("act_" + h.action) ? t("act_" + h.action) : h.action) + (h.to && h.from !== h.to ? " → " + t("st_" + h.to) : "")}),
        el("p", {class: "when", text: App.formatTime(h.at) + " · " + (h.actor_name || (h.actor === "system" ? t("actor_system") : h.actor === "customer" ? t("actor_customer") : h.actor))}), data ? el("p", {class: "data", text: data}) : null])]);
    }))], "sec-history");
    var actions = section("detail_actions", (c.allowed_actions || []).length ? c.allowed_actions.map(function (name) { return actionForm(c, name); })
      : [el("p", {text: t("detail_no_actions")})], "sec-actions");
    var heading = page(c.complaint_id || c.id, [header, mergedInto, duplicates, notice, el("div", {class: "detail-layout"}, [
      el("div", {class: "detail-main"}, [facts, photos].concat(records).concat([mergedComplaints(c), customerMessages(c), history])),
      el("div", {class: "detail-side"}, [actions])])]);
    view.querySelector("#print-form").addEventListener("click", function () { printForm(c.id || c.complaint_id, notice); });
    var reveal = view.querySelector("#reveal-contact");
    if (reveal) {
      reveal.addEventListener("click", function () {
        call("GET", "api/v1/staff/complaints/" + encodeURIComponent(c.id || c.complaint_id) + "?reveal=contact").then(function (result) {
          if (!result.ok) { return; }
          drawComplaint(result.data);
          var title = view.querySelector("#sec-customer-title");
          title.setAttribute("tabindex", "-1");
          title.focus();
        }, function () {});
      });
    }
    view.querySelector("#to-actions").addEventListener("click", function () {
      var target = view.querySelector("#sec-actions summary") || view.querySelector("#sec-actions-title");
      target.setAttribute("tabindex", target.tagName === "SUMMARY" ? "0" : "-1");
      target.scrollIntoView({block: "start"}); target.focus();
    });
    if (done) { heading.focus(); }
  }
  /* On the complaint that others were merged into: each of them as it came in (its words, photos, feedback form). */
  function mergedComplaints(c) {
    var merged = c.merged || [];
    if (!merged.length) { return null; }
    return section("detail_merged", [el("ul", {class: "plain merged-list"}, merged.map(function (m) {
      var ff = m.feedback_form, titleId = "merged-" + m.complaint_id;
      return el("li", {class: "merged-item", "data-id": m.complaint_id}, [
        el("h3", {id: titleId}, [el("a", {href: "#/c/" + m.complaint_id, class: "mono", text: m.complaint_id})]),
        pairs([["k_received", App.formatTime(m.received_at)], ["k_channel", m.channel ? t("ch_" + m.channel) : null]]),
        m.description ? el("p", {class: "description", text: m.description}) : null,
        (m.photos || []).length ? el("ul", {class: "photo-grid", "aria-labelledby": titleId}, m.photos.map(function (p, i) {
          return el("li", {}, [el("a", {href: p.url, target: "_blank", rel: "noopener"}, [
            el("img", {src: p.url, alt: t("merged_photo", {id: m.complaint_id, n: i + 1}), loading: "lazy"})])]);
        })) : null,
        ff ? el("div", {class: "merged-feedback"}, [el("h4", {text: t("detail_feedback_form")}), pairs([["a_investigation", ff.investigation], ["a_sample_provided", boolText(ff.sample_provided)], ["a_certificate_provided", boolText(ff.certificate_provided)], ["a_customer_request", ff.customer_request], ["a_requested_amount", ff.requested_amount]])]) : null]);
    }))], "sec-merged");
  }

  /* What was sent to the customer (kind, when, how, whether it went: never a link or a code), and the
     customer's own answer to the survey. */
  function customerMessages(c) {
    var kinds = LISTS.customer_message_kind, channels = LISTS.message_channel, states = LISTS.message_state;
    var sent = (c.customer_messages || []).slice().sort(function (a, b) { return new Date(a.at) - new Date(b.at); });
    var list = sent.length ? el("ul", {class: "plain customer-messages"}, sent.map(function (m) {
      return el("li", {class: "customer-message", "data-kind": m.kind, "data-state": m.state}, [
        el("strong", {text: STRINGS_HAS(kinds.prefix + m.kind) ? t(kinds.prefix + m.kind) : m.kind}), " ",
        el("span", {class: "badge msg-" + m.state, text: STRINGS_HAS(states.prefix + m.state) ? t(states.prefix + m.state) : m.state}),
        el("p", {class: "when", text: [App.formatTime(m.at), STRINGS_HAS(channels.prefix + m.channel) ? t(channels.prefix + m.channel) : m.channel]
          .filter(Boolean).join(" · ")})]);
    })) : el("p", {class: "muted", text: t("cm_none")});
    var answers = (c.callbacks || []).concat(c.satisfaction ? [c.satisfaction] : []).filter(function (s) { return s.by === "customer"; });
    var answer = answers[answers.length - 1];
    var survey = el("div", {class: "survey-answer", id: "survey-answer"}, [el("h3", {text: t("cm_survey_answer")}), answer
      ? pairs([["a_rating", STRINGS_HAS(LISTS.rating.prefix + answer.rating) ? t(LISTS.rating.prefix + answer.rating) : answer.rating],
               ["a_comment", answer.comment], ["k_when", App.formatTime(answer.at)]])
      : el("p", {class: "muted", text: t("cm_survey_none")})]);
    return section("detail_customer_messages", [list, survey], "sec-customer-messages");
  }

  function historyDatum(key, value) {
    var label = STRINGS_HAS("hk_" + key) ? t("hk_" + key) : key;
    var shown = key === "approval_reasons" ? reasons(value) : Array.isArray(value) ? value.join(", ") : typeof value === "object" ? JSON.stringify(value) : value;
    if (typeof value === "boolean") { shown = boolText(value); }
    var list = Object.prototype.hasOwnProperty.call(VOCABULARY.history_values, key) ? LISTS[VOCABULARY.history_values[key]] : null;
    if (list && STRINGS_HAS(list.prefix + value)) { shown = t(list.prefix + value); }
    return label + ": " + shown;
  }
  function STRINGS_HAS(key) { return Object.prototype.hasOwnProperty.call(App.strings, key); }

  /* Values an action's form starts with: a merge goes, most likely, into the first possible original. */
  function prefilled(c, name) {
    var duplicates = c.possible_duplicate_of || [];
    return name === "merge" && duplicates.length ? {into: duplicates[0]} : {};
  }

  function actionForm(c, name) {
    var specs = actionFields(name), start = prefilled(c, name);
    var message = el("p", {class: "form-message", role: "alert"});
    var form = el("form", {class: "action-form", novalidate: true, "data-action": name}, specs.map(function (s) {
      var spec = Object.assign({}, s, {label: t(s.label)});
      if (start[s.name] !== undefined) { spec.value = start[s.name]; }
      if (s.options) { spec.options = s.options.map(function (o) { return [o[0], t(o[1])]; }); }
      return field(spec);
    }).concat([STRINGS_HAS("hint_" + name) ? el("p", {class: "hint", text: t("hint_" + name)}) : null,
               message, el("button", {type: "submit", class: name === "decline" ? "danger" : "primary", text: t("act_" + name)})]));
    fillDepartments(form);
    var details = el("details", {class: "action", id: "action-" + name}, [el("summary", {text: t("act_" + name)}), form]);
    details.addEventListener("toggle", function () { if (details.open) { var first = form.querySelector("input,select,textarea,button"); if (first) { first.focus(); } } });
    if (name === "assign" && hasRole("manager")) { offerSalespeople(form.querySelector("[name=assignee]")); }
    var busy = false, key = null;  /* kept after a network failure: pressing again does the action once */
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      var data = formValues(form);
      specs.forEach(function (s) {
        if (data[s.name] === "true") { data[s.name] = true; } else if (data[s.name] === "false") { data[s.name] = false; }
        if (s.name === "rating" && data.rating) { data.rating = parseInt(data.rating, 10); }
      });
      data.action = name;
      busy = true;
      form.querySelector("button[type=submit]").disabled = true;
      message.textContent = "";
      key = key || App.randomKey();
      call("POST", "api/v1/staff/complaints/" + encodeURIComponent(c.id || c.complaint_id) + "/actions", {body: data, headers: {"Idempotency-Key": key}}).then(function (result) {
        key = null;
        if (result.ok) { announce(t("action_done", {action: t("act_" + name)})); return drawComplaint(result.data, t("action_done", {action: t("act_" + name)})); }
        if (result.status === 400) { return showErrors(form, result.data.error.fields || [], message); }
        message.textContent = t("action_failed", {message: errorText(result)});
      }, function (e) { if (e.message !== "unauthenticated") { message.textContent = t("err_network"); } })
        .then(function () { busy = false; var b = form.querySelector("button[type=submit]"); if (b) { b.disabled = false; } });
    });
    return details;
  }

  /* Managers and admins may read the staff list: the assignee field suggests the salespeople. */
  function offerSalespeople(input) {
    call("GET", "api/v1/admin/staff").then(function (result) {
      if (!result.ok || !input.isConnected) { return; }
      var id = input.id + "-list";
      var list = el("datalist", {id: id}, (result.data.items || []).filter(function (m) { return m.roles.indexOf("sales") >= 0; })
        .map(function (m) { return el("option", {value: m.username, label: m.name + " · " + (m.territories || []).join(", ")}); }));
      input.parentNode.appendChild(list);
      input.setAttribute("list", id);
    }, function () {});
  }

  /* The printable feedback form opens in a new window. The HTML comes with the token in a header,
     so it is fetched here and copied into the window node by node; its stylesheet is applied as a
     constructed stylesheet, which the console's Content-Security-Policy allows (no inline style). */
  function printForm(id, notice) {
    var popup = window.open("", "_blank");
    fetch("api/v1/staff/complaints/" + encodeURIComponent(id) + "/feedback-form", {headers: {Authorization: "Bearer " + session.token}})
      .then(function (response) {
        if (!response.ok) { if (popup) { popup.close(); } notice.textContent = t("print_unavailable"); return; }
        return response.text().then(function (html) {
          if (!popup) { notice.textContent = t("print_unavailable"); return; }
          var css = [];  // taken out before parsing: even an inert parse reports inline styles to the CSP
          html = html.replace(/<style[^>]*>([\s\S]*?)<\/style>/gi, function (all, text) { css.push(text); return ""; })
                     .replace(/\sstyle\s*=\s*("[^"]*"|'[^']*')/gi, "");
          css = css.join("\n");
          var parsed = new DOMParser().parseFromString(html, "text/html");
          var target = popup.document;
          target.documentElement.setAttribute("lang", parsed.documentElement.getAttribute("lang") || document.documentElement.lang);
          target.title = parsed.title;
          Array.prototype.forEach.call(parsed.querySelectorAll("script,style,link,meta,base,iframe,object,embed"), function (n) { n.remove(); });
          Array.prototype.forEach.call(parsed.body.querySelectorAll("*"), function (n) {
            Array.prototype.slice.call(n.attributes).forEach(function (a) { if (/^on/i.test(a.name) || a.name === "style") { n.removeAttribute(a.name); } });
          });
          if (css && popup.CSSStyleSheet) {
            try { var sheet = new popup.CSSStyleSheet(); sheet.replaceSync(css); target.adoptedStyleSheets = [sheet]; } catch (e) { /* print unstyled */ }
          }
          while (target.body.firstChild) { target.body.removeChild(target.body.firstChild); }
          Array.prototype.forEach.call(parsed.body.childNodes, function (n) { target.body.appendChild(target.importNode(n, true)); });
          popup.focus();
        });
      }, function () { if (popup) { popup.close(); } notice.textContent = t("err_network"); });
  }

  /* ---------- administration (admin, manager) ---------- */
  /* #/admin/<page>: staff, territories, accounts, departments, calendar, import. Each kind of record is a list
     with a search box (filtered here: a company's lists are a few hundred rows at most) and a form above it
     that creates or edits one; Enter saves, Esc closes the form. A manager is shown only what he may change:
     leader and admin members read-only, only the roles he may grant, the calendar read-only. */
  var ADMIN_PAGES = ["staff", "territories", "accounts", "departments", "calendar", "import"];
  var ADMIN_VIEWS = {staff: adminStaff, territories: adminTerritories, accounts: adminAccounts,
                     departments: adminDepartments, calendar: adminCalendar, "import": adminImport};
  var ROLES = VOCABULARY.roles || {prefix: "role_", values: [], manager_grants: []};
  var IMPORT_KINDS = ["staff", "territories", "accounts"];  // what the import reads, each with its template

  function isAdmin() { return !!session && session.roles.indexOf("admin") >= 0; }
  function grantable(role) { return isAdmin() || ROLES.manager_grants.indexOf(role) >= 0; }
  function mayManage(member) { return (member.roles || []).every(grantable); }
  function roleText(role) { return STRINGS_HAS(ROLES.prefix + role) ? t(ROLES.prefix + role) : role; }
  function listWord(list, value) { return value && STRINGS_HAS(list.prefix + value) ? t(list.prefix + value) : value || "—"; }
  function failed(node) { return function (e) { if (e.message !== "unauthenticated") { node.textContent = t("err_network"); } }; }

  function renderAdmin(name) {
    if (!Object.prototype.hasOwnProperty.call(ADMIN_VIEWS, name)) { name = ADMIN_PAGES[0]; }
    var fromTab = !!document.activeElement && /^admin-tab-/.test(document.activeElement.id);  // keep the keyboard's place
    var tabs = el("nav", {class: "admin-tabs", "aria-label": t("admin_pages")}, [el("ul", {}, ADMIN_PAGES.map(function (p) {
      return el("li", {}, [el("a", {href: "#/admin/" + p, id: "admin-tab-" + p, "aria-current": p === name ? "page" : null, text: t("admin_" + p)})]);
    }))]);
    var body = el("div", {id: "admin-" + name, class: "admin-page"});
    page(t("admin_" + name + "_title"), [tabs, body]);
    if (fromTab) { tabs.querySelector("#admin-tab-" + name).focus(); }
    ADMIN_VIEWS[name](body);
  }

  /* Esc closes, Enter sends from a box or a choice too (a text field sends by itself), Ctrl+Enter from a text area. */
  function formKeys(form, close) {
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(); return; }
      if (event.key !== "Enter" || event.isComposing) { return; }
      var target = event.target, tag = target.tagName;
      if (tag === "TEXTAREA") { if (event.ctrlKey || event.metaKey) { event.preventDefault(); form.requestSubmit(); } return; }
      if (tag === "SELECT" || (tag === "INPUT" && (target.type === "checkbox" || target.type === "radio"))) { event.preventDefault(); form.requestSubmit(); }
    });
  }

  /* An edit form: spec {id, title, fields: [nodes], send(form) -> promise of the API's answer, done(answer), close}. */
  function editForm(spec) {
    var message = el("p", {class: "form-message", role: "alert"});
    var save = el("button", {type: "submit", class: "primary", text: t("admin_save")});
    var cancel = el("button", {type: "button", class: "admin-cancel", "aria-keyshortcuts": "Escape", text: t("admin_cancel")});
    var form = el("form", {class: "card admin-form", id: spec.id, novalidate: true, "aria-labelledby": spec.id + "-title"}, [
      el("h2", {id: spec.id + "-title", text: spec.title}), el("p", {class: "hint", text: t("admin_form_keys")}),
      el("div", {class: "entry-grid admin-grid"}, spec.fields), message, el("div", {class: "buttons"}, [save, cancel])]);
    cancel.addEventListener("click", spec.close);
    formKeys(form, spec.close);
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      App.clearFieldErrors(form);
      message.textContent = "";
      var sending = spec.send(form);
      if (!sending) { return; }
      busy = true; save.disabled = true; save.textContent = t("saving");
      sending.then(function (result) {
        if (result.ok) { return spec.done(result.data); }
        if (result.status === 400) {
          showErrors(form, (result.data.error || {}).fields || [], message);
          if (!message.textContent) { message.textContent = t("admin_check_fields"); }
          return;
        }
        message.textContent = result.status === 409 ? t("admin_conflict") : errorText(result);
      }, failed(message)).then(function () { busy = false; save.disabled = false; save.textContent = t("admin_save"); });
    });
    return form;
  }

  /* One kind of record as a list with a search box and the form that creates or edits one. spec: {id, load() ->
     promise of the list's answer, key(item), columns: [[title key, cell(item)]], text(item) (what the search
     looks in), editable(item), form(item or null, close, done), remove: {label, confirm, allowed(item), run(item)
     -> promise, done(item, answer) -> notice}, create: false when nothing may be created}. */
  function recordsPage(body, spec) {
    var items = [], opener = null;
    var searchId = "admin-search-" + spec.id;
    var search = el("input", {type: "search", id: searchId, class: "admin-search-input", autocomplete: "off", "aria-describedby": "admin-count"});
    var create = spec.create === false ? null : el("button", {type: "button", class: "primary", id: "admin-new", text: t("admin_new_" + spec.id)});
    var count = el("p", {class: "admin-count muted", id: "admin-count", "aria-live": "polite"});
    var notice = el("p", {class: "form-message ok", role: "status", id: "admin-notice"});
    var holder = el("div", {class: "admin-form-holder", id: "admin-form-holder"});
    var list = el("div", {class: "admin-list", id: "admin-list", "aria-busy": "true"});
    [el("div", {class: "admin-tools"}, [el("div", {class: "field admin-search"}, [el("label", {for: searchId, text: t("admin_search_" + spec.id)}), search]), create]),
     count, notice, holder, list].forEach(function (n) { if (n) { body.appendChild(n); } });

    function open(item, from) {
      opener = from || null;
      notice.textContent = "";
      App.clear(holder).appendChild(spec.form(item, close, done));
      var first = holder.querySelector("input:not([readonly]):not([disabled]):not([type=hidden]),select:not([disabled]),textarea");
      if (first) { first.focus(); }
      holder.scrollIntoView({block: "nearest"});
    }
    function close() {
      App.clear(holder);
      if (opener && opener.isConnected) { opener.focus(); } else { search.focus(); }
    }
    function done(text, key) {  // said once the list shows the change
      App.clear(holder);
      reload().then(function () {
        notice.textContent = text;
        announce(text);
        var again = key !== undefined && list.querySelector("tr[data-key='" + String(key).replace(/'/g, "") + "'] .admin-edit");
        (again || create || search).focus();
      });
    }
    function reload() {
      list.setAttribute("aria-busy", "true");
      return spec.load().then(function (result) {
        list.setAttribute("aria-busy", "false");
        if (!result.ok) { App.clear(list).appendChild(el("p", {class: "form-message", role: "alert", text: errorText(result)})); return; }
        items = result.data.items || [];
        draw();
      }, function (e) { list.setAttribute("aria-busy", "false"); failed(notice)(e); });
    }
    function draw() {
      var head = el("tr", {}, spec.columns.map(function (c) { return el("th", {scope: "col", text: t(c[0])}); })
        .concat([el("th", {scope: "col", text: t("admin_actions")})]));
      var rows = items.map(function (item) {
        var key = spec.key(item);
        var cells = spec.columns.map(function (c) {
          var shown = c[1](item);
          return el("td", {"data-label": t(c[0])}, [shown === null || shown === undefined || shown === "" ? "—" : shown]);
        });
        return el("tr", {"data-key": key, "data-search": spec.text(item).toLowerCase()}, cells.concat([el("td", {class: "admin-row-actions", "data-label": t("admin_actions")}, [el("div", {class: "admin-row-buttons"}, rowActions(item))])]));
      });
      App.clear(list).appendChild(items.length ? el("table", {class: "queue-table admin-table"}, [
        el("caption", {class: "visually-hidden", text: t("admin_" + spec.id + "_title")}), el("thead", {}, [head]), el("tbody", {}, rows)])
        : el("p", {class: "empty", text: t("admin_empty")}));
      filter();
    }
    function rowActions(item) {
      var key = spec.key(item), label = item.name ? key + " " + item.name : key, nodes = [];
      if (!spec.editable(item)) { return [el("span", {class: "muted admin-readonly", text: t(spec.readonly || "admin_readonly")})]; }
      var edit = el("button", {type: "button", class: "small admin-edit", "aria-label": t("admin_edit_label", {name: label}), text: t("admin_edit")});
      edit.addEventListener("click", function () { open(item, edit); });
      nodes.push(edit);
      if (spec.remove && spec.remove.allowed(item)) {
        var remove = el("button", {type: "button", class: "small danger admin-remove", "aria-label": t(spec.remove.label) + " " + label, text: t(spec.remove.label)});
        remove.addEventListener("click", function () { confirmRemove(item, remove, label); });
        nodes.push(remove);
      }
      return nodes;
    }
    /* Asked in the row itself: Enter (or the button) confirms, Esc (or 取消) keeps the record. */
    function confirmRemove(item, button, label) {
      var cell = button.parentNode, kept = Array.prototype.slice.call(cell.childNodes);
      var yes = el("button", {type: "button", class: "small danger admin-confirm", text: t(spec.remove.label)});
      var no = el("button", {type: "button", class: "small admin-keep", text: t("admin_cancel")});
      var question = el("span", {class: "admin-question", role: "alert", text: t(spec.remove.confirm, {name: label})});
      App.clear(cell);
      [question, yes, no].forEach(function (n) { cell.appendChild(n); });
      function keep() { App.clear(cell); kept.forEach(function (n) { cell.appendChild(n); }); button.focus(); }
      cell.addEventListener("keydown", function (event) { if (event.key === "Escape" && yes.isConnected) { event.preventDefault(); keep(); } });
      no.addEventListener("click", keep);
      yes.addEventListener("click", function () {
        yes.disabled = true;
        spec.remove.run(item).then(function (result) {
          if (result.ok) { return done(spec.remove.done(item, result.data)); }
          question.textContent = result.status === 409 ? t("admin_conflict") : errorText(result);
          yes.disabled = false;
        }, function (e) { yes.disabled = false; failed(question)(e); });
      });
      yes.focus();
    }
    function filter() {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      Array.prototype.forEach.call(list.querySelectorAll("tbody tr"), function (row) {
        var text = row.getAttribute("data-search"), match = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !match;
        if (match) { shown++; }
      });
      count.textContent = words.length ? t("admin_count_filtered", {shown: shown, n: items.length}) : t("admin_count", {n: items.length});
    }
    search.addEventListener("input", filter);
    if (create) { create.addEventListener("click", function () { open(null, create); }); }
    reload();
    return {reload: reload};
  }

  /* A labelled control of the admin forms (field() with the key of its words), optionally with a hint under it. */
  function adminField(spec) {
    var node = field(Object.assign({}, spec, {label: t(spec.label)}));
    if (spec.hint) {
      var control = node.querySelector("input,select,textarea");
      var hint = el("p", {class: "hint", id: control.id + "-hint", text: t(spec.hint)});
      node.insertBefore(hint, control.nextSibling);
      control.setAttribute("aria-describedby", control.getAttribute("aria-describedby") + " " + hint.id);
    }
    return node;
  }
  /* Boxes to tick in a fieldset (roles, territories): [[value, words]]; `fixed` leaves them as they are. */
  function checkGroup(name, legend, choices, checked, fixed, hint) {
    var group = el("fieldset", {class: "field wide admin-checks", "data-field": name, disabled: fixed || null}, [el("legend", {text: t(legend)})]);
    var boxes = el("div", {class: "admin-check-grid"});
    choices.forEach(function (c) {
      var id = "f" + (++uid) + "-" + name + "-" + c[0].replace(/[^a-z0-9]/gi, "-");
      boxes.appendChild(el("label", {class: "check", for: id}, [
        el("input", {type: "checkbox", id: id, name: name, value: c[0], checked: checked.indexOf(c[0]) >= 0 ? true : null}), el("span", {text: c[1]})]));
    });
    group.appendChild(boxes);
    if (!choices.length) { group.appendChild(el("p", {class: "muted", text: t("admin_none_yet")})); }
    if (hint) { group.appendChild(el("p", {class: "hint", text: t(hint)})); }
    group.appendChild(el("p", {class: "field-error", hidden: true}));
    return group;
  }
  function ticked(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll("input[type=checkbox][name='" + name + "']"), function (b) { return b.checked; })
      .map(function (b) { return b.value; });
  }
  function valueOf(form, name) { var n = form.querySelector("[name='" + name + "']"); return n ? n.value.trim() : ""; }
  function put(path, key, bodyOf, params) {
    var q = params ? query(params) : "";
    return call("PUT", "api/v1/admin/" + path + "/" + encodeURIComponent(key) + (q ? "?" + q : ""), {body: bodyOf});
  }
  /* Every page of a paged list (the accounts), as one answer. */
  function allItems(path, cursor, got) {
    return call("GET", path + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")).then(function (r) {
      if (!r.ok) { return r; }
      var items = (got || []).concat(r.data.items || []);
      if (r.data.next_cursor && items.length < 10000) { return allItems(path, r.data.next_cursor, items); }
      return {ok: true, status: r.status, data: {items: items}};
    });
  }
  function salespeople(staff) {
    return staff.filter(function (m) { return m.active !== false && m.roles.indexOf("sales") >= 0; })
      .map(function (m) { return [m.username, m.name + " (" + m.username + ")"]; });
  }
  /* Where a change sent the open complaints (deactivation, a territory's new salesperson), or how many stayed. */
  function movesText(answer) {
    var a = answer || {}, parts = [];
    if ((a.moved || []).length) { parts.push(t("admin_moved", {n: a.moved.length})); }
    if ((a.queued || []).length) { parts.push(t("admin_queued", {n: a.queued.length})); }
    if ((a.pending || []).length) { parts.push(t("admin_pending", {n: a.pending.length})); }
    if (a.moved === undefined && a.open_with_previous) { parts.push(t("admin_open_with_previous", {n: a.open_with_previous})); }
    return parts.join(" ");
  }
  /* The box that moves a territory's or an account's open complaints, offered once another salesperson is chosen. */
  function offerMove(form, previous) {
    var chosen = form.querySelector("[name=salesperson]"), offer = form.querySelector("[data-field=move_open]");
    var toggle = function () { offer.hidden = chosen.value === (previous || ""); };
    chosen.addEventListener("change", toggle); toggle();
  }
  function moveAsked(form) {
    var move = form.querySelector("[name=move_open]");
    return move && move.checked && !move.closest(".field").hidden ? {move_open: "true"} : null;
  }
  function staffName(staff, username) {
    var found = staff.filter(function (m) { return m.username === username; })[0];
    return username ? (found ? found.name + " (" + username + ")" : username) : null;
  }

  /* ---------- staff ---------- */
  function adminStaff(body) {
    var territories = [];
    recordsPage(body, {
      id: "staff",
      load: function () {
        return Promise.all([call("GET", "api/v1/admin/staff"), call("GET", "api/v1/admin/territories")]).then(function (r) {
          territories = r[1].ok ? r[1].data.items || [] : [];
          return r[0];
        });
      },
      key: function (m) { return m.username; },
      columns: [["admin_username", function (m) { return el("span", {class: "mono", text: m.username}); }],
                ["admin_full_name", function (m) { return m.name; }],
                ["admin_roles", function (m) { return m.roles.map(roleText).join(", "); }],
                ["admin_territories", function (m) { return (m.territories || []).join(", "); }],
                ["admin_contact", function (m) { return [m.phone, m.email].filter(Boolean).join(" · "); }],
                ["admin_state", function (m) { return el("span", {class: "badge" + (m.active === false ? " bad" : ""), text: t(m.active === false ? "admin_inactive" : "admin_active")}); }]],
      text: function (m) { return [m.username, m.name, m.phone, m.email].concat(m.roles.map(roleText), m.roles, m.territories || []).join(" "); },
      editable: mayManage,
      readonly: "admin_only_admin",
      form: function (m, close, done) { return staffForm(m, territories, close, done); },
      remove: {label: "admin_deactivate", confirm: "admin_deactivate_confirm",
               allowed: function (m) { return m.active !== false && m.username !== session.username; },
               run: function (m) { return call("POST", "api/v1/admin/staff/" + encodeURIComponent(m.username) + "/deactivate"); },
               done: function (m, answer) { return [t("admin_deactivated", {name: m.name}), movesText(answer)].join(" "); }}
    });
  }

  function staffForm(m, territories, close, done) {
    var own = !!m && m.username === session.username;
    var roles = ROLES.values.filter(grantable).map(function (r) { return [r, roleText(r)]; });
    var fields = [
      adminField({name: "username", label: "admin_username", required: !m, value: m ? m.username : "", hint: m ? null : "admin_username_hint",
                  attrs: {autocapitalize: "none", autocomplete: "off", spellcheck: "false", readonly: m ? true : null}}),
      adminField({name: "name", label: "admin_full_name", required: true, value: m ? m.name : "", attrs: {autocomplete: "off"}}),
      adminField({name: "phone", label: "admin_phone", type: "tel", value: m ? m.phone || "" : "", attrs: {autocomplete: "off"}}),
      adminField({name: "email", label: "admin_email", type: "email", value: m ? m.email || "" : "", attrs: {autocomplete: "off", autocapitalize: "none"}}),
      checkGroup("roles", "admin_roles", roles, m ? m.roles : [], own, own ? "admin_own_roles" : isAdmin() ? null : "admin_manager_roles"),
      checkGroup("territories", "admin_territories", territories.map(function (x) { return [x.code, x.code + " " + x.name]; }), m ? m.territories || [] : []),
      adminField({name: "compensation_limit", label: "admin_compensation_limit", type: "number", value: m ? m.compensation_limit : "",
                  attrs: {min: "0", step: "0.01", inputmode: "decimal"}, hint: m ? null : "admin_compensation_default"}),
      adminField({name: "password", label: m ? "admin_password_reset" : "admin_password", type: "password", required: !m,
                  hint: m ? "admin_password_keep" : "admin_password_hint", attrs: {autocomplete: "new-password"}})];
    return editForm({
      id: "staff-form", title: m ? t("admin_edit_staff", {name: m.name}) : t("admin_new_staff"), fields: fields, close: close,
      send: function (form) {
        var username = m ? m.username : valueOf(form, "username").toLowerCase();
        if (!username) { showErrors(form, [{field: "username", message: t("admin_required")}]); return null; }
        var data = {name: valueOf(form, "name"), roles: own ? m.roles : ticked(form, "roles"), territories: ticked(form, "territories")};
        ["phone", "email", "compensation_limit"].forEach(function (k) { if (valueOf(form, k)) { data[k] = valueOf(form, k); } });
        if (form.querySelector("[name=password]").value) { data.password = form.querySelector("[name=password]").value; }
        return put("staff", username, data);
      },
      done: function (saved) { done(t(m ? "admin_saved" : "admin_created", {name: saved.name + " (" + saved.username + ")"}), saved.username); }
    });
  }

  /* ---------- territories ---------- */
  /* Places as the import writes them: 湖南/长沙; 湖南/* (a province alone, or with /*, is the whole province). */
  function placesText(places) { return (places || []).map(function (p) { return p.province + "/" + (p.city || "*"); }).join("; "); }
  function placesOf(text) {
    return text.split(/[;；,，、\n]+/).map(function (s) { return s.trim(); }).filter(Boolean).map(function (s) {
      var parts = s.split(/\s*[/／]\s*/), city = (parts[1] || "").trim();
      return {province: parts[0].trim(), city: city && city !== "*" ? city : null};
    });
  }

  function adminTerritories(body) {
    var staff = [];
    recordsPage(body, {
      id: "territories",
      load: function () {
        return Promise.all([call("GET", "api/v1/admin/territories"), call("GET", "api/v1/admin/staff")]).then(function (r) {
          staff = r[1].ok ? r[1].data.items || [] : [];
          return r[0];
        });
      },
      key: function (x) { return x.code; },
      columns: [["admin_code", function (x) { return el("span", {class: "mono", text: x.code}); }],
                ["admin_name", function (x) { return x.name; }],
                ["admin_places", function (x) { return placesText(x.places); }],
                ["admin_salesperson", function (x) { return staffName(staff, x.salesperson) || t("admin_to_service_queue"); }]],
      text: function (x) { return [x.code, x.name, placesText(x.places), x.salesperson, staffName(staff, x.salesperson)].join(" "); },
      editable: function () { return true; },
      form: function (x, close, done) {
        var fields = [
          adminField({name: "code", label: "admin_code", required: !x, value: x ? x.code : "", hint: x ? null : "admin_code_hint",
                      attrs: {autocapitalize: "characters", autocomplete: "off", spellcheck: "false", readonly: x ? true : null}}),
          adminField({name: "name", label: "admin_name", required: true, value: x ? x.name : "", attrs: {autocomplete: "off"}}),
          adminField({name: "places", label: "admin_places", required: true, wide: true, value: x ? placesText(x.places) : "", hint: "admin_places_hint", attrs: {autocomplete: "off"}}),
          adminField({name: "salesperson", label: "admin_salesperson", type: "select", value: x ? x.salesperson || "" : "",
                      options: [["", t("admin_to_service_queue")]].concat(salespeople(staff))}),
          x ? adminField({name: "move_open", label: "admin_move_open", type: "checkbox", value: false}) : null];
        var built = editForm({
          id: "territory-form", title: x ? t("admin_edit_territory", {name: x.name}) : t("admin_new_territories"), fields: fields, close: close,
          send: function (form) {
            var code = x ? x.code : valueOf(form, "code").toUpperCase();
            if (!code) { showErrors(form, [{field: "code", message: t("admin_required")}]); return null; }
            return put("territories", code, {name: valueOf(form, "name"), places: placesOf(valueOf(form, "places")), salesperson: valueOf(form, "salesperson") || null},
                       moveAsked(form));
          },
          done: function (saved) { done([t(x ? "admin_saved" : "admin_created", {name: saved.code + " " + saved.name}), movesText(saved)].join(" "), saved.code); }
        });
        if (x) { offerMove(built, x.salesperson); }
        return built;
      }
    });
  }

  /* ---------- key accounts ---------- */
  function adminAccounts(body) {
    var staff = [], territories = [], types = LISTS.account_type;
    recordsPage(body, {
      id: "accounts",
      load: function () {
        return Promise.all([allItems("api/v1/admin/accounts?limit=100"), call("GET", "api/v1/admin/staff"), call("GET", "api/v1/admin/territories")]).then(function (r) {
          staff = r[1].ok ? r[1].data.items || [] : [];
          territories = r[2].ok ? r[2].data.items || [] : [];
          return r[0];
        });
      },
      key: function (a) { return a.account_id; },
      columns: [["admin_account_id", function (a) { return el("span", {class: "mono", text: a.account_id}); }],
                ["admin_name", function (a) { return a.name; }],
                ["admin_account_type", function (a) { return listWord(types, a.type); }],
                ["admin_territory", function (a) { return a.territory; }],
                ["admin_salesperson", function (a) { return staffName(staff, a.salesperson); }],
                ["admin_key_account_col", function (a) { return a.key_account ? el("span", {class: "badge warn", text: t("admin_key_account_yes")}) : t("no"); }]],
      text: function (a) { return [a.account_id, a.name, listWord(types, a.type), a.territory, a.salesperson, staffName(staff, a.salesperson), a.key_account ? t("admin_key_account_yes") : ""].join(" "); },
      editable: function () { return true; },
      form: function (a, close, done) {
        var fields = [
          adminField({name: "account_id", label: "admin_account_id", required: !a, value: a ? a.account_id : "", hint: a ? null : "admin_account_id_hint",
                      attrs: {autocapitalize: "characters", autocomplete: "off", spellcheck: "false", readonly: a ? true : null}}),
          adminField({name: "name", label: "admin_name", required: true, value: a ? a.name : "", attrs: {autocomplete: "off"}}),
          adminField({name: "type", label: "admin_account_type", type: "select", required: true, value: a ? a.type : undefined, options: options(types)}),
          adminField({name: "territory", label: "admin_territory", type: "select", required: true, value: a ? a.territory || "" : "",
                      options: [["", t("choose")]].concat(territories.map(function (x) { return [x.code, x.code + " " + x.name]; }))}),
          adminField({name: "salesperson", label: "admin_salesperson", type: "select", required: true, value: a ? a.salesperson || "" : "", hint: "admin_account_salesperson_hint",
                      options: [["", t("choose")]].concat(salespeople(staff))}),
          adminField({name: "key_account", label: "admin_key_account", type: "checkbox", value: a ? a.key_account : false}),
          a ? adminField({name: "move_open", label: "admin_move_open_account", type: "checkbox", value: false}) : null];
        var built = editForm({
          id: "account-form", title: a ? t("admin_edit_account", {name: a.name}) : t("admin_new_accounts"), fields: fields, close: close,
          send: function (form) {
            var id = a ? a.account_id : valueOf(form, "account_id").toUpperCase();
            if (!id) { showErrors(form, [{field: "account_id", message: t("admin_required")}]); return null; }
            var data = {name: valueOf(form, "name"), type: valueOf(form, "type"), territory: valueOf(form, "territory") || null,
                        salesperson: valueOf(form, "salesperson") || null, key_account: form.querySelector("[name=key_account]").checked};
            if (a && a.revision !== undefined) { data.revision = a.revision; }
            return put("accounts", id, data, moveAsked(form));
          },
          done: function (saved) { done([t(a ? "admin_saved" : "admin_created", {name: saved.account_id + " " + saved.name}), movesText(saved)].join(" "), saved.account_id); }
        });
        if (a) { offerMove(built, a.salesperson); }
        return built;
      },
      remove: {label: "admin_delete", confirm: "admin_delete_confirm", allowed: function () { return true; },
               run: function (a) { return call("DELETE", "api/v1/admin/accounts/" + encodeURIComponent(a.account_id)); },
               done: function (a) { return t("admin_deleted", {name: a.account_id + " " + a.name}); }}
    });
  }

  /* ---------- responsible departments ---------- */
  function adminDepartments(body) {
    recordsPage(body, {
      id: "departments",
      load: function () { return call("GET", "api/v1/admin/departments"); },
      key: function (d) { return d.code; },
      columns: [["admin_code", function (d) { return el("span", {class: "mono", text: d.code}); }], ["admin_name", function (d) { return d.name; }]],
      text: function (d) { return d.code + " " + d.name; },
      editable: function () { return true; },
      form: function (d, close, done) {
        var fields = [
          adminField({name: "code", label: "admin_code", required: !d, value: d ? d.code : "", hint: d ? null : "admin_department_code_hint",
                      attrs: {autocapitalize: "characters", autocomplete: "off", spellcheck: "false", readonly: d ? true : null}}),
          adminField({name: "name", label: "admin_name", required: true, value: d ? d.name : "", attrs: {autocomplete: "off"}})];
        return editForm({
          id: "department-form", title: d ? t("admin_edit_department", {name: d.name}) : t("admin_new_departments"), fields: fields, close: close,
          send: function (form) {
            var code = d ? d.code : valueOf(form, "code").toUpperCase();
            if (!code) { showErrors(form, [{field: "code", message: t("admin_required")}]); return null; }
            var data = {name: valueOf(form, "name")};
            if (d && d.revision !== undefined) { data.revision = d.revision; }
            return put("departments", code, data);
          },
          done: function (saved) { done(t(d ? "admin_saved" : "admin_created", {name: saved.code + " " + saved.name}), saved.code); }
        });
      },
      remove: {label: "admin_delete", confirm: "admin_delete_confirm", allowed: function () { return true; },
               run: function (d) { return call("DELETE", "api/v1/admin/departments/" + encodeURIComponent(d.code)); },
               done: function (d) { return t("admin_deleted", {name: d.code + " " + d.name}); }}
    });
  }

  /* ---------- the working calendar ---------- */
  /* Business hours, each clock's duration by severity, the company's own closed and working days (an admin's
     to change; a manager reads them), and a month as the clocks count it (GET /api/v1/staff/calendar). */
  var calendarState = {month: null};
  function adminCalendar(body) {
    var readOnly = !isAdmin();
    var notice = el("p", {class: "form-message ok", role: "status", id: "admin-notice"});
    var holder = el("div", {id: "calendar-settings"}, [el("p", {text: t("loading")})]);
    var month = el("section", {class: "card", id: "calendar-month", "aria-labelledby": "calendar-month-title"});
    [readOnly ? el("p", {class: "admin-readonly-note", id: "calendar-readonly", text: t("admin_cal_readonly")}) : null, notice, holder, month]
      .forEach(function (n) { if (n) { body.appendChild(n); } });
    function load(text) {
      return call("GET", "api/v1/admin/calendar").then(function (result) {
        if (!result.ok) { App.clear(holder).appendChild(el("p", {class: "form-message", role: "alert", text: errorText(result)})); return; }
        App.clear(holder).appendChild(calendarForm(result.data, readOnly, saved, load));
        if (text) { notice.textContent = text; }
      }, failed(notice));
    }
    function saved(settings) {
      notice.textContent = t("admin_cal_saved"); announce(t("admin_cal_saved"));
      App.clear(holder).appendChild(calendarForm(settings, readOnly, saved, load));
      monthView(month);  // the month as the new days make it
      var save = holder.querySelector("#calendar-save");
      if (save) { save.focus(); }
    }
    load();
    monthView(month);
  }

  function calendarForm(settings, readOnly, saved, reload) {
    var severities = LISTS.severity, units = LISTS.clock_unit;
    var clocks = LISTS.clock.values.filter(function (c) { return settings.clocks && settings.clocks[c]; });
    var message = el("p", {class: "form-message", role: "alert"});
    function timeField(name, value) {
      return adminField({name: "business_hours." + name, label: "admin_cal_" + name, type: "time", value: value, required: true});
    }
    var rows = clocks.map(function (clock) {
      return el("tr", {"data-clock": clock}, [el("th", {scope: "row", text: t(LISTS.clock.prefix + clock)})].concat(severities.values.map(function (sev) {
        var d = settings.clocks[clock][sev] || {amount: "", unit: units.values[0]};
        var id = "clock-" + clock + "-" + sev, words = t(LISTS.clock.prefix + clock) + " · " + t(severities.prefix + sev);
        return el("td", {"data-field": "clocks." + clock + "." + sev, "data-label": t(severities.prefix + sev)}, [el("div", {class: "clock-cell"}, [
          el("label", {for: id + "-amount", class: "visually-hidden", text: words + " · " + t("admin_cal_amount")}),
          el("input", {type: "number", id: id + "-amount", name: "amount", min: "0.01", step: "any", inputmode: "decimal", value: String(d.amount), required: true, "aria-describedby": id + "-error"}),
          el("label", {for: id + "-unit", class: "visually-hidden", text: words + " · " + t("admin_cal_unit")}),
          el("select", {id: id + "-unit", name: "unit", "aria-describedby": id + "-error"}, units.values.map(function (u) {
            return el("option", {value: u, text: t(units.prefix + u), selected: u === d.unit ? true : null});
          }))]), el("p", {class: "field-error", id: id + "-error", hidden: true})]);
      })));
    });
    var table = el("table", {class: "clock-table", id: "clock-table"}, [el("caption", {text: t("admin_cal_clocks")}),
      el("thead", {}, [el("tr", {}, [el("th", {scope: "col", text: t("admin_cal_clock")})].concat(severities.values.map(function (sev) {
        return el("th", {scope: "col", text: t(severities.prefix + sev)}); })))]), el("tbody", {}, rows)]);
    var closed = dayList("company_closed", settings.company_closed || [], readOnly);
    var workdays = dayList("company_workdays", settings.company_workdays || [], readOnly);
    var history = (settings.history || []).slice(-3).reverse();
    var save = readOnly ? null : el("button", {type: "submit", class: "primary", id: "calendar-save", text: t("admin_save")});
    var form = el("form", {class: "card admin-form", id: "calendar-form", novalidate: true, "aria-labelledby": "calendar-form-title"}, [
      el("h2", {id: "calendar-form-title", text: t("admin_cal_settings")}),
      settings.degraded ? el("p", {class: "admin-degraded", id: "calendar-degraded", text: t("admin_cal_degraded", {why: settings.degraded})}) : null,
      el("fieldset", {class: "admin-fieldset", disabled: readOnly || null}, [el("legend", {class: "visually-hidden", text: t("admin_cal_settings")}),
        el("div", {class: "entry-grid admin-grid"}, [timeField("start", settings.business_hours.start), timeField("end", settings.business_hours.end)]),
        el("div", {class: "clock-scroll", "data-field": "clocks"}, [table, el("p", {class: "field-error", hidden: true})]),
        el("div", {class: "day-lists"}, [closed.node, workdays.node])]),
      history.length ? el("p", {class: "muted", id: "calendar-changed"}, [t("admin_cal_changed", {when: App.formatTime(history[0].at), by: history[0].by})]) : null,
      message, save ? el("div", {class: "buttons"}, [save]) : null]);
    if (readOnly) { return form; }
    formKeys(form, function () {  // Esc: back to what is stored
      reload().then(function () { var first = document.querySelector("#calendar-form input"); if (first) { first.focus(); } });
    });
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      App.clearFieldErrors(form);
      message.textContent = "";
      var clockData = {};
      clocks.forEach(function (clock) {
        clockData[clock] = {};
        severities.values.forEach(function (sev) {
          var cell = form.querySelector("[data-field='clocks." + clock + "." + sev + "']");
          clockData[clock][sev] = {amount: Number(cell.querySelector("[name=amount]").value), unit: cell.querySelector("[name=unit]").value};
        });
      });
      var data = {timezone: settings.timezone || "Asia/Shanghai", revision: settings.revision,
                  business_hours: {start: valueOf(form, "business_hours.start"), end: valueOf(form, "business_hours.end")},
                  clocks: clockData, company_closed: closed.days(), company_workdays: workdays.days()};
      busy = true; save.disabled = true; save.textContent = t("saving");
      call("PUT", "api/v1/admin/calendar", {body: data}).then(function (result) {
        if (result.ok) { saved(result.data); return; }
        if (result.status === 400) {
          showErrors(form, (result.data.error || {}).fields || [], message);
          if (!message.textContent) { message.textContent = t("admin_check_fields"); }
          return;
        }
        message.textContent = result.status === 409 ? t("admin_cal_conflict") : errorText(result);
      }, failed(message)).then(function () { busy = false; if (save.isConnected) { save.disabled = false; save.textContent = t("admin_save"); } });
    });
    return form;
  }

  /* A list of dates to add to (a date field and 添加; Enter there adds) and take from (删除 beside each). */
  function dayList(name, days, readOnly) {
    var kept = days.slice().sort();
    var id = "days-" + name, list = el("ul", {class: "plain day-list", id: id + "-list", "aria-labelledby": id + "-title"});
    var input = el("input", {type: "date", id: id + "-add", min: "2000-01-01", max: "2099-12-31", "aria-describedby": id + "-error"});
    var add = el("button", {type: "button", class: "small", id: id + "-add-button", text: t("admin_cal_add")});
    var node = el("fieldset", {class: "field admin-days", "data-field": name}, [el("legend", {id: id + "-title", text: t("admin_cal_" + name)}),
      el("p", {class: "hint", text: t("admin_cal_" + name + "_hint")}), list,
      readOnly ? null : el("div", {class: "day-add"}, [el("label", {for: id + "-add", text: t("admin_cal_add_" + name)}), el("div", {class: "day-add-row"}, [input, add])]),
      el("p", {class: "field-error", id: id + "-error", hidden: true})]);
    function draw() {
      App.clear(list);
      if (!kept.length) { list.appendChild(el("li", {class: "muted", text: t("admin_cal_no_days")})); }
      kept.forEach(function (day) {
        var remove = readOnly ? null : el("button", {type: "button", class: "small link-button", "aria-label": t("admin_cal_remove_day", {day: day}), text: t("admin_cal_remove")});
        if (remove) {
          remove.addEventListener("click", function () {
            var at = kept.indexOf(day);
            kept.splice(at, 1); draw();
            var next = list.querySelectorAll("button")[Math.min(at, kept.length - 1)];
            (next || input).focus();
            announce(t("admin_cal_removed", {day: day}));
          });
        }
        list.appendChild(el("li", {"data-day": day}, [el("span", {class: "mono", text: day + " " + weekday(day)}), remove ? " " : null, remove]));
      });
    }
    function addDay() {
      var day = input.value, error = node.querySelector(".field-error");
      error.hidden = true; error.textContent = "";
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) { error.textContent = t("admin_cal_pick_day"); error.hidden = false; input.focus(); return; }
      if (kept.indexOf(day) < 0) { kept.push(day); kept.sort(); }
      draw(); input.value = ""; input.focus();
      announce(t("admin_cal_added", {day: day}));
    }
    add.addEventListener("click", addDay);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); event.stopPropagation(); addDay(); } });
    draw();
    return {node: node, days: function () { return kept.slice(); }};
  }
  function weekday(day, style) {
    var p = day.split("-").map(Number);
    return new Intl.DateTimeFormat(App.lang === "en" ? "en-GB" : "zh-CN", {weekday: style || "short", timeZone: "UTC"}).format(new Date(Date.UTC(p[0], p[1] - 1, p[2])));
  }

  /* One month of the calendar the clocks run on: each day worked or not and why (周末, 法定节假日 国庆节, 调休上班 …). */
  function monthView(section) {
    var today = dateInShanghai(new Date());
    var shown = calendarState.month || today.slice(0, 7);
    var picker = el("input", {type: "month", id: "calendar-month-input", value: shown, min: "2000-01", max: "2099-12"});
    var prev = el("button", {type: "button", class: "small", id: "calendar-prev", text: t("admin_cal_prev")});
    var next = el("button", {type: "button", class: "small", id: "calendar-next", text: t("admin_cal_next")});
    var grid = el("div", {id: "calendar-days", "aria-live": "polite"});
    App.clear(section);
    [el("h2", {id: "calendar-month-title", text: t("admin_cal_month")}),
     el("div", {class: "month-tools"}, [prev, el("label", {for: "calendar-month-input", text: t("admin_cal_month_pick")}), picker, next]), grid]
      .forEach(function (n) { section.appendChild(n); });
    var asked = 0;
    function show(ym) {
      if (!/^\d{4}-\d{2}$/.test(ym)) { return; }
      calendarState.month = shown = ym; picker.value = ym;
      var mine = ++asked, first = ym + "-01", last = dashDay(dashDay(first, 32).slice(0, 8) + "01", -1);
      grid.setAttribute("aria-busy", "true");
      call("GET", "api/v1/staff/calendar?" + query({from: first, to: last})).then(function (result) {
        if (mine !== asked) { return; }
        grid.setAttribute("aria-busy", "false");
        App.clear(grid);
        if (!result.ok) { grid.appendChild(el("p", {class: "form-message", role: "alert", text: errorText(result)})); return; }
        drawMonth(grid, ym, result.data);
      }, failed(grid));
    }
    function step(n) { var p = shown.split("-").map(Number), d = new Date(Date.UTC(p[0], p[1] - 1 + n, 1)); show(d.toISOString().slice(0, 7)); }
    prev.addEventListener("click", function () { step(-1); });
    next.addEventListener("click", function () { step(1); });
    picker.addEventListener("change", function () { show(picker.value); });
    show(shown);
  }
  function drawMonth(grid, ym, answer) {
    var days = answer.days || [], reasons = LISTS.day_reason, p = ym.split("-").map(Number);
    var title = new Intl.DateTimeFormat(App.lang === "en" ? "en-GB" : "zh-CN", {year: "numeric", month: "long", timeZone: "UTC"}).format(new Date(Date.UTC(p[0], p[1] - 1, 1)));
    if (answer.degraded) { grid.appendChild(el("p", {class: "admin-degraded", id: "calendar-month-degraded", text: t("admin_cal_degraded", {why: answer.degraded})})); }
    grid.appendChild(el("h3", {id: "calendar-month-name", text: title}));
    var head = el("div", {class: "month-head", "aria-hidden": "true"});
    for (var i = 0; i < 7; i++) { head.appendChild(el("span", {text: weekday(dashDay("2024-01-01", i))})); }  // 2024-01-01 was a Monday
    grid.appendChild(head);
    var offset = days.length ? (new Date(days[0].date + "T00:00:00Z").getUTCDay() + 6) % 7 : 0;
    grid.appendChild(el("ol", {class: "month-days start-" + offset, "aria-labelledby": "calendar-month-name"}, days.map(function (d) {
      var reason = listWord(reasons, d.reason);
      return el("li", {class: "day " + (d.working ? "working" : "off") + " reason-" + d.reason, "data-date": d.date, "data-reason": d.reason}, [
        el("span", {class: "day-number"}, [el("span", {class: "visually-hidden", text: d.date + " "}), String(Number(d.date.slice(8)))]),
        el("span", {class: "day-weekday", text: weekday(d.date)}),
        el("span", {class: "day-reason", text: reason}),
        d.name ? el("span", {class: "day-name", text: d.name}) : null]);
    })));
  }

  /* ---------- import from a spreadsheet ---------- */
  /* Pick an .xlsx or .csv (staff, territories or accounts: the server tells them by the header row), 预览 runs it
     dry and shows what would be created or changed and every bad row; 导入 applies it, offered only without errors. */
  var SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  function adminImport(body) {
    var templates = el("section", {class: "card", id: "import-templates", "aria-labelledby": "import-templates-title"}, [
      el("h2", {id: "import-templates-title", text: t("admin_import_templates")}), el("p", {class: "hint", text: t("admin_import_templates_hint")}),
      el("ul", {class: "plain import-template-list"}, IMPORT_KINDS.map(function (kind) {
        var link = el("a", {href: "api/v1/admin/import/template?kind=" + kind + "&format=xlsx", id: "template-" + kind, class: "button", "data-kind": kind, download: "",
                            text: t("admin_import_template_" + kind)});
        link.addEventListener("click", function (event) { event.preventDefault(); template(kind); });
        return el("li", {}, [link]);
      })), el("p", {class: "form-message", role: "status", id: "import-template-message"})]);
    var fileId = "import-file";
    var file = el("input", {type: "file", id: fileId, name: "file", accept: ".xlsx,.csv," + SPREADSHEET + ",text/csv", "aria-describedby": fileId + "-hint"});
    var preview = el("button", {type: "submit", class: "primary", id: "import-preview", text: t("admin_import_preview")});
    var apply = el("button", {type: "button", id: "import-apply", disabled: true, "aria-describedby": "import-apply-hint", text: t("admin_import_apply")});
    var message = el("p", {class: "form-message", role: "alert", id: "import-message"});
    var result = el("div", {id: "import-result", "aria-live": "polite"});
    var form = el("form", {class: "card admin-form", id: "import-form", novalidate: true, "aria-labelledby": "import-form-title"}, [
      el("h2", {id: "import-form-title", text: t("admin_import_file")}),
      el("div", {class: "field"}, [el("label", {for: fileId, text: t("admin_import_pick")}), el("p", {class: "hint", id: fileId + "-hint", text: t("admin_import_pick_hint")}), file]),
      message, el("div", {class: "buttons"}, [preview, apply]),
      el("p", {class: "hint", id: "import-apply-hint", text: t("admin_import_apply_hint")}), result]);
    [templates, form].forEach(function (n) { body.appendChild(n); });
    var checked = null;  // the file the last dry run read without errors: the one 导入 applies
    file.addEventListener("change", function () { checked = null; apply.disabled = true; App.clear(result); message.textContent = ""; });
    form.addEventListener("keydown", function (event) { if (event.key === "Escape") { event.preventDefault(); form.reset(); file.dispatchEvent(new Event("change")); file.focus(); } });
    form.addEventListener("submit", function (event) { event.preventDefault(); send(true); });
    apply.addEventListener("click", function () { send(false); });
    var busy = false;
    function send(dryRun) {
      var picked = file.files && file.files[0];
      message.textContent = "";
      if (busy) { return; }
      if (!picked) { message.textContent = t("admin_import_no_file"); file.focus(); return; }
      if (!dryRun && picked !== checked) { return; }
      busy = true; preview.disabled = true; apply.disabled = true;
      var type = /\.csv$/i.test(picked.name) ? "text/csv" : /\.xlsx$/i.test(picked.name) ? SPREADSHEET : picked.type || "application/octet-stream";
      fetch("api/v1/admin/import?dry_run=" + (dryRun ? "true" : "false"), {method: "POST", body: picked, headers: {
        Authorization: "Bearer " + session.token, "Content-Type": type, Accept: "application/json", "Accept-Language": App.lang === "en" ? "en" : "zh-CN"}})
        .then(function (response) {
          return response.json().then(function (data) { return {ok: response.ok, status: response.status, data: data}; },
                                      function () { return {ok: response.ok, status: response.status, data: null}; });
        })
        .then(function (answer) {
          if (answer.status === 401) { save(null); route(t("session_expired")); return; }
          if (!answer.ok) { message.textContent = answer.data ? errorText(answer) : String(answer.status); return; }
          var errors = answer.data.errors || [];
          checked = dryRun && !errors.length ? picked : null;
          drawImport(result, answer.data, dryRun);
          var text = dryRun ? t(errors.length ? "admin_import_has_errors" : "admin_import_ready", {n: errors.length}) : t("admin_import_done");
          announce(text);
        }, function () { message.textContent = t("err_network"); })
        .then(function () { busy = false; preview.disabled = false; apply.disabled = !checked; });
    }
    function template(kind) {
      var note = templates.querySelector("#import-template-message");
      note.textContent = "";
      fetch("api/v1/admin/import/template?kind=" + kind + "&format=xlsx", {headers: {Authorization: "Bearer " + session.token, Accept: SPREADSHEET + ", application/json"}})
        .then(function (response) {
          if (!response.ok) { note.textContent = t("admin_import_template_failed", {code: response.status}); return; }
          return response.blob().then(function (blob) {
            var disposition = response.headers.get("Content-Disposition") || "";
            var named = /filename\*=UTF-8''([^;]+)/i.exec(disposition), m = /filename="?([^";]+)"?/.exec(disposition);
            var url = URL.createObjectURL(blob);
            download(url, named ? decodeURIComponent(named[1]) : m ? m[1] : kind + "-template.xlsx", note);
            setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          });
        }, function () { note.textContent = t("err_network"); });
    }
  }
  function drawImport(node, data, dryRun) {
    var errors = data.errors || [];
    App.clear(node);
    node.appendChild(el("h3", {id: "import-result-title", text: t(dryRun ? "admin_import_preview_title" : "admin_import_done")}));
    node.appendChild(el("dl", {class: "pairs import-counts"}, [
      el("dt", {text: t(dryRun ? "admin_import_would_create" : "admin_import_created")}), el("dd", {id: "import-create", text: String(data.create || 0)}),
      el("dt", {text: t(dryRun ? "admin_import_would_change" : "admin_import_changed")}), el("dd", {id: "import-change", text: String(data.change || 0)}),
      el("dt", {text: t("admin_import_unchanged")}), el("dd", {id: "import-unchanged", text: String(data.unchanged || 0)})]));
    var rows = (data.rows || []).filter(function (r) { return r.action !== "unchanged"; });
    if (rows.length) {  // what each row creates or changes
      node.appendChild(el("table", {class: "queue-table import-rows", id: "import-rows"}, [el("caption", {text: t(dryRun ? "admin_import_rows_would" : "admin_import_rows")}),
        el("thead", {}, [el("tr", {}, ["admin_import_row", "admin_import_kind", "admin_import_key", "admin_import_action", "admin_import_fields"].map(function (k) { return el("th", {scope: "col", text: t(k)}); }))]),
        el("tbody", {}, rows.map(function (r) {
          return el("tr", {"data-row": r.row}, [el("td", {"data-label": t("admin_import_row"), text: String(r.row)}),
            el("td", {"data-label": t("admin_import_kind"), text: STRINGS_HAS("admin_" + r.kind) ? t("admin_" + r.kind) : r.kind}),
            el("td", {"data-label": t("admin_import_key"), class: "mono", text: r.key}),
            el("td", {"data-label": t("admin_import_action"), text: STRINGS_HAS("admin_import_action_" + r.action) ? t("admin_import_action_" + r.action) : r.action}),
            el("td", {"data-label": t("admin_import_fields"), text: (r.changed || []).join(", ") || "—"})]);
        }))]));
    }
    if (!errors.length) { node.appendChild(el("p", {class: "form-message ok", id: "import-ok", text: t(dryRun ? "admin_import_ready" : "admin_import_done")})); return; }
    node.appendChild(el("p", {class: "form-message", id: "import-errors-note", text: t("admin_import_has_errors", {n: errors.length})}));
    node.appendChild(el("table", {class: "queue-table import-errors", id: "import-errors"}, [el("caption", {text: t("admin_import_errors")}),
      el("thead", {}, [el("tr", {}, ["admin_import_row", "admin_import_column", "admin_import_message"].map(function (k) { return el("th", {scope: "col", text: t(k)}); }))]),
      el("tbody", {}, errors.map(function (e) {
        return el("tr", {}, [el("td", {"data-label": t("admin_import_row"), text: String(e.row)}), el("td", {"data-label": t("admin_import_column"), text: [e.column, e.cell ? "(" + e.cell + ")" : null].filter(Boolean).join(" ") || "—"}),
                             el("td", {"data-label": t("admin_import_message"), text: e.message})]);
      }))]));
  }

  /* ---------- dashboard ---------- */
  var DASH_PRESETS = ["week", "last_week", "month", "last_month", "year"];  // Shanghai weeks run Monday to Sunday
  var DASH_GROUPS = ["territory", "assignee", "channel", "responsible_department"];  // dimensions of the stats API
  var dashState = {preset: "month", from: null, to: null, by: DASH_GROUPS[0], asked: 0};

  function renderDashboard() {
    var today = dateInShanghai(new Date());
    var period = dashState.preset ? dashPeriod(dashState.preset, today) : [dashState.from || today, dashState.to || today];
    var presets = el("div", {class: "presets", role: "group", "aria-label": t("dash_presets")}, DASH_PRESETS.map(function (name) {
      return el("button", {type: "button", class: "small preset", "data-preset": name, "aria-pressed": String(name === dashState.preset), text: t("dash_preset_" + name)});
    }));
    var periodForm = el("form", {class: "card period", novalidate: true, "aria-label": t("dash_period")}, [presets,
      el("div", {class: "filter-grid"}, [field({name: "from", label: t("dash_from"), type: "date", value: period[0]}),
                                         field({name: "to", label: t("dash_to"), type: "date", value: period[1]})]),
      el("button", {type: "submit", class: "primary", text: t("apply")})]);
    var body = el("div", {id: "dashboard", class: "dashboard", "aria-live": "polite"});
    page(t("dash_title"), [periodForm, body]);
    var show = function (preset, from, to) {
      dashState.preset = preset; dashState.from = from; dashState.to = to;
      periodForm.querySelector("[name=from]").value = from; periodForm.querySelector("[name=to]").value = to;
      Array.prototype.forEach.call(presets.querySelectorAll("button"), function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-preset") === preset)); });
      loadDashboard(body, from, to);
    };
    presets.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-preset]");
      if (!button) { return; }
      var name = button.getAttribute("data-preset"), chosen = dashPeriod(name, dateInShanghai(new Date()));
      show(name, chosen[0], chosen[1]);
    });
    periodForm.addEventListener("submit", function (e) { e.preventDefault(); var v = formValues(periodForm); show(null, v.from, v.to); });
    show(dashState.preset, period[0], period[1]);
  }
  function dateInShanghai(date) {
    var parts = new Intl.DateTimeFormat("en-CA", {timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit"}).format(date);
    return parts;
  }
  function dashDay(iso, add) {  // yyyy-mm-dd plus `add` days, in calendar arithmetic (no time zone involved)
    var p = iso.split("-").map(Number);
    return new Date(Date.UTC(p[0], p[1] - 1, p[2] + (add || 0))).toISOString().slice(0, 10);
  }
  /* A preset's first and last day; a period still running ends today (nothing is received later). */
  function dashPeriod(preset, today) {
    var p = today.split("-").map(Number), weekday = (new Date(Date.UTC(p[0], p[1] - 1, p[2])).getUTCDay() + 6) % 7;
    var monday = dashDay(today, -weekday), first = today.slice(0, 8) + "01", lastMonthEnd = dashDay(first, -1);
    if (preset === "week") { return [monday, today]; }
    if (preset === "last_week") { return [dashDay(monday, -7), dashDay(monday, -1)]; }
    if (preset === "last_month") { return [lastMonthEnd.slice(0, 8) + "01", lastMonthEnd]; }
    if (preset === "year") { return [today.slice(0, 5) + "01-01", today]; }
    return [first, today];
  }
  /* A deadline figure as people quote it: the share with the counts it is made of, "92%（23/25）". */
  function slaText(met, decided, pct) {
    if (decided === undefined || decided === null) { return pct === null || pct === undefined ? null : Math.round(pct) + "%"; }
    if (!decided) { return null; }
    var shown = Math.round(met / decided * 100);
    shown = shown === 100 && met < decided ? 99 : shown === 0 && met > 0 ? 1 : shown;  // never all or none when it is not
    return t("dash_pct_counts", {pct: shown, met: met, decided: decided});
  }

  function loadDashboard(body, from, to) {
    var asked = ++dashState.asked;
    App.clear(body).appendChild(el("p", {text: t("loading")}));
    var range = "from=" + encodeURIComponent(from || "") + "&to=" + encodeURIComponent(to || "");
    var get = function (path) { return call("GET", path).then(null, function () { return {ok: false, status: 0}; }); };
    var statsBy = function (by) { return get("api/v1/staff/stats?" + range + "&by=" + by); };
    Promise.all([statsBy("sku"), statsBy("category"), statsBy(dashState.by), get("api/v1/staff/alerts")]).then(function (results) {
      if (asked !== dashState.asked) { return; }  // a later period was asked for meanwhile
      var bySku = results[0], byCategory = results[1], byGroup = results[2], alerts = results[3];
      App.clear(body);
      var Charts = window.Charts;
      var wide = window.matchMedia("(min-width: 760px)").matches;  // two charts a row there
      var width = Math.max(280, Math.min(640, Math.round((wide ? (view.clientWidth - 48) / 2 : view.clientWidth) - 50)));
      var fullWidth = Math.max(280, Math.min(1240, view.clientWidth - 50));
      var unavailable = function (r) { return el("p", {class: "muted", text: t("dash_unavailable", {code: r.status})}); };
      var answered = byCategory.ok ? byCategory : bySku.ok ? bySku : null;
      var total = answered ? answered.data.total || {} : null, days = answered ? answered.data.trend || [] : [];
      body.appendChild(el("p", {id: "dash-range", class: "dash-range", text: t("dash_range", {from: from, to: to})}));
      if (total) {
        var closed = days.reduce(function (sum, d) { return sum + (d.closed || 0); }, 0);
        body.appendChild(el("div", {class: "kpis"}, [["dash_total", total.count], ["dash_closed", closed], ["dash_open", total.open], ["dash_overdue", total.overdue]].map(function (k) {
          return el("div", {class: "kpi card" + (k[0] === "dash_overdue" && total.overdue ? " bad" : ""), id: "kpi-" + k[0].slice(5)}, [el("span", {class: "kpi-value", text: String(k[1] === undefined ? "—" : k[1])}), el("span", {text: t(k[0])})]);
        })));
      }
      var grid = el("div", {class: "chart-grid"});
      body.appendChild(grid);
      var trendSection = section("dash_trend", [answered ? Charts.trend(days, {width: fullWidth, title: t("dash_trend"), newLabel: t("dash_new"), closedLabel: t("dash_closed_day"), dayLabel: t("dash_day"),
        dayTitle: function (d) { return t("dash_day_title", {day: d.day, "new": d.new || 0, closed: d.closed || 0}); }, empty: t("dash_no_data"), tableLabel: t("dash_data_table")}) : unavailable(byCategory)], "chart-trend");
      trendSection.classList.add("chart-wide");
      grid.appendChild(trendSection);
      grid.appendChild(groupSection(byGroup, width, statsBy));
      grid.appendChild(section("dash_by_sku", [bySku.ok ? Charts.pareto(groups(bySku), {width: width, title: t("dash_by_sku"), countLabel: t("dash_count"), cumulativeLabel: t("dash_cumulative"), empty: t("dash_no_data"), tableLabel: t("dash_data_table")}) : unavailable(bySku)], "chart-sku"));
      grid.appendChild(section("dash_by_category", [byCategory.ok ? Charts.bars(groups(byCategory).map(function (g) { return {label: STRINGS_HAS("cat_" + g.key) ? t("cat_" + g.key) : g.label || g.key, value: g.count}; }), {width: width, title: t("dash_by_category"), empty: t("dash_no_data"), tableLabel: t("dash_data_table")}) : unavailable(byCategory)], "chart-category"));
      grid.appendChild(section("dash_deadlines", [total ? Charts.gauges([
        {label: t("dash_first_contact_met"), value: total.first_contact_met_pct, shown: slaText(total.first_contact_met, total.first_contact_decided, total.first_contact_met_pct)},
        {label: t("dash_resolution_met"), value: total.resolution_met_pct, shown: slaText(total.resolution_met, total.resolution_decided, total.resolution_met_pct)}], {width: width, title: t("dash_deadlines")}) : unavailable(byCategory)], "chart-deadlines"));
      grid.appendChild(section("dash_satisfaction", total ? [el("p", {class: "kpi-value", text: t("dash_sat_avg", {value: total.satisfaction_average === null || total.satisfaction_average === undefined ? "—" : Number(total.satisfaction_average).toFixed(1)})}),
        Charts.bars(groups(byCategory).filter(function (g) { return g.satisfaction_average !== null && g.satisfaction_average !== undefined; }).map(function (g) { return {label: STRINGS_HAS("cat_" + g.key) ? t("cat_" + g.key) : g.label || g.key, value: Number(g.satisfaction_average)}; }), {width: width, title: t("dash_satisfaction"), max: 5, decimals: 1, empty: t("dash_no_data"), tableLabel: t("dash_data_table")})] : [unavailable(byCategory)], "chart-satisfaction"));
      var alertItems = alerts.ok ? (alerts.data.items || []) : null;
      grid.appendChild(section("dash_alerts", [alertItems === null ? unavailable(alerts) : !alertItems.length ? el("p", {text: t("dash_no_alerts")}) :
        el("ul", {class: "alerts"}, alertItems.map(function (a) {
          var shared = a.shared || (a.batch ? ["batch"] : ["production_date"]);
          var lot = shared.map(function (what) {
            return what === "batch" ? t("dash_alert_batch", {batch: a.batch || "—"}) : t("dash_alert_date", {date: a.production_date || "—"});
          }).join(" / ");
          return el("li", {class: "alert-item"}, [el("strong", {text: t("dash_alert_line", {sku: a.sku || "—", lot: lot, count: a.count})}),
            el("p", {class: "when", text: App.formatTime(a.first_received_at) + " – " + App.formatTime(a.last_received_at)}),
            el("p", {}, (a.complaint_ids || []).map(function (id) { return el("a", {href: "#/c/" + id, class: "mono chip", text: id}); }))]);
        }))], "chart-alerts"));
    });
  }
  /* The figures per territory, salesperson, channel or responsible department: the select asks again. */
  function groupSection(result, width, statsBy) {
    var chooser = field({name: "by", label: t("dash_group_by"), type: "select", value: dashState.by,
                         options: DASH_GROUPS.map(function (d) { return [d, t("dash_group_" + d)]; })});
    var holder = el("div", {class: "group-chart", "aria-busy": "false"}, [drawGroups(result, width)]);
    var asked = 0;
    chooser.querySelector("select").addEventListener("change", function (e) {
      var by = dashState.by = e.target.value, mine = ++asked;
      holder.setAttribute("aria-busy", "true");
      statsBy(by).then(function (answer) {
        if (mine !== asked) { return; }
        App.clear(holder).appendChild(drawGroups(answer, width));
        holder.setAttribute("aria-busy", "false");
      });
    });
    return section("dash_by_group", [chooser, holder], "chart-group");
  }
  function drawGroups(result, width) {
    if (!result.ok) { return el("p", {class: "muted", text: t("dash_unavailable", {code: result.status})}); }
    var by = result.data.by, named = t("dash_group_" + by);
    return window.Charts.bars(groups(result).map(function (g) {
      var label = g.key === "-" ? t("dash_group_unknown") : g.label || g.key;
      return {label: label, value: g.count, cells: [label, g.count, g.open, g.overdue,
        slaText(g.first_contact_met, g.first_contact_decided, g.first_contact_met_pct) || "—",
        slaText(g.resolution_met, g.resolution_decided, g.resolution_met_pct) || "—"]};
    }), {width: width, title: t("dash_by_group_of", {group: named}), empty: t("dash_no_data"), tableLabel: t("dash_data_table"),
         head: [named, t("dash_count"), t("dash_open"), t("dash_overdue"), t("dash_first_contact_met"), t("dash_resolution_met")]});
  }
  function groups(result) { return result && result.ok && result.data && result.data.groups ? result.data.groups : []; }

  route();
}());
