/* Photos for a complaint, shared by the public form and the console's entry: each file's first bytes checked
   (a JPEG, PNG or WebP image whatever its name says), a large photo made smaller in the browser, then sent
   straight to S3 with a presigned POST (POST /api/v1/uploads); the complaint names them by upload_ids. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var MAX_PHOTOS = 6, MAX_BYTES = 10 * 1024 * 1024;  // chalicelib/resources.py
  var TYPES = ["image/jpeg", "image/png", "image/webp"];
  // A photo is sent as it is only when it is small already; otherwise as a JPEG of at most LONG_SIDE pixels.
  var SMALL_BYTES = 1024 * 1024, LONG_SIDE = 2000, JPEG_QUALITY = 0.85;
  var MAX_SOURCE_BYTES = 40 * 1024 * 1024;  // not opened at all: decoding it could use up a phone's memory

  /* The photos of one form: `input` the file input, `list` the <ul> their rows go in, `onChange` called when
     a photo is added or removed (the form's Idempotency-Key no longer holds). */
  App.photoUploads = function (input, list, onChange) {
    var photos = [];          // {file, status: checking|uploading|done|failed|rejected, blob, type, uploadId, node, bar, note, xhr, url}
    var preparing = Promise.resolve();  // photos are opened one after the other: a phone holds one decoded photo at a time
    var counter = 0;
    function changed() { if (onChange) { onChange(); } }
    input.addEventListener("change", function () {
      addPhotos(Array.prototype.slice.call(input.files || []));
      input.value = "";
    });

    function activePhotos() { return photos.filter(function (p) { return p.status !== "rejected"; }); }

    function addPhotos(files) {
      changed();
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
      input.disabled = activePhotos().length >= MAX_PHOTOS;
    }

    function addRejection(text) {
      var entry = {status: "rejected"};
      var close = el("button", {type: "button", class: "link-button", text: t("photo_remove"),
                                "aria-label": t("photo_remove") + ": " + text});
      entry.node = el("li", {class: "photo rejected", role: "alert"}, [el("span", {class: "photo-error", text: text}), close]);
      close.addEventListener("click", function () { remove(entry); });
      photos.push(entry);
      list.appendChild(entry.node);
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
      list.appendChild(entry.node);
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
      changed();
      if (entry.xhr && entry.status === "uploading") { entry.xhr.abort(); }
      entry.status = entry.status === "rejected" ? "rejected-removed" : "removed";
      if (entry.url) { URL.revokeObjectURL(entry.url); }
      if (entry.node.parentNode) { entry.node.parentNode.removeChild(entry.node); }
      photos = photos.filter(function (p) { return p !== entry; });
      input.disabled = activePhotos().length >= MAX_PHOTOS;
      input.focus();
    }

    return {
      ids: function () { return photos.filter(function (p) { return p.status === "done"; }).map(function (p) { return p.uploadId; }); },
      busy: function () { return photos.some(function (p) { return p.status === "checking" || p.status === "uploading"; }); },
      failedNames: function () { return photos.filter(function (p) { return p.status === "failed"; }).map(function (p) { return p.file.name; }); }
    };
  };
}());
