// The home page's small map: every cluster on the map as a dot, no controls but zoom. The
// full map (clusters/map) has the filters, popups and marker clustering.
(function () {
  "use strict";

  var canvas = document.querySelector("[data-map-preview]");
  if (!canvas || !window.L) {
    return;
  }
  // The map sits low on the page: it is drawn (tiles and all) only when scrolled near, so a
  // visitor who reads the top of the page costs no tile server anything.
  if (window.IntersectionObserver) {
    var observer = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          draw();
        }
      },
      { rootMargin: "200px" }
    );
    observer.observe(canvas);
  } else {
    draw();
  }

  function draw() {
    var data = canvas.dataset;
    var map = L.map(canvas, {
      center: [50.5, 10],
      zoom: 3,
      minZoom: 2,
      scrollWheelZoom: false,
      attributionControl: true,
    });
    if (data.tilesUrl) {
      L.tileLayer(data.tilesUrl, {
        attribution: data.tilesAttribution || "",
        maxZoom: 12,
        referrerPolicy: "strict-origin",
      }).addTo(map);
    }
    fetch(data.dataUrl, {
      headers: { Accept: "application/geo+json, application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (geojson) {
        var layer = L.geoJSON(geojson, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 4,
              weight: 1,
              color: "#004494",
              fillColor: "#004494",
              fillOpacity: 0.7,
              interactive: false,
            });
          },
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [16, 16], maxZoom: 5 });
        }
        canvas.setAttribute("data-map-ready", String(geojson.features.length));
      })
      .catch(function () {
        canvas.setAttribute("data-map-ready", "failed");
      });
  }
})();
