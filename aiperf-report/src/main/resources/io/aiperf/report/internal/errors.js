// Runs before anything else on the page: records every error and console.error in
// body[data-console-errors], so that a test reading the DOM (chromium --dump-dom) sees them.
(function () {
  var errors = window.__aiperfErrors = [];
  function record(message) {
    errors.push(message);
    if (document.body) document.body.dataset.consoleErrors = JSON.stringify(errors);
  }
  window.__aiperfRecord = record;
  window.addEventListener('error', function (e) {
    record(String(e.message || e.type) + (e.filename ? ' at ' + e.filename + ':' + e.lineno : ''));
  });
  window.addEventListener('unhandledrejection', function (e) {
    record('unhandled rejection: ' + String(e.reason));
  });
  var original = console.error;
  console.error = function () {
    record(Array.prototype.map.call(arguments, String).join(' '));
    return original.apply(console, arguments);
  };
})();
