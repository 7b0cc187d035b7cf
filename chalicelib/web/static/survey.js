/* The survey of the customer's SMS (/survey?t=<token>): one to five stars and an optional comment. */
(function () {
  "use strict";
  var App = window.App, t = App.t, el = App.el;
  var RATINGS = App.vocabulary.lists.rating;  // its values, from chalicelib/domain/labels.py
  var MAX_COMMENT = 500;
  var form = document.getElementById("survey-form");
  var stars = document.getElementById("stars");
  var word = document.getElementById("rating-word");
  var comment = document.getElementById("comment");
  var count = document.getElementById("comment-count");
  var message = document.getElementById("survey-message");
  var button = document.getElementById("survey-submit");
  var token = new URLSearchParams(window.location.search).get("t") || "";
  var busy = false;

  /* Real radio buttons, one star each, lowest first: arrow keys move along them as along any radio group. */
  RATINGS.values.slice().sort(function (a, b) { return Number(a) - Number(b); }).forEach(function (value) {
    var id = "rating-" + value;
    stars.appendChild(el("label", {class: "star", for: id}, [
      el("input", {type: "radio", name: "rating", id: id, value: value, class: "star-input"}),
      el("span", {class: "star-glyph", "aria-hidden": "true"}),
      el("span", {class: "visually-hidden", text: t(RATINGS.prefix + value)})]));
  });
  stars.addEventListener("change", function () {
    var chosen = form.querySelector("input[name=rating]:checked");
    word.textContent = chosen ? t(RATINGS.prefix + chosen.value) : "";
    App.clearFieldErrors(form.querySelector("[data-field=rating]"));
  });

  /* Counted as the API counts: characters (code points, so an emoji is one, not two UTF-16 units) of the
     comment without the spaces around it. Past the limit the comment is cut there (no maxlength attribute:
     it counts UTF-16 units). */
  function characters(text) { return Array.from(text); }
  function counted() {
    var chars = characters(comment.value);
    if (chars.length > MAX_COMMENT) {
      var lead = comment.value.length - comment.value.replace(/^\s+/, "").length;
      var kept = lead + MAX_COMMENT;  // what is over the limit without the leading spaces is cut
      if (characters(comment.value.trim()).length > MAX_COMMENT) { comment.value = chars.slice(0, kept).join(""); }
    }
    var left = MAX_COMMENT - characters(comment.value.trim()).length;
    count.textContent = t("survey_chars_left", {n: Math.max(left, 0)});
  }
  comment.addEventListener("input", counted);
  counted();

  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) { return finish("survey_invalid", "survey_problem_hint", true); }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    App.clearFieldErrors(form);
    message.textContent = "";
    var chosen = form.querySelector("input[name=rating]:checked");
    if (!chosen) {
      var note = document.getElementById("rating-error");
      note.textContent = t("survey_missing_rating"); note.hidden = false;
      form.querySelector("input[name=rating]").focus();
      return;
    }
    var body = {token: token, rating: Number(chosen.value)};
    if (comment.value.trim()) { body.comment = comment.value.trim(); }
    busy = true; button.disabled = true;
    message.classList.add("loading");
    message.textContent = t("survey_sending");
    App.api("POST", "api/v1/survey", {body: body}).then(function (answer) {
      message.classList.remove("loading");
      message.textContent = "";
      if (answer.ok) { return finish("survey_thanks_title", "survey_thanks"); }
      if (answer.status === 409) { return finish("survey_already", null); }
      if (answer.status === 410) { return finish("survey_expired", "survey_problem_hint", true); }
      if (answer.status === 404) { return finish("survey_invalid", "survey_problem_hint", true); }
      if (answer.status === 400 && answer.data && answer.data.error) {
        var loose = App.showFieldErrors(form, answer.data.error.fields || []).filter(function (p) { return !p.container; });
        message.textContent = loose.length ? answer.data.error.message : "";
      } else if (answer.status === 429) {
        message.textContent = t("status_wait", {minutes: App.waitMinutes(answer)});
      } else {
        message.textContent = (answer.data && answer.data.error && answer.data.error.message) || t("err_generic");
      }
      busy = false; button.disabled = false;
    }, function () {
      message.classList.remove("loading");
      message.textContent = t("err_network");
      busy = false; button.disabled = false;
    });
  });

  /* The end of the page's work: the form gives way to one message. */
  function finish(titleKey, textKey, problem) {
    var done = document.getElementById("survey-done");
    form.hidden = true;
    document.getElementById("survey-intro").hidden = true;
    done.classList.toggle("problem", !!problem);
    document.getElementById("survey-done-title").textContent = t(titleKey);
    var text = document.getElementById("survey-done-text");
    text.textContent = textKey ? t(textKey) : "";
    text.hidden = !textKey;
    done.hidden = false;
    done.focus();
  }
}());
