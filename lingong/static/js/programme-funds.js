// Budget versus spending per town (ECharts). The table next to the chart carries the same figures, so
// the page stays readable when scripts do not load.
(function () {
  "use strict";
  var el = document.getElementById("funds-chart");
  var node = document.getElementById("funds-chart-data");
  if (!el || !node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " 万元"; } },
    legend: { data: ["预算", "市级资金支出", "配套资金支出"], top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 64 },
    xAxis: { type: "category", data: data.towns, axisLabel: { interval: 0, rotate: 45 } },
    yAxis: { type: "value", name: "万元" },
    series: [
      { name: "预算", type: "bar", data: data.budget, itemStyle: { color: "#93c5fd" } },
      { name: "市级资金支出", type: "bar", data: data.spent, itemStyle: { color: "#b91c1c" } },
      { name: "配套资金支出", type: "bar", data: data.co_spent, itemStyle: { color: "#f59e0b" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
