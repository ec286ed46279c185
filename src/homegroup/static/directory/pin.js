// The maintainer places a meeting's pin by hand: click the map, or drag the pin. The latitude and
// longitude inputs stay the truth (they work without JavaScript, and typing in them moves the
// pin); no geocoding service is asked from the browser.
(function () {
  "use strict";
  var mapElement = document.getElementById("pin-map");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!mapElement || !latitude || !longitude || typeof L === "undefined") {
    return;
  }
  var config = {};
  var configElement = document.getElementById("pin-map-config");
  if (configElement) {
    try {
      config = JSON.parse(configElement.textContent) || {};
    } catch (error) {
      config = {};
    }
  }

  function typed() {
    var lat = parseFloat(latitude.value);
    var lng = parseFloat(longitude.value);
    if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      return L.latLng(lat, lng);
    }
    return null;
  }

  mapElement.hidden = false;
  var start = typed();
  var map = L.map(mapElement, {
    center: start || config.center || [39.5, -98.35],
    zoom: start ? 16 : config.zoom || 4,
  });
  if (config.tiles) {
    L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
  }

  var marker = null;
  function write(point) {
    latitude.value = point.lat.toFixed(6);
    longitude.value = point.lng.toFixed(6);
  }
  function place(point) {
    if (marker) {
      marker.setLatLng(point);
      return;
    }
    marker = L.marker(point, { draggable: true, title: config.pinTitle || "", alt: config.pinTitle || "" });
    marker.on("dragend", function () {
      write(marker.getLatLng());
    });
    marker.addTo(map);
  }

  if (start) {
    place(start);
  }
  map.on("click", function (event) {
    place(event.latlng);
    write(event.latlng);
  });
  function follow() {
    var point = typed();
    if (point) {
      place(point);
      map.panTo(point);
    }
  }
  latitude.addEventListener("change", follow);
  longitude.addEventListener("change", follow);
})();
