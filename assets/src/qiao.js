// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // CSRF token for htmx requests, read from the meta tag the base layout writes.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });

  // Job progress: poll the job's JSON endpoint and move the bar (no inline script, CSP-safe).
  function pollJob(el) {
    var url = el.getAttribute("data-job-url");
    var initial = el.querySelector(".progress-bar");
    if (initial) { initial.style.width = (initial.getAttribute("data-percent") || "0") + "%"; }
    var bar = el.querySelector(".progress-bar");
    var text = el.querySelector("[data-job-message]");
    var link = el.querySelector("[data-job-result]");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          bar.style.width = job.percent + "%";
          bar.setAttribute("aria-valuenow", String(job.percent));
          bar.textContent = job.percent + "%";
          if (text) { text.textContent = job.message || job.state_label; }
          if (job.state === "done" || job.state === "failed") {
            bar.classList.remove("progress-bar-animated");
            if (job.state === "failed") { bar.classList.add("bg-danger"); }
            if (link && job.result_url) { link.href = job.result_url; link.classList.remove("d-none"); }
            if (el.hasAttribute("data-job-reload")) { window.location.reload(); }
            return;
          }
          window.setTimeout(tick, 1000);
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  }

  // A destructive action asks first: forms with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // Auto-submit selects (language and organisation switchers) when JavaScript is on.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit")) { el.form.submit(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-url]").forEach(pollJob);
    document.querySelectorAll("[data-autosubmit-hide]").forEach(function (b) { b.classList.add("d-none"); });
  });
})();
