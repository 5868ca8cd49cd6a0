/*!
 * FeedbackConsole capture script — drop-in, dependency-free capture of end-user feedback in a chat UI.
 *
 *   <script src="https://<console>/assets/feedback-capture.js" defer
 *           data-fc-endpoint="https://<console>" data-fc-key="fc_pub_…"></script>
 *
 * Mark each assistant answer with data-fc-interaction="<your interaction id>" (and optionally
 * data-fc-user="<end user id>"). Inside it, mark controls: data-fc-thumb="up|down", data-fc-regenerate,
 * data-fc-copy. The script then sends thumb, copy (button or text copied from the answer), dwell (how long the
 * answer was on screen), regenerate and abandon (the page was left without using the latest answer).
 * Signals are batched and sent with fetch keepalive, so they survive the page being closed. The script never
 * throws into the page and never blocks it. Manual use: window.FeedbackCapture.signal({...}), .flush().
 */
(function () {
  "use strict";
  if (window.FeedbackCapture) { return; }

  var script = document.currentScript || document.querySelector("script[data-fc-key]");
  var config = {
    endpoint: ((script && script.getAttribute("data-fc-endpoint")) || "").replace(/\/+$/, ""),
    key: (script && script.getAttribute("data-fc-key")) || "",
    flushMs: Number((script && script.getAttribute("data-fc-flush-ms")) || 2000),
    maxBatch: 50
  };
  var queue = [];
  var timer = null;
  var seen = {};          // interaction id -> { visibleSince, visibleMs, engaged, element }
  var latest = null;      // the most recently shown interaction id
  var observer = null;
  var disabled = !config.key || !window.fetch;

  function safe(fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (e) { if (window.console && console.debug) { console.debug("FeedbackCapture:", e); } }
    };
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "fc-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function interactionOf(node) {
    var el = node && node.nodeType === 1 ? node : node && node.parentElement;
    return el && el.closest ? el.closest("[data-fc-interaction]") : null;
  }

  function enqueue(kind, element, extra) {
    if (disabled || !element) { return; }
    var id = element.getAttribute("data-fc-interaction");
    if (!id) { return; }
    var signal = { id: uuid(), interactionId: id, kind: kind, occurredAt: new Date().toISOString() };
    var user = element.getAttribute("data-fc-user");
    if (user) { signal.endUserId = user; }
    for (var k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { signal[k] = extra[k]; } }
    queue.push(signal);
    if (kind !== "dwell" && kind !== "abandon" && seen[id]) { seen[id].engaged = true; }
    if (queue.length >= config.maxBatch) { flush(false); } else if (!timer) { timer = setTimeout(function () { flush(false); }, config.flushMs); }
  }

  function flush(leaving) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (disabled || queue.length === 0) { return; }
    var batch = queue.splice(0, 500);
    var body = JSON.stringify({ signals: batch });
    try {
      window.fetch(config.endpoint + "/api/v1/signals", {
        method: "POST",
        // keepalive lets the request finish after the page is gone (its body is limited to 64 KiB).
        keepalive: leaving && body.length < 60000,
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + config.key },
        body: body
      }).then(function (response) {
        // Retry once later on overload or a transient server error; the same ids make the retry safe.
        if (!leaving && (response.status === 429 || response.status >= 500)) {
          queue = batch.concat(queue);
          if (!timer) { timer = setTimeout(function () { flush(false); }, Math.max(config.flushMs, 5000)); }
        }
      }, function () { /* offline: nothing to do, capture must never bother the page */ });
    } catch (e) { /* ignore */ }
  }

  function track(element) {
    var id = element.getAttribute("data-fc-interaction");
    if (!id || seen[id]) { return; }
    seen[id] = { visibleSince: null, visibleMs: 0, engaged: false, element: element, dwellSent: false };
    latest = id;
    if (observer) { observer.observe(element); } else { seen[id].visibleSince = Date.now(); }
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.hasAttribute && root.hasAttribute("data-fc-interaction")) { track(root); }
    var found = root.querySelectorAll("[data-fc-interaction]");
    for (var i = 0; i < found.length; i++) { track(found[i]); }
  }

  function stopClock(entry) {
    if (entry.visibleSince !== null) { entry.visibleMs += Date.now() - entry.visibleSince; entry.visibleSince = null; }
  }

  var onLeave = safe(function () {
    for (var id in seen) {
      if (!Object.prototype.hasOwnProperty.call(seen, id)) { continue; }
      var entry = seen[id];
      stopClock(entry);
      if (!entry.dwellSent && entry.visibleMs > 0) {
        entry.dwellSent = true;
        enqueue("dwell", entry.element, { value: Math.min(Math.round(entry.visibleMs), 86400000) });
      }
    }
    if (latest && seen[latest] && !seen[latest].engaged && !seen[latest].abandonSent) {
      seen[latest].abandonSent = true;
      enqueue("abandon", seen[latest].element, {});
    }
    flush(true);
  });

  var onResume = safe(function () {
    for (var id in seen) {
      if (Object.prototype.hasOwnProperty.call(seen, id) && seen[id].visible) { seen[id].visibleSince = Date.now(); }
    }
  });

  var onClick = safe(function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-fc-thumb],[data-fc-regenerate],[data-fc-copy]") : null;
    if (!target) { return; }
    var element = interactionOf(target);
    if (!element) { return; }
    if (target.hasAttribute("data-fc-thumb")) {
      var value = target.getAttribute("data-fc-thumb") === "down" ? "down" : "up";
      enqueue("thumb", element, { value: value });
    } else if (target.hasAttribute("data-fc-regenerate")) {
      enqueue("regenerate", element, {});
    } else {
      enqueue("copy", element, {});
    }
  });

  var onCopy = safe(function () {
    var selection = window.getSelection && window.getSelection();
    if (!selection || selection.rangeCount === 0 || String(selection).length === 0) { return; }
    var element = interactionOf(selection.anchorNode);
    if (element) { enqueue("copy", element, {}); }
  });

  safe(function start() {
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver(safe(function (entries) {
        entries.forEach(function (change) {
          var entry = seen[change.target.getAttribute("data-fc-interaction")];
          if (!entry) { return; }
          entry.visible = change.isIntersecting;
          if (change.isIntersecting && document.visibilityState !== "hidden") { if (entry.visibleSince === null) { entry.visibleSince = Date.now(); } }
          else { stopClock(entry); }
        });
      }), { threshold: 0.5 });
    }
    scan(document.body || document.documentElement);
    if ("MutationObserver" in window) {
      new MutationObserver(safe(function (mutations) {
        mutations.forEach(function (m) { for (var i = 0; i < m.addedNodes.length; i++) { scan(m.addedNodes[i]); } });
      })).observe(document.documentElement, { childList: true, subtree: true });
    }
    document.addEventListener("click", onClick, true);
    document.addEventListener("copy", onCopy, true);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { onLeave(); } else { onResume(); } });
    window.addEventListener("pagehide", onLeave);
  })();

  window.FeedbackCapture = {
    /** Queue a signal yourself: { kind, interactionId, value?, dimension?, flag?, text?, endUserId? }. */
    signal: safe(function (s) {
      if (!s || !s.interactionId || !s.kind) { return; }
      var element = document.querySelector('[data-fc-interaction="' + String(s.interactionId).replace(/"/g, '\\"') + '"]')
        || { getAttribute: function (name) { return name === "data-fc-interaction" ? s.interactionId : (name === "data-fc-user" ? s.endUserId || null : null); } };
      var extra = {};
      ["value", "dimension", "flag", "text", "metadata"].forEach(function (k) { if (s[k] !== undefined) { extra[k] = s[k]; } });
      enqueue(s.kind, element, extra);
    }),
    /** Send what is queued now. */
    flush: safe(function () { flush(false); }),
    /** For tests and debugging: the signals not yet sent. */
    pending: function () { return queue.slice(); }
  };
})();
