// Monitoring charts (ECharts from our own static files). Each chart reads its figures from the
// "monitoring-chart-data" block written by the page; the table beside (or under) each chart carries
// the same figures, so the page stays readable when scripts do not load. The big screen swaps its
// body in every few minutes, so the charts are drawn again after each htmx swap.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var COLOURS = ["#1d4ed8", "#c2410c", "#15803d", "#7c3aed", "#b91c1c"];
  var BRIGHT = ["#60a5fa", "#fb923c", "#4ade80", "#c084fc", "#f87171"];  // on the dark big screen

  function option(spec, dark) {
    var horizontal = !!spec.horizontal;
    var twoAxes = spec.series.some(function (s) { return s.axis === 1; });
    var category = {
      type: "category",
      data: spec.x,
      inverse: horizontal,
      axisLabel: horizontal ? { width: 220, overflow: "truncate" } : { hideOverlap: true }
    };
    if (!horizontal && spec.series.every(function (s) { return s.type === "bar"; }) && spec.x.length > 12) {
      category.axisLabel = { interval: 0, rotate: 45 };
    }
    var values = [{ type: "value", minInterval: 1 }];
    if (twoAxes) {
      values.push({ type: "value", name: "倍率", nameTextStyle: { align: "right" }, splitLine: { show: false } });
    }
    var colours = dark ? BRIGHT : COLOURS;
    return {
      animation: false,
      backgroundColor: "transparent",
      textStyle: dark ? { fontSize: 14 } : {},
      tooltip: { trigger: "axis", axisPointer: { type: horizontal ? "shadow" : "line" } },
      legend: { top: 0, show: spec.series.length > 1 },
      grid: { left: 8, right: twoAxes ? 8 : 24, top: spec.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? values[0] : category,
      yAxis: horizontal ? category : values,
      series: spec.series.map(function (s, i) {
        return {
          name: s.name,
          type: s.type,
          data: s.data,
          yAxisIndex: horizontal ? 0 : s.axis,
          showSymbol: false,
          itemStyle: { color: colours[i % colours.length] },
          lineStyle: s.axis === 1 ? { type: "dashed", width: 2 } : { width: 2 }
        };
      })
    };
  }

  var drawn = [];

  function draw() {
    var node = document.getElementById("monitoring-chart-data");
    drawn.forEach(function (chart) { chart.dispose(); });
    drawn = [];
    if (!node) return;
    var data = JSON.parse(node.textContent);
    var dark = document.body.classList.contains("screen");
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.dataset.chart];
      if (!spec || !spec.x.length) {
        el.classList.add("empty");
        return;
      }
      var chart = echarts.init(el, dark ? "dark" : null, { renderer: "svg" });
      chart.setOption(option(spec, dark));
      drawn.push(chart);
    });
  }

  draw();
  window.addEventListener("resize", function () { drawn.forEach(function (chart) { chart.resize(); }); });
  document.body.addEventListener("htmx:afterSwap", draw);
})();
