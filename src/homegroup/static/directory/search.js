// "Use my location": fills the hidden lat/lng fields from the browser and submits the search.
// Without JavaScript the button stays hidden and the ZIP code / town box does the same job.
(function () {
  "use strict";
  var form = document.getElementById("meeting-search");
  var button = document.getElementById("use-location");
  if (!form || !button) return;
  var near = document.getElementById("id_near");
  var lat = document.getElementById("id_lat");
  var lng = document.getElementById("id_lng");
  var status = document.getElementById("location-status");

  function say(text) {
    status.textContent = text;
    status.hidden = false;
  }

  // Typing a place replaces a location found earlier.
  near.addEventListener("input", function () {
    lat.value = "";
    lng.value = "";
  });

  if (!("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    say(button.dataset.finding || "Finding your location…");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lng.value = position.coords.longitude.toFixed(5);
        near.value = "";
        form.submit();
      },
      function () {
        say(button.dataset.failed || "Your location is not available: type a ZIP code or a town.");
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
    );
  });
})();
