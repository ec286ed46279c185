// The results on a Leaflet map, drawn over the list the server already rendered. The list is
// the page: when Leaflet or the tile server is unavailable, the map stays hidden (or is removed)
// and a note says the list has every meeting.
(function () {
  "use strict";
  var container = document.getElementById("meeting-map");
  var data = document.getElementById("meeting-map-points");
  var note = document.getElementById("meeting-map-note");
  if (!container || !data || typeof L === "undefined") return;
  var points = JSON.parse(data.textContent);
  if (!points.length) return;

  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false });
  var loaded = 0;
  var failed = 0;
  var gaveUp = false;

  function giveUp() {
    if (gaveUp) return;
    gaveUp = true;
    map.remove();
    container.hidden = true;
    if (note) note.hidden = false;
  }

  var tiles = L.tileLayer(container.dataset.tiles, {
    maxZoom: 19,
    attribution: container.dataset.attribution
  });
  tiles.on("tileload", function () { loaded += 1; });
  tiles.on("tileerror", function () {
    failed += 1;
    // A few failures with nothing loaded: the tile server is unreachable from here.
    if (loaded === 0 && failed >= 2) giveUp();
  });
  tiles.addTo(map);

  // A pin's shape and symbol say its medication level as well as its colour (search.css and
  // the legend under the map use the same marks).
  var MARKS = {
    confirmed_welcoming: "\u2713",
    reported_welcoming: "+",
    unknown: "?",
    reported_unwelcoming: "!"
  };
  function icon(level) {
    var mark = MARKS[level] || "?";
    return L.divIcon({
      className: "pin",
      html: '<span class="mark mark-' + (MARKS[level] ? level : "unknown") + '">' + mark + "</span>",
      iconSize: [28, 28],
      iconAnchor: [14, 14],
      popupAnchor: [0, -14]
    });
  }

  var bounds = [];
  points.forEach(function (point) {
    var title = point.name + " \u2014 " + point.level_label;
    var marker = L.marker([point.lat, point.lng], { alt: title, title: title, icon: icon(point.level) });
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    var when = document.createElement("div");
    when.textContent = point.when;
    var level = document.createElement("div");
    level.textContent = point.level_label;
    var popup = document.createElement("div");
    popup.appendChild(link);
    popup.appendChild(when);
    popup.appendChild(level);
    marker.bindPopup(popup);
    marker.addTo(map);
    bounds.push([point.lat, point.lng]);
  });
  if (bounds.length === 1) {
    map.setView(bounds[0], 15);
  } else {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }
  // No tile at all after a while (blocked or offline without error events): give up too.
  window.setTimeout(function () { if (loaded === 0) giveUp(); }, 8000);
})();
