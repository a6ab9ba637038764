// Meeting mode: the coordinator steps through the meeting from the keyboard.
// ArrowRight / j go to the next step, ArrowLeft / k to the previous one, by following the
// page's rel="next" / rel="prev" links. Keys typed into a form field are left alone.
(function () {
  "use strict";
  var KEYS = { ArrowRight: "next", j: "next", ArrowLeft: "prev", k: "prev" };

  function inFormField(element) {
    if (!element) { return false; }
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var rel = KEYS[event.key];
    if (!rel || inFormField(event.target) || inFormField(document.activeElement)) { return; }
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
