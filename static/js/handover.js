// The hand-over panel (feedback/handover.html), on its own page or swapped into the log screen.
document.addEventListener("click", e => {
  const button = e.target.closest("[data-copy]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  input.select();
  (navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject())
    .catch(() => document.execCommand("copy"))
    .then(() => { button.textContent = button.dataset.copied; });
});
document.addEventListener("focusin", e => {
  if (e.target.matches(".invite-link")) e.target.select();
});
// Coming back to a page with a hand-over from history must ask the server again, which
// sends a locked tablet back to the customer screen.
window.addEventListener("pageshow", e => {
  if (e.persisted && document.querySelector(".handover-start")) location.reload();
});
