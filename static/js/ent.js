// The Content-Security-Policy allows no inline style: htmx must not insert its own <style>
// (no page uses its indicators), nor evaluate code from attributes.
if (window.htmx) {
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;
}
// htmx sends the CSRF token with every non-GET request it makes.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector('meta[name="csrf-token"]');
  if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
});
// A form sent back with errors: its summary (templates/_error_summary.html) takes the focus,
// so the list of what to fix is read first; each item links to its field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
