/* The status page: number and access code in, the progress in plain words out. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var STEPS = App.vocabulary.lists.public_step.values;
  var form = document.getElementById("status-form");
  var idInput = document.getElementById("complaint-id");
  var codeInput = document.getElementById("access-code");
  var message = document.getElementById("status-message");
  var result = document.getElementById("status-result");
  var button = document.getElementById("status-submit");
  var busy = false;

  var params = new URLSearchParams(window.location.search);
  if (params.get("id")) { idInput.value = params.get("id"); codeInput.focus(); }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    App.clearFieldErrors(form);
    message.textContent = "";
    var id = idInput.value.trim().toUpperCase(), code = codeInput.value.trim();
    var missing = [];
    if (!id) { missing.push({field: "complaint_id", message: t("status_missing_id")}); }
    if (!code) { missing.push({field: "access_code", message: t("status_missing_code")}); }
    if (missing.length) {
      missing.forEach(function (m) {
        var input = m.field === "complaint_id" ? idInput : codeInput;
        var note = document.getElementById(input.id + "-error");
        note.textContent = m.message; note.hidden = false; input.setAttribute("aria-invalid", "true");
      });
      (id ? codeInput : idInput).focus();
      return;
    }
    busy = true; button.disabled = true; message.textContent = t("status_looking");
    App.api("GET", "api/v1/complaints/" + encodeURIComponent(id) + "/status", {headers: {"X-Access-Code": code}})
      .then(function (answer) {
        if (answer.ok) { message.textContent = ""; return show(answer.data); }
        result.hidden = true;
        message.textContent = answer.status === 404 ? t("status_not_found")
          : ((answer.data && answer.data.error && answer.data.error.message) || t("err_generic"));
      }, function () { message.textContent = t("err_network"); })
      .then(function () { busy = false; button.disabled = false; });
  });

  function step(state, label, when) {
    return el("li", {class: "step-" + state, "aria-current": state === "current" ? "step" : null}, [
      el("span", {class: "dot", "aria-hidden": "true"}),
      el("div", {}, [el("strong", {text: label}), el("p", {class: "when", text: when})])]);
  }

  function show(status) {
    document.getElementById("status-result-title").textContent = t("status_result_title", {id: status.complaint_id});
    document.getElementById("status-now").textContent = t("status_now", {step: t("step_" + status.status)});
    var list = App.clear(document.getElementById("timeline"));
    var entries = status.timeline || [];
    var seen = {};
    entries.forEach(function (entry, index) {
      seen[entry.status] = true;
      var label = t("step_" + entry.status), last = index === entries.length - 1;
      var note = entry.note && entry.note !== label ? " · " + entry.note : "";
      list.appendChild(step(last ? "current" : "done", label, App.formatTime(entry.at) + note));
    });
    STEPS.slice(STEPS.indexOf(status.status) + 1).forEach(function (name) {
      if (name === "quality_testing" || seen[name]) { return; }  // not every complaint goes to the lab
      list.appendChild(step("todo", t("step_" + name), t("step_pending")));
    });
    var handling = App.clear(document.getElementById("status-handling"));
    handling.hidden = !status.handling;
    if (status.handling) {
      handling.appendChild(el("p", {class: "handling", text: t("status_handling", {label: status.handling.label})}));
      if (status.handling.amount) { handling.appendChild(el("p", {text: t("status_amount", {amount: status.handling.amount})})); }
      if (status.handling.message) { handling.appendChild(el("p", {text: status.handling.message})); }
    }
    result.hidden = false;
    result.focus();
  }
}());
