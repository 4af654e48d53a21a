// 求人倍率 by town on the map: one circle per town, larger and redder where more places wait per
// active seeker. The list next to the map carries the same figures.
(function () {
  "use strict";
  var el = document.getElementById("town-map");
  var node = document.getElementById("monitoring-map-data");
  if (!el || !node || typeof L === "undefined") return;
  var points = JSON.parse(node.textContent);
  var map = L.map(el, { scrollWheelZoom: false }).setView([22.52, 113.39], 10);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }

  function colour(ratio) {
    if (ratio === null) return "#9ca3af";
    if (ratio >= 1.5) return "#b91c1c";
    if (ratio >= 1) return "#f59e0b";
    if (ratio >= 0.5) return "#1d4ed8";
    return "#9ca3af";
  }

  var bounds = [];
  points.forEach(function (p) {
    var radius = p.ratio === null ? 5 : Math.min(24, 6 + p.ratio * 8);
    var text = p.name + "：" + (p.ratio === null ? "暂无求职者" : "求人倍率 " + p.ratio.toFixed(2)) +
      "（在招 " + p.places + " 人，活跃求职者 " + p.seekers + " 人）";
    L.circleMarker([p.lat, p.lng], { radius: radius, color: colour(p.ratio), weight: 2, fillOpacity: 0.45 })
      .addTo(map).bindTooltip(text);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
})();
