// The actor network: a force layout (d3-force, vendored) drawn as SVG; line width for events,
// colour from cooperation (blue) to conflict (red); a tap on a side lists its events.
(function () {
  var g = JSON.parse(document.getElementById('graph').textContent);
  var box = document.getElementById('network');
  var W = box.clientWidth || 600, H = box.clientHeight || 400;
  var NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  var svg = el('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'actor network'}, box);
  var defs = el('defs', {}, svg);
  var marker = el('marker', {id: 'arrow', viewBox: '0 -4 8 8', refX: 8, refY: 0,
                             markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse',
                             orient: 'auto'}, defs);
  el('path', {d: 'M0,-4L8,0L0,4', fill: '#7a8494'}, marker);
  var maxE = Math.max.apply(null, g.edges.map(function (e) { return e.events; }));
  var maxN = Math.max.apply(null, g.nodes.map(function (n) { return n.events; }));
  var nodes = g.nodes.map(function (n) { return Object.assign({}, n); });
  var links = g.edges.map(function (e) { return Object.assign({}, e); });
  function colour(e) {
    var t = e.conflict / Math.max(1, e.conflict + e.cooperation);  // 0 cooperation .. 1 conflict
    var r = Math.round(43 + t * (200 - 43)), gg = Math.round(123 + t * (64 - 123)),
        b = Math.round(185 + t * (47 - 185));
    return 'rgb(' + r + ',' + gg + ',' + b + ')';
  }
  function radius(n) { return 5 + 13 * Math.sqrt(n.events / maxN); }
  var pairs = {};
  links.forEach(function (e) { pairs[e.source + ' ' + e.target] = true; });
  var lines = links.map(function (e) {
    e.curved = pairs[e.target + ' ' + e.source] === true;  // both ways: bend each to its side
    var l = el('path', {fill: 'none', 'stroke-width': 1 + 6 * e.events / maxE, stroke: colour(e),
                        'stroke-opacity': .75, 'marker-end': 'url(#arrow)', class: 'edge'}, svg);
    el('title', {}, l).textContent = e.source + ' → ' + e.target + ': ' + e.events +
      ' events (' + e.cooperation + ' cooperation, ' + e.conflict + ' conflict)';
    return l;
  });
  var dots = nodes.map(function (n) {
    var c = el('circle', {r: radius(n), class: 'node', 'data-id': n.id}, svg);
    el('title', {}, c).textContent = n.name + ' (' + n.id + '): ' + n.events + ' events';
    c.addEventListener('click', function () {
      window.location = '/?country=' + encodeURIComponent(n.id);
    });
    return c;
  });
  var labels = nodes.map(function (n) {
    var t = el('text', {'text-anchor': 'middle'}, svg);
    t.textContent = n.id;
    return t;
  });
  var sim = d3.forceSimulation(nodes)
    .force('link', d3.forceLink(links).id(function (n) { return n.id; }).distance(90))
    .force('charge', d3.forceManyBody().strength(-260))
    .force('x', d3.forceX(W / 2).strength(0.07))
    .force('y', d3.forceY(H / 2).strength(0.07))
    .force('collide', d3.forceCollide().radius(function (n) { return radius(n) + 6; }))
    .stop();
  // lay out at once (no animation), so that the picture is the same each time it is drawn
  for (var i = 0; i < 300; i++) sim.tick();
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  nodes.forEach(function (n) { n.x = clamp(n.x, 30, W - 30); n.y = clamp(n.y, 30, H - 30); });
  links.forEach(function (e, i) {
    var dx = e.target.x - e.source.x, dy = e.target.y - e.source.y;
    var d = Math.sqrt(dx * dx + dy * dy) || 1, r = radius(e.target) + 2;
    var x2 = e.target.x - dx / d * r, y2 = e.target.y - dy / d * r;
    var path = 'M' + e.source.x + ',' + e.source.y;
    if (e.curved) {
      var mx = (e.source.x + x2) / 2 - dy / d * 18, my = (e.source.y + y2) / 2 + dx / d * 18;
      path += ' Q' + mx + ',' + my + ' ' + x2 + ',' + y2;
    } else {
      path += ' L' + x2 + ',' + y2;
    }
    lines[i].setAttribute('d', path);
  });
  nodes.forEach(function (n, i) {
    dots[i].setAttribute('cx', n.x); dots[i].setAttribute('cy', n.y);
    labels[i].setAttribute('x', n.x); labels[i].setAttribute('y', n.y - radius(n) - 3);
  });
  box.setAttribute('data-drawn', nodes.length);
})();
