// The remedy dialog of the log screen: after a moment, tap a kind (a fixed cost within the
// limit is given at once) and, where its cost varies, an amount; over the limit, say why. No one approves it: it is queued in the
// tablet's outbox after its moment (log.js), sent once under its own UUID, and the team's
// budget left this month follows at a glance. Refusals here keep the dialog as filled in.
(() => {
  "use strict";
  const w = window;
  const gettext = w.gettext || ((s) => s);
  const interpolate = w.interpolate || ((s, o) => s.replace(/%\((\w+)\)s/g, (_, k) => o[k]));
  const say = (s, o) => interpolate(s, o, true);
  const log = w.momentsLog;
  const $ = (sel, root = document) => root.querySelector(sel);
  const el = (tag, props) => Object.assign(document.createElement(tag), props);
  const ZERO = "00000000-0000-0000-0000-000000000000";
  if (!log) return;
  const remedyDialog = $("#remedy-dialog");
  const remedyForm = remedyDialog && $("form", remedyDialog);
  const budgetLine = remedyForm && $(".remedy-budget", remedyForm);
  const givenOn = {}; // moment UUID: what this page gave for it, against the per-moment limit
  let remedyFor = "";
  const money = (text) => Number(String(text ?? "").trim().replace(/\s/g, "").replace(",", "."));
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".remedy-link");
    if (!button || !remedyDialog) return;
    event.preventDefault();
    const card = button.closest(".saved");
    remedyFor = card.dataset.uuid;
    remedyForm.reset();
    $(".remedy-for", remedyDialog).textContent = $(".saved-summary", card)?.textContent || "";
    $(".remedy-error", remedyForm).hidden = true;
    remedyChanged();
    remedyDialog.showModal();
  });
  function remedyCost() {
    const kind = $('input[name="remedy_kind"]:checked', remedyForm);
    if (!kind) return { kind: null, cost: 0 };
    const lowest = money(kind.dataset.lowest);
    const highest = money(kind.dataset.highest);
    const ranged = lowest !== highest;
    const typed = remedyForm.elements.amount.value;
    return { kind, ranged, lowest, highest, typed, cost: ranged ? money(typed) : lowest };
  }
  function remedyChanged() {
    const { ranged, cost, lowest, highest } = remedyCost();
    $(".remedy-amount", remedyForm).hidden = !ranged;
    remedyForm.elements.amount.placeholder = ranged ? `${lowest}–${highest}` : "";
    const { left, perMoment } = budgetLine.dataset;
    const over = cost > 0 && (cost + (givenOn[remedyFor] || 0) > money(perMoment) || cost > money(left));
    $(".remedy-reason", remedyForm).hidden = !over;
  }
  function remedyProblem({ kind, ranged, lowest, highest, typed, cost }) {
    if (!kind) return gettext("Pick a remedy.");
    if (ranged && (!typed.trim() || !Number.isFinite(cost))) {
      return gettext("Type the amount as a number, e.g. 150.");
    }
    if (cost < 0) return gettext("The amount cannot be negative.");
    if (ranged && (cost < lowest || cost > highest)) {
      return say(gettext("The amount is between %(low)s and %(high)s."), { low: lowest, high: highest });
    }
    const reasonShown = !$(".remedy-reason", remedyForm).hidden;
    if (reasonShown && !remedyForm.elements.reason.value.trim()) {
      return gettext("It goes over your limit. You decide: say why in a few words, then give it.");
    }
    return "";
  }
  // A tap on a kind of fixed cost, within the limit and the budget left, gives it: nothing
  // is left to decide, so "Give it" would be a third tap. Arrow keys move through the kinds
  // without giving one (no pointer went down), and a varying cost or going over the limit
  // still waits for the amount or the reason.
  let tappedAt = 0;
  remedyForm && $(".remedy-kinds", remedyForm).addEventListener("pointerdown", () => {
    tappedAt = Date.now();
  });
  remedyForm?.addEventListener("input", remedyChanged);
  remedyForm?.addEventListener("change", (event) => {
    remedyChanged();
    const tapped = event.target.name === "remedy_kind" && Date.now() - tappedAt < 1500;
    const { ranged } = remedyCost();
    if (tapped && !ranged && $(".remedy-reason", remedyForm).hidden) remedyForm.requestSubmit();
  });
  remedyDialog && $(".remedy-cancel", remedyDialog).addEventListener("click", () => remedyDialog.close());
  remedyForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = remedyCost();
    const problem = remedyProblem(chosen);
    const error = $(".remedy-error", remedyForm);
    error.textContent = problem;
    error.hidden = !problem;
    if (problem) return; // the dialog stays as filled in
    const uuid = log.newUuid();
    const body = new URLSearchParams(new FormData(remedyForm));
    body.set("uuid", uuid);
    body.set("moment", remedyFor);
    if (!chosen.ranged) body.delete("amount");
    if ($(".remedy-reason", remedyForm).hidden) body.delete("reason");
    const what = chosen.kind.closest("label").firstElementChild.nextElementSibling.textContent.trim();
    const summary = `${gettext("Remedy")}: ${what}`;
    try {
      await log.queue({ kind: "remedy", uuid, summary, body: body.toString() });
    } catch { // no IndexedDB here: the remedy's own page still works
      window.location.href = remedyForm.dataset.pageUrl.replace(ZERO, remedyFor);
      return;
    }
    givenOn[remedyFor] = (givenOn[remedyFor] || 0) + chosen.cost;
    showBudget(money(budgetLine.dataset.left) - chosen.cost);
    const card = $(`.saved[data-uuid="${remedyFor}"]`);
    const given = el("p", { className: "remedy-given", textContent: `✓ ${summary}` });
    given.setAttribute("role", "status");
    card?.querySelector(".saved-actions")?.before(given);
    remedyDialog.close();
  });
  function showBudget(left) {
    if (!budgetLine || !Number.isFinite(left)) return;
    budgetLine.dataset.left = String(left);
    const shown = Math.round(left).toLocaleString(document.documentElement.lang || undefined);
    document.querySelectorAll(".remedy-left").forEach((figure) => { figure.textContent = shown; });
  }
  log.onRemedySent((json) => {
    if (json && json.budget_left !== undefined) showBudget(money(json.budget_left));
  });

})();
