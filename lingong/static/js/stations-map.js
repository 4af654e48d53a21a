// Station maps for the finder and the detail page. The list next to the map carries the same
// information, so the page stays usable when tiles or scripts do not load.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  var map = L.map(el, { scrollWheelZoom: false }).setView([22.52, 113.39], 11);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var layer = L.layerGroup().addTo(map);
  var colours = { gig_market: "#c2410c", employment_station: "#1d4ed8" };

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function popup(item) {
    var a = document.createElement("a");
    a.href = item.url;
    a.textContent = item.name;
    return a;
  }

  function render() {
    layer.clearLayers();
    var bounds = [];
    var single = readJson("map-station");
    if (single) {
      L.circleMarker([single.lat, single.lng], { radius: 10, color: "#1d4ed8" }).addTo(layer)
        .bindTooltip(single.name);
      map.setView([single.lat, single.lng], 15);
      return;
    }
    (readJson("map-markers") || []).forEach(function (m) {
      L.circleMarker([m.lat, m.lng], { radius: 8, color: colours[m.kind] || "#333", weight: 2 })
        .addTo(layer).bindPopup(popup(m));
      bounds.push([m.lat, m.lng]);
    });
    var point = readJson("map-point");
    if (point) {
      L.circleMarker([point.lat, point.lng], { radius: 6, color: "#15803d", fillOpacity: 1 })
        .addTo(layer).bindTooltip("我的位置");
      bounds.push([point.lat, point.lng]);
    }
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }

  if (el.dataset.picker) {
    // Station form: click the map to fill in the point; typing in the fields moves the marker.
    var lat = document.getElementById(el.dataset.latInput || "id_lat");
    var lng = document.getElementById(el.dataset.lngInput || "id_lng");
    var marker = null;
    var place = function (latlng, pan) {
      if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
      if (pan) map.setView(latlng, 15);
    };
    if (lat.value && lng.value) place([parseFloat(lat.value), parseFloat(lng.value)], true);
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lng.value = e.latlng.lng.toFixed(6);
      place(e.latlng, false);
    });
    [lat, lng].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(lat.value), b = parseFloat(lng.value);
        if (!isNaN(a) && !isNaN(b)) place([a, b], true);
      });
    });
    return;
  }

  render();
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "results") render();
  });

  var form = document.getElementById("finder-form");
  var button = document.getElementById("use-location");
  var near = document.getElementById("near");
  var status = document.getElementById("locate-status");
  var nearTown = document.getElementById("near_town");
  if (!form || !button) return;

  function submit() {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  if (nearTown) nearTown.addEventListener("change", function () { near.value = ""; });
  button.addEventListener("click", function () {
    if (!navigator.geolocation) {
      status.textContent = "此设备无法定位，请选择镇街。";
      return;
    }
    status.textContent = "正在定位……";
    navigator.geolocation.getCurrentPosition(function (pos) {
      near.value = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5);
      if (nearTown) nearTown.value = "";
      status.textContent = "已定位";
      submit();
    }, function () {
      status.textContent = "无法获取位置（可能未授权），请选择镇街。";
    }, { timeout: 10000, maximumAge: 60000 });
  });
  // htmx loads deferred; wait for it so the located search swaps in place instead of reloading the page.
  document.addEventListener("DOMContentLoaded", function () {
    if (new URLSearchParams(window.location.search).get("locate") === "1" && !near.value) button.click();
  });
})();
