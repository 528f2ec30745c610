// The log screen refreshes the team panel every 10 s (a new recovery shows within seconds);
// never while someone is filling in one of its forms.
document.addEventListener("input", e => {
  const form = e.target.closest("#team-panel form");
  if (form) form.dataset.dirty = "1";
});
document.addEventListener("htmx:beforeSwap", e => {
  const panel = e.detail.target;
  if (panel.id !== "team-panel" || e.detail.requestConfig.verb !== "get") return;
  const typing = panel.contains(document.activeElement) && document.activeElement.matches("textarea, input");
  if (panel.querySelector("form[data-dirty]") || typing) e.detail.shouldSwap = false;
});
