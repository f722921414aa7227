// Filters the broker list as the user types. Only an enhancement: without JavaScript the
// search form is submitted and the server hides what does not match.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("brokers");
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  if (!input || !list || !count || !none) {
    return;
  }
  input.addEventListener("input", function () {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    list.querySelectorAll("li").forEach(function (item) {
      var match = query === "" || item.getAttribute("data-search").indexOf(query) !== -1;
      item.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    count.textContent = shown === 1 ? "1 broker" : shown + " brokers";
    none.hidden = shown !== 0;
  });
})();
