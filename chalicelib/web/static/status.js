/* The status page: number and access code in (or the token of the SMS's status link, /s/<token>), the
   progress in plain words out; and a new access code for a complainant who lost theirs. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var STEPS = App.vocabulary.lists.public_step.values;  // in the order a complaint goes through them
  var RESULT = STEPS.indexOf("result_ready");  // from here on the case is decided
  var LAB = STEPS.indexOf("quality_testing");  // not every complaint goes to the lab
  var form = document.getElementById("status-form");
  var idInput = document.getElementById("complaint-id");
  var codeInput = document.getElementById("access-code");
  var message = document.getElementById("status-message");
  var result = document.getElementById("status-result");
  var button = document.getElementById("status-submit");
  var busy = false;

  var params = new URLSearchParams(window.location.search);
  if (params.get("id")) { idInput.value = params.get("id"); codeInput.focus(); }

  /* The status link: /s/<token>. The page asks for "the complaint the token names" (`-`) with the token. */
  var linked = /\/s\/([A-Za-z0-9_-]+)\/?$/.exec(window.location.pathname);
  if (linked) { openLink(linked[1]); }

  function openLink(token) {
    var note = document.getElementById("link-message");
    form.hidden = true;
    note.hidden = false;
    note.classList.add("loading");
    note.textContent = t("status_link_opening");
    lookUp("-", {"X-Status-Token": token}).then(function (answer) {
      note.classList.remove("loading");
      if (answer && answer.ok) {
        note.hidden = true;
        document.getElementById("status-intro").hidden = true;
        document.getElementById("forgot").hidden = true;
        document.getElementById("status-other").hidden = false;
        return;
      }
      form.hidden = false;
      note.textContent = answer && answer.status === 429 ? t("status_wait", {minutes: App.waitMinutes(answer)})
        : answer && answer.status === 404 ? t("status_link_invalid") : answer ? errorOf(answer) : t("err_network");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    App.clearFieldErrors(form);
    message.textContent = "";
    var id = idInput.value.trim().toUpperCase(), code = codeInput.value.trim();
    var missing = [];
    if (!id) { missing.push([idInput, t("status_missing_id")]); }
    if (!code) { missing.push([codeInput, t("status_missing_code")]); }
    if (missing.length) {
      missing.forEach(function (m) { fieldError(m[0], m[1]); });
      missing[0][0].focus();
      return;
    }
    busy = true; button.disabled = true; message.textContent = t("status_looking");
    lookUp(id, {"X-Access-Code": code}).then(function (answer) {
      if (answer && !answer.ok) {
        message.textContent = answer.status === 404 ? t("status_not_found")
          : answer.status === 429 ? t("status_wait", {minutes: App.waitMinutes(answer)}) : errorOf(answer);
      } else { message.textContent = answer ? "" : t("err_network"); }
      busy = false; button.disabled = false;
    });
  });

  /* Resolves to the answer (shown when it is the status) or null when the network failed. */
  function lookUp(id, headers) {
    return App.api("GET", "api/v1/complaints/" + encodeURIComponent(id) + "/status", {headers: headers})
      .then(function (answer) {
        if (answer.ok) { show(answer.data); } else { result.hidden = true; }
        return answer;
      }, function () { return null; });
  }

  function errorOf(answer) { return (answer.data && answer.data.error && answer.data.error.message) || t("err_generic"); }

  function fieldError(input, text) {
    var note = document.getElementById(input.id + "-error");
    note.textContent = text; note.hidden = false; input.setAttribute("aria-invalid", "true");
  }

  function step(state, label, when) {
    return el("li", {class: "step-" + state, "aria-current": state === "current" ? "step" : null}, [
      el("span", {class: "dot", "aria-hidden": "true"}),
      el("div", {}, [el("strong", {text: label}), el("p", {class: "when", text: when})])]);
  }

  /* The customer's steps only move forward: a complaint back from the lab is "investigating" again, yet the
     page keeps the lab test as the step reached. Each step is shown once, in order, with the time it was first
     reached; the furthest step reached is the current one. Only a reopened case (back from a result) starts
     again from where it now is. */
  function progress(status) {
    var first = {}, latest = {}, furthest = -1;
    (status.timeline || []).forEach(function (entry) {
      var at = STEPS.indexOf(entry.status);
      if (at < 0) { return; }
      if (!first[entry.status]) { first[entry.status] = entry; }
      latest[entry.status] = entry;
      furthest = furthest >= RESULT && at < RESULT ? at : Math.max(furthest, at);
    });
    var now = STEPS.indexOf(status.status);
    if (now > furthest) { furthest = now; }
    return {first: first, latest: latest, furthest: Math.max(furthest, 0)};
  }

  function show(status) {
    var p = progress(status), current = STEPS[p.furthest];
    document.getElementById("status-result-title").textContent = t("status_result_title", {id: status.complaint_id});
    var merged = document.getElementById("status-merged");
    merged.hidden = !status.merged_into;
    merged.textContent = status.merged_into ? t("status_merged", {id: status.merged_into}) : "";
    document.getElementById("status-now").textContent = t("status_now", {step: t("step_" + current)});
    var list = App.clear(document.getElementById("timeline"));
    STEPS.forEach(function (name, index) {
      var label = t("step_" + name);
      if (index > p.furthest) {
        if (index !== LAB) { list.appendChild(step("todo", label, t("step_pending"))); }
        return;
      }
      var entry = index === p.furthest ? p.latest[name] : p.first[name];
      if (!entry && index !== p.furthest) { return; }  // a step this complaint did not take (no lab test)
      var note = entry && entry.note && entry.note !== label ? " · " + entry.note : "";
      list.appendChild(step(index === p.furthest ? "current" : "done", label, entry ? App.formatTime(entry.at) + note : ""));
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

  /* ---------- a new access code: the same answer whatever the API says, so it tells nobody whether the
     number and the digits match ---------- */
  var forgot = document.getElementById("forgot"), forgotForm = document.getElementById("forgot-form");
  var forgotId = document.getElementById("forgot-id"), last4 = document.getElementById("forgot-last4");
  var forgotMessage = document.getElementById("forgot-message"), forgotButton = document.getElementById("forgot-submit");
  var sending = false, ownId = false;
  /* The number the page was opened with (?id=) or typed in the lookup form is already in the forgot-code
     form, before it is opened (the toggle event comes a moment after the click); a number typed there stays. */
  function carryOver() {
    if (!ownId) { forgotId.value = idInput.value.trim().toUpperCase(); }
  }
  carryOver();
  idInput.addEventListener("input", carryOver);
  forgotId.addEventListener("input", function () { ownId = forgotId.value.trim() !== ""; });
  forgot.addEventListener("toggle", function () {
    if (!forgot.open) { return; }
    carryOver();
    (forgotId.value ? last4 : forgotId).focus();
  });
  forgotForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    App.clearFieldErrors(forgotForm);
    forgotMessage.textContent = "";
    var id = forgotId.value.trim().toUpperCase(), digits = last4.value.trim();
    var missing = [];
    if (!id) { missing.push([forgotId, t("status_missing_id")]); }
    if (!/^[0-9]{4}$/.test(digits)) { missing.push([last4, t("forgot_missing_last4")]); }
    if (missing.length) {
      missing.forEach(function (m) { fieldError(m[0], m[1]); });
      missing[0][0].focus();
      return;
    }
    sending = true; forgotButton.disabled = true;
    forgotMessage.classList.add("loading");
    forgotMessage.textContent = t("forgot_sending");
    App.api("POST", "api/v1/complaints/" + encodeURIComponent(id) + "/access-code", {body: {phone_last4: digits}})
      .then(function () { return t("forgot_sent"); }, function () { return t("err_network"); })
      .then(function (text) {
        forgotMessage.classList.remove("loading");
        forgotMessage.textContent = text;
        sending = false; forgotButton.disabled = false;
      });
  });
}());
