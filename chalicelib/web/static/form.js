/* The public complaint form: photos checked and made smaller in the browser, then sent straight to S3
   (static/uploads.js, shared with the console); each field checked as it is left, with the API's limits;
   one submission per filled form. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var DESCRIPTION_MIN = 2, DESCRIPTION_MAX = 2000, COUNT_FROM = 1800;  // chalicelib/api/fields.py (min: issue 18.4)
  var EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;  // fields.py's _EMAIL
  var form = document.getElementById("complaint-form");
  var submitButton = document.getElementById("submit");
  var message = document.getElementById("form-message");
  var summary = document.getElementById("error-summary");
  var summaryList = document.getElementById("error-list");
  var photoInput = document.getElementById("photos");
  var description = document.getElementById("description");
  var count = document.getElementById("description-count");
  var limitNote = document.getElementById("description-limit");
  var idempotencyKey = null; // one per filled form: made at the first submit, dropped when anything changes
  var submitting = false;
  var photos = App.photoUploads(photoInput, document.getElementById("photo-list"), function () { idempotencyKey = null; });

  var DRAFT_KEY = "complaints.form.draft";  // this tab only: a reload or a lost connection loses nothing typed
  restoreDraft();
  showCount();
  form.addEventListener("input", function (event) { if (event.target !== photoInput) { idempotencyKey = null; saveDraft(); } });
  form.addEventListener("change", function (event) { if (event.target !== photoInput) { idempotencyKey = null; saveDraft(); } });
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });

  function fields() { return Array.prototype.slice.call(form.querySelectorAll("input[name],select[name],textarea[name]")); }
  function saveDraft() {
    var draft = {};
    fields().forEach(function (input) {
      if (input.type === "radio") { if (input.checked) { draft[input.name] = input.value; } }
      else if (input.type === "checkbox") { draft[input.name] = input.checked; }
      else { draft[input.name] = input.value; }
    });
    try { sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft)); } catch (e) { /* storage off: nothing to keep */ }
  }
  function restoreDraft() {
    var draft;
    try { draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null"); } catch (e) { draft = null; }
    if (!draft) { return; }
    fields().forEach(function (input) {
      if (!Object.prototype.hasOwnProperty.call(draft, input.name)) { return; }
      if (input.type === "radio") { input.checked = draft[input.name] === input.value; }
      else if (input.type === "checkbox") { input.checked = !!draft[input.name]; }
      else { input.value = draft[input.name]; }
    });
  }

  /* ---- the description: counted as the API counts ---- */
  /* Characters are code points of the text without the spaces around it (an emoji is one, not two UTF-16
     units, so no maxlength attribute). Past the limit what was just typed or pasted loses its end, which is
     where the caret is; the text that was there before stays. Not while an input method composes a word. */
  function characters(text) { return Array.from(text); }
  function descriptionLength() { return characters(description.value.trim()).length; }

  function keepDescriptionWithinLimit() {
    var over = descriptionLength() - DESCRIPTION_MAX;
    if (over <= 0) { limitNote.textContent = ""; return showCount(); }
    var caret = description.selectionEnd;
    var before = characters(description.value.slice(0, caret));
    var kept = before.slice(0, Math.max(0, before.length - over)).join("");
    description.value = kept + description.value.slice(caret);
    description.setSelectionRange(kept.length, kept.length);
    var still = descriptionLength() - DESCRIPTION_MAX;  // the caret was not after the new text: cut the end
    if (still > 0) {
      var lead = description.value.length - description.value.replace(/^\s+/, "").length;
      description.value = characters(description.value).slice(0, lead + DESCRIPTION_MAX).join("");
    }
    limitNote.textContent = t("description_limit_reached", {n: over});
    showCount();
    saveDraft();
  }

  function showCount() {
    var length = descriptionLength();
    count.hidden = length < COUNT_FROM;
    count.textContent = t("description_chars_left", {n: Math.max(DESCRIPTION_MAX - length, 0)});
    count.classList.toggle("at-limit", length >= DESCRIPTION_MAX);
  }

  description.addEventListener("input", function (event) {
    if (event.isComposing) { return showCount(); }
    keepDescriptionWithinLimit();
  });
  description.addEventListener("compositionend", keepDescriptionWithinLimit);

  /* ---- each field checked when it is left, again as it is corrected, all of them at submit ---- */
  var CHECKED = ["category", "description", "product.sku", "product", "product.production_date", "product.quantity",
                 "customer.name", "customer.phone", "customer.email", "consent"];
  var sku = document.getElementById("sku"), productName = document.getElementById("product-name");

  function value(field) { var control = form.elements[field]; return control ? control.value.trim() : ""; }
  function today() {
    var now = new Date();
    return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map(function (n) { return n < 10 ? "0" + n : String(n); }).join("-");
  }

  /* What is wrong with a field, in the API's limits (fields.py), or "". The phone is only roughly checked
     (7 to 15 digits): the API decides what a valid number is. */
  function problemOf(field) {
    var control = form.elements[field], text = value(field), n;
    switch (field) {
      case "category": return text ? "" : t("v_category");
      case "description":
        n = characters(text).length;
        if (!n) { return t("v_description_empty"); }
        if (n < DESCRIPTION_MIN) { return t("v_description_short"); }
        return n > DESCRIPTION_MAX ? t("v_description_long", {n: n}) : "";
      case "product": return value("product.sku") || value("product.name") ? "" : t("v_product");
      case "product.sku": return !text || /^[A-Za-z0-9-]{1,20}$/.test(text) ? "" : t("v_sku");
      case "product.production_date":
        if (control.validity && control.validity.badInput) { return t("v_date"); }
        return text && text > today() ? t("v_date_future") : "";
      case "product.quantity":
        if (control.validity && control.validity.badInput) { return t("v_quantity"); }
        return !text || (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 100000) ? "" : t("v_quantity");
      case "customer.name": return text ? "" : t("v_name");
      case "customer.phone":
        n = (text.match(/\p{Nd}/gu) || []).length;
        if (!text) { return t("v_phone_empty"); }
        return n < 7 || n > 15 ? t("v_phone") : "";
      case "customer.email": return !text || EMAIL.test(text) ? "" : t("v_email");
      case "consent": return control.checked ? "" : t("v_consent");
    }
    return "";
  }

  function containerOf(field) { return form.querySelector('[data-field="' + field + '"]'); }
  function controlsOf(field) {
    return field === "product" ? [sku, productName]
      : Array.prototype.slice.call(form.querySelectorAll('[name="' + field + '"]'));
  }
  function noteOf(field) {
    var container = containerOf(field);
    return container.classList.contains("field-error") ? container : container.querySelector(".field-error");
  }
  function shows(field) { return !noteOf(field).hidden; }

  function mark(field, text) {
    var note = noteOf(field);
    note.textContent = text || "";
    note.hidden = !text;
    controlsOf(field).forEach(function (control) {
      if (text) { control.setAttribute("aria-invalid", "true"); }
      else if (field !== "product" || noteOf(control.name).hidden) { control.removeAttribute("aria-invalid"); }
    });
    return text;
  }
  function check(field) { return mark(field, problemOf(field)); }

  form.addEventListener("focusout", function (event) {
    var target = event.target, next = event.relatedTarget;
    if (!document.hasFocus()) { return; }  // the window was left (another app, to look the number up), not the field
    if (!target.name || CHECKED.indexOf(target.name) < 0 && target !== productName) { return; }
    if (target.name === "category" && next && next.name === "category") { return; }  // still in the group
    if (target !== productName) { check(target.name); }
    if ((target === sku || target === productName) && next !== sku && next !== productName) { check("product"); }
  });
  function recheck(event) {
    var name = event.target.name;
    if (CHECKED.indexOf(name) >= 0 && shows(name)) { check(name); }
    if ((event.target === sku || event.target === productName) && shows("product")) { check("product"); }
  }
  form.addEventListener("input", recheck);
  form.addEventListener("change", recheck);

  /* ---- the complaint ---- */
  function body() {
    var data = {customer: {}, product: {}};
    Array.prototype.forEach.call(form.querySelectorAll("input[name],select[name],textarea[name]"), function (input) {
      if (input.type === "radio" && !input.checked) { return; }
      if (input.type === "checkbox") { data[input.name] = input.checked; return; }
      var value = input.value.trim();
      if (!value) { return; }
      if (input.name === "product.quantity" && /^\d+$/.test(value)) { value = parseInt(value, 10); }
      var path = input.name.split(".");
      if (path.length === 2) { data[path[0]][path[1]] = value; } else { data[input.name] = value; }
    });
    data.upload_ids = photos.ids();
    return data;
  }

  function submit() {
    if (submitting) { return; }
    message.textContent = "";
    var wrong = CHECKED.filter(function (field) { return check(field); });
    if (wrong.length) { return showSummary(wrong.map(problemEntry)); }
    summary.hidden = true;
    if (photos.busy()) { message.textContent = t("err_photos_busy"); return; }
    var failed = photos.failedNames();
    if (failed.length) { message.textContent = t("err_photo_failed_named", {names: failed.join(", ")}); return; }
    if (!idempotencyKey) { idempotencyKey = App.randomKey(); }
    submitting = true;
    submitButton.disabled = true;
    submitButton.setAttribute("aria-busy", "true");
    submitButton.textContent = t("submitting");
    App.api("POST", "api/v1/complaints", {body: body(), headers: {"Idempotency-Key": idempotencyKey}})
      .then(function (result) {
        if (result.status === 201) { return showReceipt(result.data); }
        if (result.status === 400 && result.data && result.data.error) { return showErrors(result.data.error.fields || []); }
        var error = result.data && result.data.error ? result.data.error : {};
        message.textContent = error.message ? error.message + " " + t("err_server", {code: result.status})
                                            : t("err_server", {code: result.status});
      }, function () { message.textContent = t("err_network"); })
      .then(function () {
        submitting = false;
        submitButton.disabled = false;
        submitButton.removeAttribute("aria-busy");
        submitButton.textContent = t("submit");
      });
  }

  function problemEntry(field) {
    var control = controlsOf(field)[0];
    var entry = {field: field, container: containerOf(field), control: control};
    return {label: App.labelText(entry), message: noteOf(field).textContent, target: control};
  }

  function showErrors(fields) {
    App.clearFieldErrors(form);
    showSummary(App.showFieldErrors(form, fields, App.labelText).map(function (entry) {
      return {label: entry.label, message: entry.message, target: entry.control || entry.container};
    }));
  }

  /* The summary above the form: one link to each field that is wrong. */
  function showSummary(items) {
    App.clear(summaryList);
    items.forEach(function (item) {
      var target = item.target, text = item.label + ": " + item.message;
      if (target && target.id) {
        var link = el("a", {href: "#" + target.id, text: text});
        link.addEventListener("click", function (event) { event.preventDefault(); target.focus(); });
        summaryList.appendChild(el("li", {}, [link]));
      } else { summaryList.appendChild(el("li", {text: text})); }
    });
    summary.hidden = false;
    summary.focus();
  }

  function showReceipt(receipt) {
    try { sessionStorage.removeItem(DRAFT_KEY); } catch (e) { /* nothing kept */ }
    App.clearFieldErrors(form);
    summary.hidden = true;
    form.hidden = true;
    document.getElementById("intro").hidden = true;
    document.getElementById("receipt-id").textContent = receipt.complaint_id;
    document.getElementById("receipt-code").textContent = receipt.access_code;
    document.getElementById("receipt-call").textContent = receipt.first_contact_due
      ? t("receipt_call", {time: App.formatTime(receipt.first_contact_due)}) : t("receipt_call_soon");
    var link = document.getElementById("receipt-status-link");
    link.href = "status?id=" + encodeURIComponent(receipt.complaint_id) + (App.lang === "en" ? "&lang=en" : "");
    var section = document.getElementById("receipt");
    section.hidden = false;
    section.focus();
    window.scrollTo(0, 0);
  }
}());
