// The cluster map: markers from the map endpoint (GeoJSON), clustered by
// leaflet.markercluster, with popups whose ecosystems come from the cluster's API record.
// Everything the script needs is in the page's data- attributes and its json_script block.
(function () {
  "use strict";

  var root = document.querySelector("[data-cluster-map]");
  var canvas = root && root.querySelector("[data-map-canvas]");
  var textNode = document.getElementById("cluster-map-text");
  if (!root || !canvas || !textNode || !window.L || !L.markerClusterGroup) {
    return;
  }

  var text = JSON.parse(textNode.textContent);
  var data = canvas.dataset;
  var form = root.querySelector("[data-map-form]");
  var count = root.querySelector("[data-map-count]");
  var tilesNote = root.querySelector("[data-map-tiles-note]");
  var listLink = root.querySelector("[data-map-list-link]");
  var filters = root.querySelector("[data-map-filters]");
  var language = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;
  var narrow = window.matchMedia("(max-width: 47.99rem)");

  // On a phone the filters start folded, so the map is in view (unless they hold an error).
  if (filters && narrow.matches && !filters.querySelector("[aria-invalid]")) {
    filters.open = false;
  }

  var center = (data.center || "50.85,4.35").split(",").map(Number);
  var map = L.map(canvas, {
    center: center,
    zoom: Number(data.zoom) || 4,
    minZoom: 2,
    worldCopyJump: true,
  });
  map.attributionControl.setPrefix(
    escapeHtml(data.attributionPrefix || "") +
      (data.attributionPrefix ? " | " : "") +
      '<a href="https://leafletjs.com">Leaflet</a>'
  );

  // Tiles come from elsewhere and may not load (offline, blocked, down). A failed tile
  // leaves the light background of the map's container; markers and popups do not need
  // tiles, so the map goes on working and a note says why the background is blank.
  var tiles = L.tileLayer(data.tilesUrl, {
    attribution: data.tilesAttribution || "",
    maxZoom: 19,
    // OpenStreetMap's tile policy asks for a Referer; the portal's own policy sends none
    // across origins, so the tile layer asks for the origin only.
    referrerPolicy: "strict-origin",
  });
  var tilesLoaded = false;
  tiles.on("tileerror", function () {
    if (!tilesLoaded && tilesNote) {
      tilesNote.hidden = false;
      root.classList.add("cluster-map-page--no-tiles");
    }
  });
  tiles.on("tileload", function () {
    tilesLoaded = true;
    if (tilesNote) {
      tilesNote.hidden = true;
    }
    root.classList.remove("cluster-map-page--no-tiles");
  });
  tiles.addTo(map);

  // chunkedLoading adds the markers in slices between frames: 50,000 do not freeze the page.
  // The map is busy (aria-busy) until the last slice is in.
  var markers = L.markerClusterGroup({
    chunkedLoading: true,
    showCoverageOnHover: false,
    chunkProgress: function (processed, total) {
      if (processed >= total) {
        canvas.removeAttribute("aria-busy");
      }
    },
  });
  markers.on("click", function (event) {
    openPopup(event.layer);
  });
  // A focused marker is a button: Enter opens its popup too (Leaflet sends a keypress).
  markers.on("keypress", function (event) {
    if (event.originalEvent && event.originalEvent.key === "Enter") {
      openPopup(event.layer);
    }
  });
  map.addLayer(markers);

  // The map fills the viewport below the header, whatever height the header wraps to.
  function fitToViewport() {
    var top = root.getBoundingClientRect().top + window.scrollY;
    document.documentElement.style.setProperty("--cluster-map-top", Math.round(top) + "px");
    map.invalidateSize();
  }
  fitToViewport();
  window.addEventListener("resize", fitToViewport);

  // --- markers ----------------------------------------------------------------------

  var loading = null;

  function load(query, fitBounds) {
    if (loading) {
      loading.abort();
    }
    loading = new AbortController();
    count.textContent = text.countLoading;
    canvas.setAttribute("aria-busy", "true");
    fetch(data.dataUrl + (query ? "?" + query : ""), {
      headers: { Accept: "application/geo+json, application/json" },
      credentials: "same-origin",
      signal: loading.signal,
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        show(collection.features || [], fitBounds);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          count.textContent = text.countFailed;
          canvas.removeAttribute("aria-busy");
        }
      });
  }

  function show(features, fitBounds) {
    var layers = [];
    var points = [];
    features.forEach(function (feature) {
      var coordinates = feature.geometry && feature.geometry.coordinates;
      if (!coordinates || coordinates.length < 2) {
        return;
      }
      var props = feature.properties || {};
      var latLng = L.latLng(coordinates[1], coordinates[0]);
      var marker = L.marker(latLng, { title: props.name, alt: props.name, riseOnHover: true });
      marker.profile = props; // id, name, country, url
      layers.push(marker);
      points.push(latLng);
    });
    markers.clearLayers();
    // Move first, then add: the clusters are computed once, for the view they are shown in,
    // instead of animating from the old view to the new one.
    if (fitBounds && points.length) {
      map.fitBounds(L.latLngBounds(points), { padding: [32, 32], maxZoom: 9, animate: false });
    }
    markers.addLayers(layers);
    setCount(layers.length);
  }

  function setCount(n) {
    var sentence = plural && plural.select(n) === "one" ? text.countOne : text.countOther;
    count.textContent = sentence.replace("%(count)s", n.toLocaleString(language));
  }

  // --- popups -----------------------------------------------------------------------

  var details = {}; // cluster id -> the API's record, once loaded
  var openMarker = null;
  var byKeyboard = false; // was the last action in the map a key press?

  canvas.addEventListener("keydown", function (event) {
    byKeyboard = true;
    // Escape closes the popup and gives the focus back to its marker.
    if (event.key === "Escape" && openMarker) {
      var marker = openMarker;
      map.closePopup();
      if (marker.getElement()) {
        marker.getElement().focus({ preventScroll: true });
      }
      event.preventDefault();
    }
  });
  canvas.addEventListener("pointerdown", function () {
    byKeyboard = false;
  });

  function openPopup(marker) {
    if (marker.getPopup()) {
      return; // bound on an earlier click: Leaflet's own handler opens it
    }
    var content = popupContent(marker.profile);
    marker.bindPopup(content.box, { maxWidth: 300, minWidth: 200 });
    marker.on("popupopen", function () {
      openMarker = marker;
      fillEcosystems(marker.profile.id, content.ecosystems);
      // Opened from the keyboard: the focus moves into the popup, so what it says is read
      // out and its link is the next Tab stop.
      if (byKeyboard) {
        content.box.focus({ preventScroll: true });
      }
    });
    marker.on("popupclose", function () {
      if (openMarker === marker) {
        openMarker = null;
      }
    });
    marker.openPopup();
  }

  function popupContent(props) {
    var box = element("div", "cluster-map-popup");
    box.tabIndex = -1;
    var title = element("p", "cluster-map-popup__title", props.name);
    var country = element(
      "p",
      "cluster-map-popup__country",
      (text.countries && text.countries[props.country]) || props.country || ""
    );
    var ecosystems = element("span", "cluster-map-popup__ecosystem-names", text.ecosystemsLoading);
    var ecosystemsLine = element(
      "p",
      "cluster-map-popup__ecosystems",
      element("span", "portal-visually-hidden", text.ecosystemsLabel + ": ")
    );
    ecosystemsLine.setAttribute("aria-live", "polite");
    ecosystemsLine.append(ecosystems);
    var link = element("a", "ecl-link ecl-link--standalone", text.profileLink);
    link.href = props.url;
    box.append(title, country, ecosystemsLine, element("p", "cluster-map-popup__more", link));
    return { box: box, ecosystems: ecosystems };
  }

  function fillEcosystems(id, target) {
    if (details[id]) {
      target.textContent = ecosystemNames(details[id]);
      return;
    }
    target.textContent = text.ecosystemsLoading;
    target.classList.remove("cluster-map-popup__ecosystem-names--failed");
    fetch(data.detailUrl.replace("{id}", encodeURIComponent(id)), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (record) {
        details[id] = record;
        target.textContent = ecosystemNames(record);
      })
      .catch(function () {
        // Opening the popup again tries again.
        target.textContent = text.ecosystemsFailed;
        target.classList.add("cluster-map-popup__ecosystem-names--failed");
      });
  }

  function ecosystemNames(record) {
    var names = (record.ecosystems || []).map(function (slug) {
      return (text.ecosystems && text.ecosystems[slug]) || slug;
    });
    return names.length ? names.join(", ") : text.ecosystemsNone;
  }

  // --- filters ----------------------------------------------------------------------

  function formQuery() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = formQuery();
      // The address bar holds the filters, so a filtered map can be shared.
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      if (listLink) {
        listLink.href = data.listUrl + (query ? "?" + query : "");
      }
      map.closePopup();
      load(query, true);
    });
  }

  load(form ? formQuery() : "", true);

  // --- helpers ----------------------------------------------------------------------

  function element(tag, className, content) {
    var node = document.createElement(tag);
    node.className = className;
    if (typeof content === "string") {
      node.textContent = content;
    } else if (content) {
      node.append(content);
    }
    return node;
  }

  function escapeHtml(value) {
    var node = document.createElement("span");
    node.textContent = value;
    return node.innerHTML;
  }
})();
