'use strict';
// The plotly.js bundle Titrate serves (`make vendor-plotly` builds it): the
// library's core (src/core.js) with only what insights/charts.py draws —
// scatter, bar and box traces; shapes, error bars, colour scales, legends,
// hover and the mode bar's settings. Modules not registered here (annotations, sliders,
// menus, range sliders, images, selections) are skipped by plotly.js where it
// would call them. No eval or `new Function`: it runs under the strict CSP.
var Registry = require('plotly.js/src/registry');
var plotApi = require('plotly.js/src/plot_api');

exports.version = require('plotly.js/src/version').version;
require('plotly.js/build/plotcss');
exports.register = Registry.register;
Object.keys(plotApi).forEach(function(name) {
    if(name.charAt(0) !== '_') exports[name] = plotApi[name];
    Registry.register({moduleType: 'apiMethod', name: name, fn: plotApi[name]});
});
Registry.register(require('plotly.js/src/traces/scatter'));
Registry.register([
    require('plotly.js/src/components/shapes'),
    require('plotly.js/src/components/colorscale'),
    require('plotly.js/src/components/colorbar'),
    require('plotly.js/src/components/errorbars'), // the intervals
    require('plotly.js/src/components/legend'), // after shapes, as in src/core.js
    require('plotly.js/src/components/fx'), // after legend, as in src/core.js
    require('plotly.js/src/components/modebar'), // its layout, even when hidden
]);
Registry.register([
    require('plotly.js/src/locale-en'),
    require('plotly.js/src/locale-en-us'),
]);
Registry.register([require('plotly.js/lib/bar'), require('plotly.js/lib/box')]);
