// Keyboard shortcuts for console pages (the KeyboardShortcuts component imports this module).
// One document listener serves every registration; the latest registration that knows a key wins, so a page's
// keys take precedence over anything registered before it. Shortcuts never fire while the person types in a
// field (Escape then only leaves the field), while a dialog is open (it has its own keys), or with Ctrl, Alt or
// Meta held (browser and OS shortcuts stay untouched).

const registrations = new Map();
let nextId = 1;
let listening = false;

function isTyping(element) {
    if (!element || element === document.body) {
        return false;
    }

    if (element.isContentEditable) {
        return true;
    }

    const tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
        return true;
    }

    if (tag === "INPUT") {
        const type = (element.getAttribute("type") || "text").toLowerCase();
        return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(type);
    }

    return false;
}

function dialogOpen() {
    return document.querySelector(".mud-dialog-container") !== null;
}

function onKeyDown(event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) {
        return;
    }

    if (isTyping(event.target)) {
        if (event.key === "Escape" && !dialogOpen()) {
            // Leave the field; the next key is a shortcut again.
            event.target.blur();
        }

        return;
    }

    if (dialogOpen()) {
        return;
    }

    const entries = Array.from(registrations.values());
    for (let i = entries.length - 1; i >= 0; i--) {
        const registration = entries[i];
        if (registration.keys.has(event.key)) {
            event.preventDefault();
            registration.target.invokeMethodAsync("InvokeShortcut", event.key).catch(() => {
                // The circuit is gone (page closing): nothing to do.
            });
            return;
        }
    }
}

/** Registers the keys (KeyboardEvent.key values) a .NET object handles; returns an id for unregister. */
export function register(target, keys) {
    const id = nextId++;
    registrations.set(id, { target, keys: new Set(keys) });
    if (!listening) {
        document.addEventListener("keydown", onKeyDown);
        listening = true;
    }

    // Tells tests (and anyone curious) that keys are live: the page's circuit renders before this runs.
    document.body.dataset.shortcuts = String(registrations.size);
    return id;
}

/** Replaces the keys of a registration (a page whose shortcuts change). */
export function update(id, keys) {
    const registration = registrations.get(id);
    if (registration) {
        registration.keys = new Set(keys);
    }
}

export function unregister(id) {
    registrations.delete(id);
    if (registrations.size === 0) {
        delete document.body.dataset.shortcuts;
    } else {
        document.body.dataset.shortcuts = String(registrations.size);
    }

    if (registrations.size === 0 && listening) {
        document.removeEventListener("keydown", onKeyDown);
        listening = false;
    }
}

/** Focuses (and selects) the element matching the selector, e.g. a search box for "/". */
export function focus(selector) {
    const element = document.querySelector(selector);
    if (element) {
        element.focus();
        if (typeof element.select === "function") {
            element.select();
        }
    }
}
