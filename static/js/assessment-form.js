// The assessor's form: saves the draft as the assessor goes, shows the "why don't you know"
// question only for "Don't know", evidence and source once a rating is chosen, and the
// duty-to-notify notice as soon as it applies.
// Progressive enhancement: without this script the "Save draft" button does the saving and
// the server shows the notice once a saved answer needs it.
(function () {
  "use strict";
  var DELAY_MS = 1500;
  var form = document.querySelector("[data-assessment-form]");
  if (!form) { return; }
  var status = document.querySelector("[data-autosave-status]");
  var notice = form.querySelector("[data-notice]");
  var seriousWorry = parseInt(notice.getAttribute("data-serious-worry"), 10);
  var timer = null;
  var saving = false;
  var again = false;
  var submitted = false;

  function chosen(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }

  function showReasons() {
    var domains = form.querySelectorAll("[data-domain]");
    for (var i = 0; i < domains.length; i += 1) {
      var key = domains[i].getAttribute("data-domain");
      var reason = domains[i].querySelector(".tidlig-af-reason");
      var wanted = chosen(key + "-answer") === "dont_know" || reason.classList.contains("form-error");
      reason.hidden = !wanted;
      showDetails(domains[i], chosen(key + "-answer"));
    }
  }

  // Evidence, source and confidence only once a rating is chosen: a phone shows each area
  // as its question and answers until then. Never hidden while they hold a value or an error.
  function showDetails(domain, answer) {
    var details = domain.querySelector("[data-details]");
    if (!details) { return; }
    var rated = answer === "0" || answer === "1" || answer === "2";
    var filled = false;
    var fields = details.querySelectorAll("textarea, select");
    for (var j = 0; j < fields.length; j += 1) {
      if (fields[j].value !== "") { filled = true; }
    }
    details.hidden = !(rated || filled || details.querySelector(".form-error"));
  }

  function noticeNeeded() {
    if (form.querySelector('[data-kind="risk"] input[type="radio"][value="2"]:checked')) {
      return true;
    }
    var worry = form.querySelector('select[name="worry"]');
    return Boolean(worry && worry.value !== "" && parseInt(worry.value, 10) >= seriousWorry);
  }

  function showNotice() {
    notice.hidden = !noticeNeeded();
  }

  // "busy" from the first keystroke until the last save has answered: lets a test (or a
  // curious assessor's tools) know when everything typed is stored.
  function mark(state) {
    form.setAttribute("data-autosave-state", state);
  }

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function save() {
    timer = null;
    if (submitted) { return; }
    if (saving) { again = true; return; }
    saving = true;
    var token = form.querySelector('input[name="csrf_token"]');
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("data-autosave-url"));
    request.setRequestHeader("X-CSRFToken", token ? token.value : "");
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var body = null;
      try { body = JSON.parse(request.responseText); } catch (ignored) { body = null; }
      if (body && body.message) {
        say(body.message);
      } else {
        say(form.getAttribute("data-failed-text"));
      }
      finished();
    };
    request.onerror = function () {
      say(form.getAttribute("data-failed-text"));
      finished();
    };
    request.send(new FormData(form));
  }

  function finished() {
    saving = false;
    if (again) {
      again = false;
      save();
    } else if (!timer) {
      mark("idle");
    }
  }

  function saveSoon(delay) {
    mark("busy");
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay);
  }

  form.addEventListener("change", function () {
    showReasons();
    showNotice();
    saveSoon(0);
  });
  form.addEventListener("input", function (event) {
    var tag = event.target.tagName;
    if (tag === "TEXTAREA" || (tag === "INPUT" && event.target.type === "text")) {
      saveSoon(DELAY_MS);
    }
  });
  form.addEventListener("submit", function () {
    // The button's own POST saves (or submits) everything; no autosave may overtake it.
    submitted = true;
    if (timer) { clearTimeout(timer); }
  });

  mark("idle");
  showReasons();
  showNotice();
})();
