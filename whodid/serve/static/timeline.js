// The dyad timeline: events per period, conflict above the line and cooperation below it
// (uPlot, vendored), so that a rise of one against the other shows at a glance.
(function () {
  var s = JSON.parse(document.getElementById('series').textContent);
  var el = document.getElementById('chart');
  var xs = s.starts.map(function (d) { return Date.parse(d + 'T00:00:00Z') / 1000; });
  var step = {day: 86400, week: 604800, month: 2629800, year: 31557600}[s.period];
  var coop = s.cooperation.map(function (v) { return -v; });
  var top = Math.max(1, Math.max.apply(null, s.conflict), Math.max.apply(null, s.cooperation));
  var bars = uPlot.paths.bars({size: [0.8, 60]});
  function abs(u, v) { return v == null ? '--' : Math.abs(v); }
  function opts() {
    return {
      width: Math.max(280, el.clientWidth), height: 320,
      scales: {x: {time: true, range: [xs[0] - step / 2, xs[xs.length - 1] + step / 2]},
               y: {range: [-top, top]}},
      series: [
        {label: s.period, value: function (u, v, i, idx) { return idx == null ? '--' : s.labels[idx]; }},
        {label: 'conflict', stroke: '#c8402f', fill: 'rgba(200,64,47,.35)', width: 1, paths: bars, value: abs},
        {label: 'cooperation', stroke: '#2b7bb9', fill: 'rgba(43,123,185,.35)', width: 1, paths: bars, value: abs},
      ],
      axes: [{}, {label: 'events (conflict up, cooperation down)',
                  values: function (u, vals) { return vals.map(function (v) { return Math.abs(v); }); }}],
    };
  }
  var plot = new uPlot(opts(), [xs, s.conflict, coop], el);
  el.setAttribute('data-drawn', xs.length);
  window.addEventListener('resize', function () {
    plot.setSize({width: Math.max(280, el.clientWidth), height: 320});
  });
})();
