// Persons served per service type (or per station / town in the roll-ups) as a horizontal bar chart.
// The table next to the chart carries the same figures, so the page stays readable without scripts.
(function () {
  "use strict";
  var el = document.getElementById("ledger-chart");
  var node = document.getElementById("ledger-chart-data");
  if (!el || !node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  if (!data.values.some(function (v) { return v > 0; })) {
    el.classList.add("empty");
    return;
  }
  // Top to bottom in the order of the table: ECharts draws category axes from the bottom up.
  var labels = data.labels.slice().reverse();
  var values = data.values.slice().reverse();
  el.classList.add("drawn");
  el.style.height = Math.max(160, labels.length * 26 + 40) + "px";
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + " 人次"; } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: labels, axisLabel: { interval: 0 } },
    series: [{ type: "bar", data: values, itemStyle: { color: "#1d4ed8" }, label: { show: true, position: "right" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
