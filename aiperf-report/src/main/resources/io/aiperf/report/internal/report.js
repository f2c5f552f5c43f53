// Draws the report's charts with uPlot from the data the JVM aggregated, then marks each chart
// container with data-drawn="true" when its plot area holds coloured pixels (the series), or
// "blank" when it does not; body[data-charts-drawn] counts them.
(function () {
  'use strict';
  var spec = JSON.parse(document.getElementById('aiperf-data').textContent);
  var drawn = 0;
  var blank = 0;

  function alpha(hex, a) {
    var v = Math.round(a * 255).toString(16);
    return hex + (v.length < 2 ? '0' + v : v);
  }

  function fmt(v) {
    if (v == null || !isFinite(v)) return '';
    var a = Math.abs(v);
    if (Number.isInteger(v) || a >= 1000) return v.toLocaleString('en-US', {maximumFractionDigits: 0});
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return v.toPrecision(3);
  }

  // Axis ticks: as many decimals as their spacing needs, so close ticks stay distinct.
  function ticks(u, vals) {
    var step = vals.length > 1 ? Math.abs(vals[1] - vals[0]) : 1;
    var decimals = step > 0 ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step)))) : 0;
    return vals.map(function (v) {
      return v == null ? '' : v.toLocaleString('en-US', {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
    });
  }

  function colouredPixels(u) {
    var ctx = u.ctx;
    var b = u.bbox;
    if (b.width < 1 || b.height < 1) return 0;
    var px = ctx.getImageData(Math.round(b.left), Math.round(b.top), Math.round(b.width), Math.round(b.height)).data;
    var n = 0;
    for (var i = 0; i < px.length; i += 4) {
      var r = px[i], g = px[i + 1], bl = px[i + 2], a = px[i + 3];
      if (a > 60 && Math.max(r, g, bl) - Math.min(r, g, bl) > 40) n++;
    }
    return n;
  }

  function seriesOpts(s) {
    var o = {label: s.label, scale: s.axis, stroke: s.color, width: 2, spanGaps: true, value: function (u, v) { return fmt(v); }};
    switch (s.style) {
      case 'points':
      case 'crosses':
        o.paths = function () { return null; };
        o.width = s.style === 'crosses' ? 2 : 1;
        o.points = {show: true, size: s.style === 'crosses' ? 7 : (s.n > 2000 ? 3 : s.n > 50 ? 5 : 10),
          stroke: s.color, fill: s.style === 'crosses' ? '#ffffff' : s.color, width: s.style === 'crosses' ? 2 : 1};
        break;
      case 'step':
        o.paths = uPlot.paths.stepped({align: 1});
        o.points = {show: false};
        break;
      case 'bars':
        o.paths = uPlot.paths.bars({size: [0.92, Infinity], align: 0});
        o.fill = alpha(s.color, 0.75);
        o.points = {show: false};
        break;
      case 'bandedge':
        o.width = 1;
        o.stroke = alpha(s.color, 0.45);
        o.points = {show: false};
        break;
      default:
        o.points = {show: s.n <= 30};
    }
    return o;
  }

  // Each point's interval as a vertical bar with caps, over its series (hidden with it).
  function errorBars(u, c) {
    var ctx = u.ctx;
    var px = window.devicePixelRatio || 1;
    (c.errors || []).forEach(function (e) {
      var s = u.series[e.series];
      if (!s || !s.show) return;
      var xs = u.data[0];
      ctx.save();
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 1.5 * px;
      ctx.beginPath();
      for (var i = 0; i < xs.length; i++) {
        var lo = e.lo[i], hi = e.hi[i];
        if (xs[i] == null || lo == null || hi == null) continue;
        var x = u.valToPos(xs[i], 'x', true);
        var y0 = u.valToPos(lo, s.scale, true);
        var y1 = u.valToPos(hi, s.scale, true);
        ctx.moveTo(x, y0);
        ctx.lineTo(x, y1);
        ctx.moveTo(x - 4 * px, y0);
        ctx.lineTo(x + 4 * px, y0);
        ctx.moveTo(x - 4 * px, y1);
        ctx.lineTo(x + 4 * px, y1);
      }
      ctx.stroke();
      ctx.restore();
    });
  }

  // The y range covers the intervals too, not only the means.
  function errorRange(c, scale) {
    var lo = Infinity, hi = -Infinity;
    (c.errors || []).forEach(function (e) {
      if ((c.series[e.series - 1].axis || 'y') !== scale) return;
      e.lo.concat(e.hi).forEach(function (v) {
        if (v != null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      });
    });
    return lo <= hi ? [lo, hi] : null;
  }

  function draw(c) {
    var el = document.getElementById(c.el);
    var width = Math.max(480, el.clientWidth || 600);
    var axes = [{label: c.xLabel, values: ticks},
      {label: c.yLabel, scale: 'y', values: ticks, size: 64}];
    var scales = {x: {time: false}, y: {}};
    if (c.y2Label) {
      axes.push({label: c.y2Label, scale: 'y2', side: 1, grid: {show: false}, values: ticks, size: 64});
      scales.y2 = {};
    }
    var span = errorRange(c, 'y');
    if (span) {
      scales.y = {range: function (u, min, max) {
        var a = Math.min(min, span[0]), b = Math.max(max, span[1]);
        var pad = (b - a) * 0.05 || Math.abs(b) * 0.05 || 1;
        return [a - pad, b + pad];
      }};
    }
    var series = [{label: c.xLabel, value: function (u, v) { return fmt(v); }}].concat(c.series.map(seriesOpts));
    var opts = {
      width: width, height: 340, scales: scales, axes: axes, series: series,
      bands: c.bands.map(function (b) { return {series: [b[0], b[1]], fill: alpha(b[2], 0.16)}; }),
      legend: {live: true},
      cursor: {drag: {x: true, y: false}},
      hooks: {draw: [function (u) { errorBars(u, c); }, function (u) {
        if (el.dataset.drawn) return;
        var n = colouredPixels(u);
        el.dataset.colouredPixels = String(n);
        el.dataset.drawn = n > 0 ? 'true' : 'blank';
        if (n > 0) drawn++; else blank++;
        document.body.dataset.chartsDrawn = String(drawn);
        document.body.dataset.chartsBlank = String(blank);
      }]}
    };
    new uPlot(opts, c.data, el);
  }

  document.body.dataset.chartsTotal = String(spec.charts.length);
  document.body.dataset.chartsDrawn = '0';
  document.body.dataset.chartsBlank = '0';
  spec.charts.forEach(function (c) {
    try {
      draw(c);
    } catch (e) {
      window.__aiperfRecord('chart ' + c.el + ': ' + e);
    }
  });
  // uPlot draws in a microtask queued by each constructor; this one runs after all of them.
  Promise.resolve().then(function () {
    document.body.dataset.consoleErrors = JSON.stringify(window.__aiperfErrors);
    document.body.dataset.ready = 'true';
  });
})();
