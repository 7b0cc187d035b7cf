/* The public complaint form: photos straight to S3, field errors in place, one submission per filled form. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var MAX_PHOTOS = 6, MAX_BYTES = 10 * 1024 * 1024;
  var TYPES = ["image/jpeg", "image/png", "image/webp"];
  var form = document.getElementById("complaint-form");
  var submitButton = document.getElementById("submit");
  var message = document.getElementById("form-message");
  var summary = document.getElementById("error-summary");
  var summaryList = document.getElementById("error-list");
  var photoInput = document.getElementById("photos");
  var photoList = document.getElementById("photo-list");
  var photos = [];          // {file, status: uploading|done|failed|rejected, uploadId, node, bar, note, xhr, url}
  var idempotencyKey = null; // one per filled form: made at the first submit, dropped when anything changes
  var submitting = false;
  var counter = 0;

  var DRAFT_KEY = "complaints.form.draft";  // this tab only: a reload or a lost connection loses nothing typed
  restoreDraft();
  form.addEventListener("input", function (event) { if (event.target !== photoInput) { idempotencyKey = null; saveDraft(); } });
  form.addEventListener("change", function (event) { if (event.target !== photoInput) { idempotencyKey = null; saveDraft(); } });
  photoInput.addEventListener("change", function () {
    addPhotos(Array.prototype.slice.call(photoInput.files || []));
    photoInput.value = "";
  });
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

  /* ---- photos ---- */
  function activePhotos() { return photos.filter(function (p) { return p.status !== "rejected"; }); }

  function addPhotos(files) {
    idempotencyKey = null;
    var tooMany = false;
    files.forEach(function (file) {
      if (TYPES.indexOf(file.type) < 0) { return reject(file, t("photo_type", {name: file.name})); }
      if (file.size > MAX_BYTES) { return reject(file, t("photo_size", {name: file.name, size: App.fileSize(file.size)})); }
      if (file.size < 1) { return reject(file, t("photo_type", {name: file.name})); }
      if (activePhotos().length >= MAX_PHOTOS) { tooMany = true; return; }
      upload(file);
    });
    if (tooMany) { addRejection(t("photo_too_many")); }
    photoInput.disabled = activePhotos().length >= MAX_PHOTOS;
  }

  function reject(file, text) { addRejection(text); }

  function addRejection(text) {
    var entry = {status: "rejected"};
    var close = el("button", {type: "button", class: "link-button", text: t("photo_remove"),
                              "aria-label": t("photo_remove") + ": " + text});
    entry.node = el("li", {class: "photo rejected", role: "alert"}, [el("span", {class: "photo-error", text: text}), close]);
    close.addEventListener("click", function () { remove(entry); });
    photos.push(entry);
    photoList.appendChild(entry.node);
  }

  function upload(file) {
    var id = "photo-" + (++counter);
    var entry = {file: file, status: "uploading"};
    entry.url = URL.createObjectURL(file);
    entry.bar = el("progress", {max: "100", value: "0", id: id + "-progress",
                                "aria-label": t("photo_progress_label", {name: file.name})});
    entry.note = el("span", {class: "photo-note", text: t("photo_uploading")});
    var removeButton = el("button", {type: "button", class: "link-button",
                                     "aria-label": t("photo_remove_label", {name: file.name}), text: t("photo_remove")});
    removeButton.addEventListener("click", function () { remove(entry); });
    entry.node = el("li", {class: "photo", id: id}, [
      el("img", {src: entry.url, alt: file.name, class: "thumb", width: "72", height: "72"}),
      el("div", {class: "photo-body"}, [el("span", {class: "photo-name", text: file.name + " · " + App.fileSize(file.size)}),
                                        entry.bar, entry.note]),
      removeButton]);
    photos.push(entry);
    photoList.appendChild(entry.node);
    App.api("POST", "api/v1/uploads", {body: {filename: file.name.slice(-200) || "photo", content_type: file.type, size: file.size}})
      .then(function (result) {
        if (entry.status === "removed") { return; }
        if (!result.ok) {
          var detail = result.data && result.data.error ? result.data.error : {};
          var fields = (detail.fields || []).map(function (f) { return f.message; }).join(" ");
          return fail(entry, result.status === 413 || /size/.test(JSON.stringify(detail.fields || []))
            ? t("photo_size", {name: file.name, size: App.fileSize(file.size)})
            : (detail.message || t("photo_failed")) + (fields ? ": " + fields : ""));
        }
        sendToBucket(entry, result.data);
      }, function () { fail(entry, t("err_network")); });
  }

  function sendToBucket(entry, grant) {
    var data = new FormData();
    Object.keys(grant.fields).forEach(function (name) { data.append(name, grant.fields[name]); });
    data.append("file", entry.file);
    var xhr = new XMLHttpRequest();
    entry.xhr = xhr;
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) { entry.bar.value = Math.round(event.loaded / event.total * 100); }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        entry.status = "done"; entry.uploadId = grant.upload_id; entry.bar.value = 100;
        entry.note.textContent = t("photo_done");
        entry.node.classList.add("done");
      } else { fail(entry, t("photo_failed") + " (" + xhr.status + ")"); }
    });
    xhr.addEventListener("error", function () { fail(entry, t("photo_failed")); });
    xhr.open("POST", grant.url);
    xhr.send(data);
  }

  function fail(entry, text) {
    if (entry.status === "removed") { return; }
    entry.status = "failed";
    entry.note.textContent = text;
    entry.note.classList.add("photo-error");
    entry.node.classList.add("failed");
  }

  function remove(entry) {
    idempotencyKey = null;
    if (entry.xhr && entry.status === "uploading") { entry.xhr.abort(); }
    entry.status = entry.status === "rejected" ? "rejected-removed" : "removed";
    if (entry.url) { URL.revokeObjectURL(entry.url); }
    if (entry.node.parentNode) { entry.node.parentNode.removeChild(entry.node); }
    photos = photos.filter(function (p) { return p !== entry; });
    photoInput.disabled = activePhotos().length >= MAX_PHOTOS;
    photoInput.focus();
  }

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
    data.upload_ids = photos.filter(function (p) { return p.status === "done"; }).map(function (p) { return p.uploadId; });
    return data;
  }

  function submit() {
    if (submitting) { return; }
    message.textContent = "";
    if (photos.some(function (p) { return p.status === "uploading"; })) { message.textContent = t("err_photos_busy"); return; }
    if (photos.some(function (p) { return p.status === "failed"; })) { message.textContent = t("err_photo_failed"); return; }
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

  function showErrors(fields) {
    App.clearFieldErrors(form);
    App.clear(summaryList);
    var placed = App.showFieldErrors(form, fields, App.labelText);
    placed.forEach(function (entry) {
      var target = entry.control || entry.container;
      var text = entry.label + ": " + entry.message;
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
