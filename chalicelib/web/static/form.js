/* The public complaint form: photos checked and made smaller in the browser, then sent straight to S3; each
   field checked as it is left, with the API's limits; one submission per filled form. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var MAX_PHOTOS = 6, MAX_BYTES = 10 * 1024 * 1024;
  var TYPES = ["image/jpeg", "image/png", "image/webp"];
  // A photo is sent as it is only when it is small already; otherwise as a JPEG of at most LONG_SIDE pixels.
  var SMALL_BYTES = 1024 * 1024, LONG_SIDE = 2000, JPEG_QUALITY = 0.85;
  var MAX_SOURCE_BYTES = 40 * 1024 * 1024;  // not opened at all: decoding it could use up a phone's memory
  var DESCRIPTION_MIN = 2, DESCRIPTION_MAX = 2000, COUNT_FROM = 1800;  // chalicelib/api/fields.py (min: issue 18.4)
  var EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;  // fields.py's _EMAIL
  var form = document.getElementById("complaint-form");
  var submitButton = document.getElementById("submit");
  var message = document.getElementById("form-message");
  var summary = document.getElementById("error-summary");
  var summaryList = document.getElementById("error-list");
  var photoInput = document.getElementById("photos");
  var photoList = document.getElementById("photo-list");
  var description = document.getElementById("description");
  var count = document.getElementById("description-count");
  var limitNote = document.getElementById("description-limit");
  var photos = [];          // {file, status: checking|uploading|done|failed|rejected, blob, type, uploadId, node, bar, note, xhr, url}
  var preparing = Promise.resolve();  // photos are opened one after the other: a phone holds one decoded photo at a time
  var idempotencyKey = null; // one per filled form: made at the first submit, dropped when anything changes
  var submitting = false;
  var counter = 0;

  var DRAFT_KEY = "complaints.form.draft";  // this tab only: a reload or a lost connection loses nothing typed
  restoreDraft();
  showCount();
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

  /* ---- photos ---- */
  function activePhotos() { return photos.filter(function (p) { return p.status !== "rejected"; }); }

  function addPhotos(files) {
    idempotencyKey = null;
    var tooMany = false;
    files.forEach(function (file) {
      // the type the name gives only turns away what is plainly no photo; the file's first bytes decide
      if (file.type && TYPES.indexOf(file.type) < 0) { return addRejection(t("photo_type", {name: file.name})); }
      if (file.size > MAX_SOURCE_BYTES) { return addRejection(t("photo_size", {name: file.name, size: App.fileSize(file.size)})); }
      if (file.size < 1) { return addRejection(t("photo_type", {name: file.name})); }
      if (activePhotos().length >= MAX_PHOTOS) { tooMany = true; return; }
      var entry = addRow(file);
      preparing = preparing.then(function () { return prepare(entry); });
    });
    if (tooMany) { addRejection(t("photo_too_many")); }
    photoInput.disabled = activePhotos().length >= MAX_PHOTOS;
  }

  function addRejection(text) {
    var entry = {status: "rejected"};
    var close = el("button", {type: "button", class: "link-button", text: t("photo_remove"),
                              "aria-label": t("photo_remove") + ": " + text});
    entry.node = el("li", {class: "photo rejected", role: "alert"}, [el("span", {class: "photo-error", text: text}), close]);
    close.addEventListener("click", function () { remove(entry); });
    photos.push(entry);
    photoList.appendChild(entry.node);
  }

  function addRow(file) {
    var id = "photo-" + (++counter);
    var entry = {file: file, status: "checking"};
    entry.bar = el("progress", {max: "100", value: "0", id: id + "-progress",
                                "aria-label": t("photo_progress_label", {name: file.name})});
    entry.note = el("span", {class: "photo-note", text: t("photo_checking")});
    entry.name = el("span", {class: "photo-name", text: file.name + " · " + App.fileSize(file.size)});
    entry.thumb = el("span", {class: "thumb", "aria-hidden": "true"});
    var removeButton = el("button", {type: "button", class: "link-button",
                                     "aria-label": t("photo_remove_label", {name: file.name}), text: t("photo_remove")});
    removeButton.addEventListener("click", function () { remove(entry); });
    entry.node = el("li", {class: "photo", id: id}, [entry.thumb, el("div", {class: "photo-body"}, [entry.name, entry.bar, entry.note]),
                                                     removeButton]);
    photos.push(entry);
    photoList.appendChild(entry.node);
    return entry;
  }

  /* The file's first bytes say whether it is a JPEG, PNG or WebP image, whatever its name says; a photo that
     is not small is drawn again smaller as a JPEG (which also leaves out its EXIF data, the place included). */
  function prepare(entry) {
    var file = entry.file;
    return firstBytes(file).then(function (bytes) {
      if (entry.status === "removed") { return null; }
      var type = sniff(bytes);
      if (!type) { return fail(entry, t("photo_not_image", {name: file.name}), true); }
      return decode(file).then(function (image) {
        if (entry.status === "removed") { image.close(); return null; }
        var large = Math.max(image.width, image.height) > LONG_SIDE || file.size > SMALL_BYTES;
        if (large) { entry.note.textContent = t("photo_shrinking"); }
        return (large ? shrink(image, file) : Promise.resolve(null)).then(function (smaller) {
          image.close();
          if (entry.status === "removed") { return null; }
          if (smaller) {
            entry.blob = smaller; entry.type = "image/jpeg"; entry.filename = file.name.replace(/\.[^.]*$/, "") + ".jpg";
            entry.name.textContent = file.name + " · " + t("photo_shrunk", {from: App.fileSize(file.size), to: App.fileSize(smaller.size)});
          } else { entry.blob = file; entry.type = type; entry.filename = file.name; }
          if (entry.blob.size > MAX_BYTES) {
            return fail(entry, t("photo_size", {name: file.name, size: App.fileSize(entry.blob.size)}), true);
          }
          entry.url = URL.createObjectURL(entry.blob);
          var thumb = el("img", {src: entry.url, alt: file.name, class: "thumb", width: "72", height: "72"});
          entry.node.replaceChild(thumb, entry.thumb);
          entry.thumb = thumb;
          return upload(entry);
        });
      }, function () { fail(entry, t("photo_unreadable", {name: file.name}), true); });
    }).then(null, function () { fail(entry, t("photo_unreadable", {name: file.name}), true); });
  }

  function firstBytes(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(new Uint8Array(reader.result)); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(file.slice(0, 12));
    });
  }

  /* The signatures chalicelib/adapters/photos.py checks again when the complaint attaches the photo. */
  function sniff(b) {
    var text = function (from, to) { return String.fromCharCode.apply(null, Array.prototype.slice.call(b, from, to)); };
    if (b[0] === 0xFF && b[1] === 0xD8 && b[2] === 0xFF) { return "image/jpeg"; }
    if (b[0] === 0x89 && text(1, 4) === "PNG") { return "image/png"; }
    if (text(0, 4) === "RIFF" && text(8, 12) === "WEBP") { return "image/webp"; }
    return null;
  }

  /* {source, width, height, close} of a decoded photo, turned as its EXIF orientation says; rejects when the
     browser cannot decode it (it could not show it either). */
  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, {imageOrientation: "from-image"})
        .then(null, function (error) { if (error && error.name === "TypeError") { return createImageBitmap(file); } throw error; })
        .then(function (bitmap) {
          return {source: bitmap, width: bitmap.width, height: bitmap.height, close: function () { bitmap.close(); }};
        });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file), image = new Image();
      image.onload = function () {
        resolve({source: image, width: image.naturalWidth, height: image.naturalHeight, close: function () { URL.revokeObjectURL(url); }});
      };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not decodable")); };
      image.src = url;
    });
  }

  /* The photo as a JPEG with its longest side LONG_SIDE at most, or null when that is no smaller than the
     file (a photo of small dimensions that only compressed poorly) or the browser could not encode it. */
  function shrink(image, file) {
    var scale = Math.min(1, LONG_SIDE / Math.max(image.width, image.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(image.width * scale));
    canvas.height = Math.max(1, Math.round(image.height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff";  // a transparent PNG's background: JPEG has none
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingQuality = "high";
    context.drawImage(image.source, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) {
      canvas.toBlob(function (blob) {
        canvas.width = canvas.height = 0;  // let the phone have the memory back now
        resolve(blob && (scale < 1 || blob.size < file.size) ? blob : null);
      }, "image/jpeg", JPEG_QUALITY);
    });
  }

  function upload(entry) {
    entry.status = "uploading";
    entry.note.textContent = t("photo_uploading");
    var file = entry.file, size = entry.blob.size;
    return App.api("POST", "api/v1/uploads", {body: {filename: entry.filename.slice(-200) || "photo", content_type: entry.type, size: size}})
      .then(function (result) {
        if (entry.status === "removed") { return; }
        if (!result.ok) {
          var detail = result.data && result.data.error ? result.data.error : {};
          var fields = (detail.fields || []).map(function (f) { return f.message; }).join(" ");
          return fail(entry, result.status === 413 || /size/.test(JSON.stringify(detail.fields || []))
            ? t("photo_size", {name: file.name, size: App.fileSize(size)})
            : (detail.message || t("photo_failed")) + (fields ? ": " + fields : ""));
        }
        sendToBucket(entry, result.data);
      }, function () { fail(entry, t("err_network")); });
  }

  function sendToBucket(entry, grant) {
    var data = new FormData();
    Object.keys(grant.fields).forEach(function (name) { data.append(name, grant.fields[name]); });
    data.append("file", entry.blob, entry.filename);
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

  /* `unsent`: the photo was never sent (not an image, cannot be opened, too large): no progress to show. */
  function fail(entry, text, unsent) {
    if (entry.status === "removed") { return null; }
    entry.status = "failed";
    entry.note.textContent = text;
    entry.note.classList.add("photo-error");
    entry.node.classList.add("failed");
    if (unsent) { entry.bar.hidden = true; }
    return null;
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
    var wrong = CHECKED.filter(function (field) { return check(field); });
    if (wrong.length) { return showSummary(wrong.map(problemEntry)); }
    summary.hidden = true;
    if (photos.some(function (p) { return p.status === "checking" || p.status === "uploading"; })) {
      message.textContent = t("err_photos_busy"); return;
    }
    var failed = photos.filter(function (p) { return p.status === "failed"; });
    if (failed.length) {
      message.textContent = t("err_photo_failed_named", {names: failed.map(function (p) { return p.file.name; }).join(", ")});
      return;
    }
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
