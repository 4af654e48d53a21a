// Coverage map: operating stations with their 15-minute reach, candidate sites and the suggested sites.
// The lists and tables on the page carry the same information.
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  var node = document.getElementById("coverage-map-data");
  if (!el || !node || typeof L === "undefined") return;
  var data = JSON.parse(node.textContent);
  var map = L.map(el, { scrollWheelZoom: false }).setView([22.52, 113.39], 10);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var reach = data.reach_m[data.mode] || 800;
  var bounds = [];
  var colours = { gig_market: "#c2410c", employment_station: "#1d4ed8" };
  data.stations.forEach(function (s) {
    L.circle([s.lat, s.lng], { radius: reach, color: colours[s.kind] || "#333", weight: 1, fillOpacity: 0.08 })
      .addTo(map);
    L.circleMarker([s.lat, s.lng], { radius: 6, color: colours[s.kind] || "#333", weight: 2 })
      .addTo(map).bindTooltip(s.name);
    bounds.push([s.lat, s.lng]);
  });
  data.candidates.forEach(function (c) {
    L.circleMarker([c.lat, c.lng], { radius: 5, color: "#6b7280", weight: 2, dashArray: "2 2" })
      .addTo(map).bindTooltip("候选：" + c.name);
    bounds.push([c.lat, c.lng]);
  });
  var picked = [];
  data.suggestions.forEach(function (s) {
    L.circle([s.lat, s.lng], { radius: reach, color: "#15803d", weight: 2, fillOpacity: 0.12 }).addTo(map);
    L.circleMarker([s.lat, s.lng], { radius: 8, color: "#15803d", fillOpacity: 1 })
      .addTo(map).bindTooltip("建议 " + s.rank + "：" + s.name + "（新增覆盖 " + s.gain + " 人）");
    picked.push([s.lat, s.lng]);
  });
  // Clicking the map fills in the candidate form's point.
  var lat = document.getElementById("id_lat");
  var lng = document.getElementById("id_lng");
  var pin = null;
  if (lat && lng) {
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lng.value = e.latlng.lng.toFixed(6);
      if (pin) pin.setLatLng(e.latlng); else pin = L.marker(e.latlng).addTo(map);
    });
  }
  var focus = picked.length ? picked : bounds;
  if (focus.length) map.fitBounds(focus, { padding: [32, 32], maxZoom: 14 });
})();
