// Applying a frame. A frame's top-level elements each carry an id: with
// data-remove the element goes, an existing id is replaced, a new one is
// inserted into #<data-parent> (at the end: ordering is order.js's). The
// heartbeat changes nothing. What a frame changed is recorded in a Changes,
// so that the rest of the page touches only that.
//
// Keyboard focus survives a push replacing its element: the element at the
// same place in the new element (or the new element itself) takes it.

/** Changes is what the frames of one animation frame changed. */
export class Changes {
  constructor() {
    this.elements = new Set(); // inserted or replacing elements
    this.removed = new Set(); // ids of removed elements
    this.lists = new Set(); // parents that gained, kept or lost a changed element
    this.containers = new Set(); // whole lists a frame replaced (the first frame)
  }

  get empty() {
    return this.elements.size === 0 && this.removed.size === 0 && this.containers.size === 0;
  }
}

/** apply applies one frame's HTML to the page, recording into changes. */
export function apply(html, changes) {
  const frame = document.createElement("template");
  frame.innerHTML = html;
  for (const el of [...frame.content.children]) {
    if (!el.id || el.id === "heartbeat") continue;
    const old = document.getElementById(el.id);
    if (el.hasAttribute("data-remove")) {
      if (old) {
        changes.lists.add(old.parentElement);
        changes.removed.add(el.id);
        changes.elements.delete(old);
        old.remove();
      }
    } else if (old) {
      replace(old, el, changes);
    } else {
      const parent = document.getElementById(el.dataset.parent || "");
      if (!parent) continue;
      parent.append(el);
      changes.elements.add(el);
      changes.lists.add(parent);
    }
  }
}

function replace(old, el, changes) {
  const path = focusPath(old);
  // An element that is not one list's item (a list itself) replaces the
  // page's own: its items are all new.
  const whole = !old.hasAttribute("data-parent");
  // A replaced item keeps the state the client gave it (its page, its
  // filter), until the client looks at it again later in this frame.
  if (!whole) {
    el.hidden = old.hidden;
    if (old.hasAttribute("data-off")) el.setAttribute("data-off", "");
  }
  old.replaceWith(el);
  changes.elements.delete(old);
  if (whole) changes.containers.add(el);
  else {
    changes.elements.add(el);
    changes.lists.add(el.parentElement);
  }
  if (path) restoreFocus(el, path);
}

// focusPath is where the focused element is inside root, as child indices
// from root; [] when root itself has focus, null when focus is elsewhere.
function focusPath(root) {
  const active = document.activeElement;
  if (!active || !root.contains(active)) return null;
  const path = [];
  for (let n = active; n !== root; n = n.parentElement) path.unshift([...n.parentElement.children].indexOf(n));
  return path;
}

// restoreFocus focuses the element at path in root, else the nearest
// focusable element on the way there, without scrolling.
function restoreFocus(root, path) {
  let target = root.matches(FOCUSABLE) ? root : null;
  let n = root;
  for (const i of path) {
    n = n.children[i];
    if (!n) break;
    if (n.matches(FOCUSABLE)) target = n;
  }
  target?.focus({ preventScroll: true });
}

const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
