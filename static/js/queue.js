// The queue refreshes every 30 s (a new recovery shows within the minute); never while
// someone is filling in one of its forms.
document.addEventListener("input", e => {
  const form = e.target.closest("#queue form");
  if (form) form.dataset.dirty = "1";
});
document.addEventListener("htmx:beforeSwap", e => {
  const queue = e.detail.target;
  // Only the poll (a GET by the list itself) waits; a tap on "show more" or a button swaps.
  if (queue.id !== "queue" || e.detail.requestConfig.elt !== queue) return;
  const typing = queue.contains(document.activeElement) && document.activeElement.matches("textarea, input");
  if (queue.querySelector("form[data-dirty]") || typing) e.detail.shouldSwap = false;
});
