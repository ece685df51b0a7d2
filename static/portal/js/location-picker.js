// The location picker of the cluster form: a Leaflet map next to the latitude and longitude
// number fields. Clicking the map places (or moves) a draggable marker and fills the fields;
// typing numbers moves the marker. Without JavaScript, or without Leaflet, the fields work on
// their own; without tiles (no network) the map is blank but clicks and dragging still work.
(function () {
  "use strict";

  var element = document.getElementById("location-map");
  if (!element || !window.L) {
    return;
  }
  var data = element.dataset;
  var latInput = document.getElementById(data.latInput);
  var lonInput = document.getElementById(data.lonInput);
  if (!latInput || !lonInput) {
    return;
  }

  // The model keeps five decimals (about a metre).
  function rounded(value) {
    return (Math.round(value * 100000) / 100000).toFixed(5);
  }

  function readInputs() {
    var lat = parseFloat(latInput.value);
    var lon = parseFloat(lonInput.value);
    if (isNaN(lat) || isNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      return null;
    }
    return L.latLng(lat, lon);
  }

  element.hidden = false;
  var start = readInputs();
  var center = [parseFloat(data.centerLat) || 50.85, parseFloat(data.centerLon) || 4.35];
  var map = L.map(element, { scrollWheelZoom: false, worldCopyJump: true });
  map.setView(start || center, start ? 9 : parseInt(data.zoom, 10) || 4);

  var offline = document.getElementById(data.offlineNotice || "");
  if (data.tilesUrl) {
    var tiles = L.tileLayer(data.tilesUrl, {
      attribution: data.attribution || "",
      maxZoom: 19,
    }).addTo(map);
    // No network (or a blocked tile server): say so once; picking still works.
    tiles.once("tileerror", function () {
      if (offline) {
        offline.hidden = false;
      }
    });
  } else if (offline) {
    offline.hidden = false;
  }

  var marker = null;

  function fillInputs(latlng) {
    var wrapped = latlng.wrap();
    latInput.value = rounded(wrapped.lat);
    lonInput.value = rounded(wrapped.lng);
    // Let anything listening (validation, the error summary) know the fields changed.
    latInput.dispatchEvent(new Event("change", { bubbles: true }));
    lonInput.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function placeMarker(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.marker(latlng, {
      draggable: true,
      keyboard: true,
      title: data.markerTitle || "",
      alt: data.markerTitle || "",
    }).addTo(map);
    marker.on("dragend", function () {
      fillInputs(marker.getLatLng());
    });
  }

  function removeMarker() {
    if (marker) {
      map.removeLayer(marker);
      marker = null;
    }
  }

  if (start) {
    placeMarker(start);
  }

  map.on("click", function (event) {
    placeMarker(event.latlng);
    fillInputs(event.latlng);
  });

  function onTyped() {
    var latlng = readInputs();
    if (latlng) {
      placeMarker(latlng);
      map.panTo(latlng);
    } else if (!latInput.value && !lonInput.value) {
      removeMarker();
    }
  }

  latInput.addEventListener("input", onTyped);
  lonInput.addEventListener("input", onTyped);

  // A "clear" button: emptying both fields removes the location.
  var clear = document.getElementById(data.clearButton || "");
  if (clear) {
    clear.hidden = false;
    clear.addEventListener("click", function () {
      latInput.value = "";
      lonInput.value = "";
      removeMarker();
    });
  }
})();
