// The queue wall (/queues): each queue's list of callers waiting shows as
// many callers as fit its panel, longest first, and says how many it
// leaves out ("+3 more"), counting those the server left out too
// (data-more). The rolling window shown follows window= (15, 30 or 60).

import { word } from "./words.js";

/** fitWaiting fits every waiting list under root (or those in lists). */
export function fitWaiting(root = document) {
  for (const list of root.querySelectorAll("[data-waiters]")) fitList(list);
}

function fitList(list) {
  const items = [...list.children];
  for (const li of items) li.hidden = false;
  const more = list.parentElement?.querySelector("[data-more]");
  const extra = Number(more?.dataset.more) || 0;
  // An item that does not end inside the list is left out, with all after
  // it: the longest waits are shown first. Saying "+N more" takes a line
  // from the list, so the list is measured again once it shows.
  const fit = () => {
    const bottom = list.getBoundingClientRect().bottom + 0.5;
    let shown = items.length;
    for (let i = 0; i < items.length; i++) {
      if (items[i].getBoundingClientRect().bottom > bottom) {
        shown = i;
        break;
      }
    }
    items.forEach((li, i) => (li.hidden = i >= shown));
    return items.length - shown;
  };
  let off = fit();
  if (!more) return;
  const say = (n) => {
    more.hidden = n === 0;
    const text = n === 0 ? "" : word("more", { n });
    if (more.textContent !== text) more.textContent = text;
  };
  say(off + extra);
  if (off + extra > 0) {
    off = fit();
    say(off + extra);
  }
}

/** wireWindow keeps the wall's rolling window in step with its select. */
export function wireWindow(setParam) {
  const select = document.querySelector('select[name="window"]');
  const wall = document.querySelector(".queue-wall");
  if (!select || !wall) return;
  select.addEventListener("change", () => {
    wall.dataset.window = select.value;
    setParam("window", select.value === "15" ? "" : select.value);
  });
}
