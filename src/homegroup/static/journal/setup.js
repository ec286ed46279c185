// The time zone of a newcomer: taken from the browser (a Californian checking in at 10 p.m.
// records today, not tomorrow) and said in words. Without JavaScript the field stays a search
// box with the zone names to type or pick.
(function () {
  "use strict";
  function longName(zone) {
    try {
      var parts = new Intl.DateTimeFormat(undefined, { timeZone: zone, timeZoneName: "long" })
        .formatToParts(new Date());
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === "timeZoneName") return parts[i].value;
      }
    } catch (e) { /* an unknown zone: no words */ }
    return "";
  }
  function describe(input) {
    var words = document.querySelector("[data-zone-words]");
    if (!words) return;
    var zone = input.value.trim();
    var name = longName(zone);
    var city = zone.split("/").pop().replace(/_/g, " ");
    words.textContent = name ? name + " (" + city + ")" : "";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[data-browser-zone]");
    if (!input) return;
    if (!input.value) {
      try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep empty */ }
    }
    describe(input);
    input.addEventListener("change", function () { describe(input); });
  });
})();
