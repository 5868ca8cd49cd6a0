/*!
 * FeedbackConsole capture script — drop-in, dependency-free capture of end-user feedback in a chat UI.
 *
 *   <script src="https://<console>/assets/feedback-capture.js" defer
 *           data-fc-endpoint="https://<console>" data-fc-key="fc_pub_…"></script>
 *
 * Mark each assistant answer with data-fc-interaction="<your interaction id>" and data-fc-user="<end user id>"
 * (on the answer or any ancestor). Inside it, mark controls: data-fc-thumb="up|down", data-fc-regenerate,
 * data-fc-copy. The script then sends thumb, copy (button or text copied from the answer), dwell (how long the
 * answer was on screen), regenerate and abandon (the page was left without using the latest answer).
 * Signals are batched and sent with fetch keepalive, so they survive the page being closed. The script never
 * throws into the page and never blocks it. Manual use: window.FeedbackCapture.signal({...}), .flush().
 */
(function () {
  "use strict";
  if (window.FeedbackCapture) { return; }

  var INTERACTION = "data-fc-interaction";
  var USER = "data-fc-user";
  var script = document.currentScript || document.querySelector("script[data-fc-key]");

  function attribute(name) { return (script && script.getAttribute(name)) || ""; }

  // Without data-fc-endpoint, signals go to the console the script was loaded from.
  function scriptOrigin() {
    try { return script && script.src ? new URL(script.src, location.href).origin : ""; } catch (e) { return ""; }
  }

  var flushMs = Number(attribute("data-fc-flush-ms"));
  var config = {
    endpoint: (attribute("data-fc-endpoint") || scriptOrigin()).replace(/\/+$/, ""),
    key: attribute("data-fc-key"),
    flushMs: attribute("data-fc-flush-ms") !== "" && isFinite(flushMs) && flushMs >= 0 ? flushMs : 2000,
    maxBatch: 50,
    maxAttempts: 3,
    // Browsers allow 64 KiB of keepalive bodies in flight per page; stay under it.
    keepaliveBytes: 60000
  };
  var queue = [];                       // { s: signal, n: failed attempts }
  var timer = null;
  var entries = Object.create(null);    // interaction id -> tracked answer (no prototype: any id is a safe key)
  var lastTracked = null;
  var copiedByButton = Object.create(null); // interaction id -> time its copy button was clicked
  var observer = null;
  var disabled = !config.key || typeof window.fetch !== "function";

  function safe(fn) {
    return function () {
      try { return fn.apply(this, arguments); } catch (e) { if (window.console && console.debug) { console.debug("FeedbackCapture:", e); } }
    };
  }

  function uuid() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") { return c.randomUUID(); }  // secure contexts only
    var bytes = new Uint8Array(16), hex = "", i;
    if (c && c.getRandomValues) { c.getRandomValues(bytes); } else { for (i = 0; i < 16; i++) { bytes[i] = Math.floor(Math.random() * 256); } }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    for (i = 0; i < 16; i++) { hex += (bytes[i] + 0x100).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? "-" : ""); }
    return hex;
  }

  function byteLength(text) {
    return typeof TextEncoder === "function" ? new TextEncoder().encode(text).length : text.length * 3;
  }

  function connected(element) {
    return !!element && (element.isConnected !== undefined ? element.isConnected : document.documentElement.contains(element));
  }

  function interactionOf(node) {
    var element = node && node.nodeType === 1 ? node : node && node.parentElement;
    return element && element.closest ? element.closest("[" + INTERACTION + "]") : null;
  }

  function userOf(element) {
    var holder = element && element.closest ? element.closest("[" + USER + "]") : null;
    return holder ? holder.getAttribute(USER) : null;
  }

  function entryUser(entry) { return (entry.element && userOf(entry.element)) || entry.user; }

  function enqueue(kind, id, user, extra) {
    if (disabled || !id) { return null; }
    var signal = { id: uuid(), interactionId: id, kind: kind, occurredAt: new Date().toISOString() };
    if (user) { signal.endUserId = user; }
    for (var k in extra) { if (Object.prototype.hasOwnProperty.call(extra, k)) { signal[k] = extra[k]; } }
    queue.push({ s: signal, n: 0 });
    if (kind !== "dwell" && kind !== "abandon" && entries[id]) { entries[id].engaged = true; }
    if (queue.length >= config.maxBatch) { flush(false); } else if (!timer) { schedule(config.flushMs); }
    return signal.id;
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(safe(function () { timer = null; flush(false); }), delay);
  }

  function flush(leaving) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (disabled) { return; }
    var budget = config.keepaliveBytes;
    while (queue.length > 0) {
      var items = queue.splice(0, config.maxBatch);
      var body = JSON.stringify({ signals: items.map(function (item) { return item.s; }) });
      var size = byteLength(body);
      // keepalive lets the request finish after the page is gone, within the browser's budget. Used for every
      // batch, so that one in flight when the user navigates away is not cancelled either.
      var keepalive = size <= budget;
      if (keepalive) { budget -= size; }
      send(items, body, keepalive, leaving);
    }
  }

  function send(items, body, keepalive, leaving) {
    try {
      window.fetch(config.endpoint + "/api/v1/signals", {
        method: "POST",
        keepalive: keepalive,
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + config.key },
        body: body
      }).then(safe(function (response) {
        if (response.status === 401 || response.status === 403) {
          // The key is unknown, revoked or not allowed from this origin: it will not get better, stop sending.
          disabled = true;
          queue = [];
          if (timer) { clearTimeout(timer); timer = null; }
        } else if (!leaving && (response.status === 429 || response.status >= 500)) {
          // Overloaded or a transient error: retry a few times later; the same ids make a retry safe.
          var again = items.filter(function (item) { item.n += 1; return item.n < config.maxAttempts; });
          if (again.length > 0) {
            queue = again.concat(queue);
            var seconds = parseInt(response.headers.get("Retry-After") || "", 10);
            schedule(Math.max(config.flushMs, isFinite(seconds) ? Math.min(Math.max(seconds, 1), 60) * 1000 : 5000));
          }
        }
      }), function () { /* offline or refused by CORS: capture must never bother the page */ });
    } catch (e) { /* ignore */ }
  }

  function startClock(entry) {
    if (entry.visible && entry.visibleSince === null && document.visibilityState !== "hidden") { entry.visibleSince = Date.now(); }
  }

  function stopClock(entry) {
    if (entry.visibleSince !== null) { entry.visibleMs += Date.now() - entry.visibleSince; entry.visibleSince = null; }
  }

  function watch(entry, element) {
    entry.element = element;
    entry.visible = false;
    if (observer) { observer.observe(element); } else { entry.visible = true; startClock(entry); }
  }

  function track(element) {
    var id = element.getAttribute(INTERACTION);
    if (!id) { return; }
    var entry = entries[id];
    if (entry) {
      // Another element marked with the same id while the first is still on the page: keep watching the first.
      if (entry.element === element || connected(entry.element)) { return; }
      // The app re-rendered the answer into a new element: keep its time and engagement, watch the new one.
      stopClock(entry);
      if (observer && entry.element) { observer.unobserve(entry.element); }
    } else {
      entry = entries[id] = { id: id, element: null, user: null, visible: false, visibleSince: null, visibleMs: 0, engaged: false, dwellSent: false, abandonSent: false };
      lastTracked = entry;
    }
    entry.user = userOf(element) || entry.user;
    watch(entry, element);
  }

  // The element's data-fc-interaction changed (an element reused for another answer): retire the old answer.
  function retag(element, oldId) {
    var entry = oldId ? entries[oldId] : null;
    if (entry && entry.element === element) {
      stopClock(entry);
      entry.visible = false;
      entry.element = null;
      if (observer) { observer.unobserve(element); }
    }
    if (element.hasAttribute(INTERACTION)) { track(element); }
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.hasAttribute && root.hasAttribute(INTERACTION)) { track(root); }
    var found = root.querySelectorAll("[" + INTERACTION + "]");
    for (var i = 0; i < found.length; i++) { track(found[i]); }
  }

  // The latest answer is the last one in the conversation (document order), wherever it was inserted.
  function latestEntry() {
    var best = null;
    for (var id in entries) {
      var entry = entries[id];
      if (!connected(entry.element)) { continue; }
      if (!best || (best.element.compareDocumentPosition(entry.element) & 4 /* FOLLOWING */)) { best = entry; }
    }
    return best || lastTracked;
  }

  // A change counts as "on screen" when half the answer is visible, or, for an answer taller than two
  // viewports (which can never be half visible), when it fills half the viewport.
  function onScreen(change) {
    if (!change.isIntersecting) { return false; }
    if (change.intersectionRatio >= 0.5) { return true; }
    var viewport = change.rootBounds ? change.rootBounds.height : window.innerHeight;
    return viewport > 0 && change.intersectionRect.height >= viewport / 2;
  }

  var onLeave = safe(function () {
    var latest = latestEntry();
    for (var id in entries) {
      var entry = entries[id];
      stopClock(entry);
      if (!entry.dwellSent && entry.visibleMs > 0) {
        entry.dwellSent = true;
        enqueue("dwell", entry.id, entryUser(entry), { value: Math.min(Math.round(entry.visibleMs), 86400000) });
      }
    }
    if (latest && !latest.engaged && !latest.abandonSent) {
      latest.abandonSent = true;
      enqueue("abandon", latest.id, entryUser(latest), {});
    }
    flush(true);
  });

  var onResume = safe(function () {
    for (var id in entries) { startClock(entries[id]); }
  });

  var onClick = safe(function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-fc-thumb],[data-fc-regenerate],[data-fc-copy]") : null;
    if (!target) { return; }
    var element = interactionOf(target);
    if (!element) { return; }
    var id = element.getAttribute(INTERACTION);
    if (target.hasAttribute("data-fc-thumb")) {
      var value = String(target.getAttribute("data-fc-thumb")).replace(/^\s+|\s+$/g, "").toLowerCase();
      if (value === "up" || value === "down") { enqueue("thumb", id, userOf(element), { value: value }); }
    } else if (target.hasAttribute("data-fc-regenerate")) {
      enqueue("regenerate", id, userOf(element), {});
    } else {
      copiedByButton[id] = Date.now();
      enqueue("copy", id, userOf(element), {});
    }
  });

  var onCopy = safe(function () {
    var selection = window.getSelection && window.getSelection();
    if (!selection || selection.rangeCount === 0 || String(selection).length === 0) { return; }
    var element = interactionOf(selection.anchorNode) || interactionOf(selection.focusNode);
    if (!element) { return; }
    var id = element.getAttribute(INTERACTION);
    // A copy button that copies by selecting the answer fires this event too: that is one copy, not two.
    if (copiedByButton[id] && Date.now() - copiedByButton[id] < 1000) { return; }
    enqueue("copy", id, userOf(element), {});
  });

  if (!disabled) {
    safe(function start() {
      if ("IntersectionObserver" in window) {
        var thresholds = [];
        for (var t = 0; t <= 20; t++) { thresholds.push(t / 20); }
        observer = new IntersectionObserver(safe(function (changes) {
          for (var i = 0; i < changes.length; i++) {
            var change = changes[i];
            var entry = entries[change.target.getAttribute(INTERACTION)];
            if (!entry || entry.element !== change.target) { continue; }
            entry.visible = onScreen(change);
            if (entry.visible) { startClock(entry); } else { stopClock(entry); }
          }
        }), { threshold: thresholds });
      }
      scan(document.body || document.documentElement);
      if ("MutationObserver" in window) {
        new MutationObserver(safe(function (mutations) {
          for (var i = 0; i < mutations.length; i++) {
            var m = mutations[i];
            if (m.type === "attributes") { retag(m.target, m.oldValue); continue; }
            for (var j = 0; j < m.addedNodes.length; j++) { scan(m.addedNodes[j]); }
          }
        })).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: [INTERACTION], attributeOldValue: true });
      }
      document.addEventListener("click", onClick, true);
      document.addEventListener("copy", onCopy, true);
      // Hidden is the last moment a mobile browser reliably gives us; pagehide covers the rest.
      document.addEventListener("visibilitychange", safe(function () { if (document.visibilityState === "hidden") { onLeave(); } else { onResume(); } }));
      window.addEventListener("pagehide", onLeave);
    })();
  }

  window.FeedbackCapture = {
    /** Queue a signal yourself: { kind, interactionId, value?, dimension?, flag?, text?, metadata?, endUserId? }; returns its id. */
    signal: safe(function (s) {
      if (!s || !s.kind || !s.interactionId) { return null; }
      var id = String(s.interactionId);
      var entry = entries[id];
      var user = s.endUserId || (entry ? entryUser(entry) : null);
      if (!user) {
        var all = document.querySelectorAll("[" + INTERACTION + "]");
        for (var i = 0; i < all.length && !user; i++) { if (all[i].getAttribute(INTERACTION) === id) { user = userOf(all[i]); } }
      }
      var extra = {};
      ["value", "dimension", "flag", "text", "metadata"].forEach(function (k) { if (s[k] !== undefined) { extra[k] = s[k]; } });
      return enqueue(String(s.kind), id, user, extra);
    }),
    /** Send what is queued now. */
    flush: safe(function () { flush(false); }),
    /** For tests and debugging: the signals not yet sent. */
    pending: function () { return queue.map(function (item) { return item.s; }); }
  };
})();
