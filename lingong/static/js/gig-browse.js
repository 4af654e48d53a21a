// The gig list's map and "use my location". The list next to the map shows the same gigs, so the page
// works when tiles or scripts do not load; the search form is a plain GET form that htmx enhances.
(function () {
  "use strict";
  var form = document.getElementById("gig-search");
  var near = document.getElementById("near");
  var station = document.getElementById("station");
  var button = document.getElementById("use-location");
  var status = document.getElementById("locate-status");

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function submit() {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  if (form && button && near) {
    if (station) station.addEventListener("change", function () { near.value = ""; });
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = "此设备无法定位，请选择出发的站点或镇街。";
        return;
      }
      status.textContent = "正在定位……";
      navigator.geolocation.getCurrentPosition(function (pos) {
        near.value = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5);
        if (station) station.value = "";
        status.textContent = "已定位，按距离由近到远排列";
        submit();
      }, function () {
        status.textContent = "无法获取位置（可能未授权），请选择出发的站点。";
      }, { timeout: 10000, maximumAge: 60000 });
    });
    if (near.value) status.textContent = "已按我的位置计算距离";
  }

  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  var map = L.map(el, { scrollWheelZoom: false }).setView([22.52, 113.39], 11);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var layer = L.layerGroup().addTo(map);

  function popup(item) {
    var box = document.createElement("div");
    var a = document.createElement("a");
    a.href = item.url;
    a.textContent = item.name;
    var pay = document.createElement("div");
    pay.textContent = item.pay;
    box.appendChild(a);
    box.appendChild(pay);
    return box;
  }

  function render() {
    layer.clearLayers();
    var bounds = [];
    (readJson("gig-markers") || []).forEach(function (m) {
      L.circleMarker([m.lat, m.lng], { radius: 8, color: "#b91c1c", weight: 2 })
        .addTo(layer).bindPopup(popup(m));
      bounds.push([m.lat, m.lng]);
    });
    var point = readJson("gig-point");
    if (point) {
      L.circleMarker([point.lat, point.lng], { radius: 6, color: "#15803d", fillOpacity: 1 })
        .addTo(layer).bindTooltip("出发点");
      bounds.push([point.lat, point.lng]);
    }
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }

  render();
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "results") render();
  });
})();
