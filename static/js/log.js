// The log screen on a tablet: save without waiting on the network, queue in IndexedDB while
// offline, send each moment exactly once (its UUID, made here, makes a resend harmless), and
// keep a moment the server refuses until the person has seen why. The queue is sealed per
// person (outbox.js): a page shows its own person's, and sends another's sealed, as theirs.
(() => {
  "use strict";
  // The messages go through Django's catalogue (/jsi18n/); without it (not loaded yet, or
  // an offline tablet that never kept it) they stay in English.
  const w = window;
  const gettext = w.gettext || ((s) => s);
  const ngettext = w.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = w.interpolate || ((s, o) => s.replace(/%\((\w+)\)s/g, (_, k) => o[k]));
  const say = (s, o) => interpolate(s, o, true);
  const box = document.getElementById("outbox"); // on every frontline page
  if (!box) return;
  const form = document.querySelector("form.log-form"); // on the log screen only
  const { user, author, queueKey, logUrl, undoUrl, sealedUrl, remedyUrl } = box.dataset;
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const ZERO = "00000000-0000-0000-0000-000000000000";
  // The server's code for a moment refused for its type alone (touchpoints/views.py).
  const TYPE_UNAVAILABLE = "type_unavailable";
  const inFlight = new Set();
  const sent = new Set();
  let touched = {};
  let lastSave = 0;
  let offline = !navigator.onLine;
  let needsLogin = false;
  let stalled = ""; // why the last send will be tried again, when it was not the network

  const outbox = window.momentsOutbox({ user, author, queueKey });

  const cookie = (name) => (document.cookie.match(`(?:^|; )${name}=([^;]*)`) || [])[1] || "";
  const tabletNow = () => new Date().toISOString();

  const post = (url, body, headers) => fetch(url, { // the cookie's token: a kept page's may be stale
    method: "POST", body, redirect: "manual", credentials: "same-origin",
    headers: { "X-CSRFToken": cookie("csrftoken"), ...headers },
  });
  const jsonOf = async (response) =>
    (response.headers.get("Content-Type") || "").includes("json") ? response.json().catch(() => null) : null;
  const loggedOut = (response) => response.type === "opaqueredirect" || response.status === 401;

  async function send(op) { // another person's, not opened here, goes sealed, for them
    const url = !op.body ? sealedUrl : op.kind === "undo" ? undoUrl.replace(ZERO, op.uuid)
      : op.kind === "remedy" ? remedyUrl : logUrl;
    const body = new URLSearchParams(op.body || { author: op.author, sealed: op.sealed });
    body.delete("csrfmiddlewaretoken");
    return answer(op, await post(url, body, { Accept: "application/json" }));
  }
  async function answer(op, response) {
    if (loggedOut(response)) return { login: true };
    const { status } = response;
    const json = await jsonOf(response);
    // Only the server's word that it holds the moment (or did the undo) takes it off the
    // tablet; any other success (a captive portal's page) is tried again.
    if (response.ok) {
      return confirmed(op, json) ? { ok: true, asked: json.asked, json } : { retry: say(gettext("odd answer (%(status)s)"), { status }) };
    }
    if (status === 408 || status === 429 || status >= 500) {
      return { retry: say(gettext("server busy (%(status)s)"), { status }) };
    }
    return { refused: { ...json, status } }; // show why, send the rest
  }
  const confirmed = (op, json) => op.kind === "undo" ? typeof json?.undone === "boolean"
    : json?.uuid === op.uuid && typeof json.created === "boolean";

  let flushing = null;
  let again = false;
  function flush() { // one sender at a time; a save queued meanwhile gets another pass
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      do {
        again = false;
        await drain();
      } while (again && !offline && !needsLogin);
    })().finally(() => { flushing = null; render(); });
    return flushing;
  }
  async function drain() {
    const records = await outbox.all();
    const own = new Map((await outbox.open(records)).map((op) => [op.seq, op]));
    // This person's first: another's on a bad day never holds up their saves.
    for (const op of [...own.values(), ...records.filter((r) => !own.has(r.seq))]) {
      const mine = own.has(op.seq);
      if (op.error || (!mine && (op.kind === "undo" || !op.sealed))) continue;
      inFlight.add(op.uuid);
      if (!op.attempted) await outbox.put({ ...op, attempted: true }); // the server may get it
      let result;
      try { result = await send(op); } catch { result = { offline: true }; }
      inFlight.delete(op.uuid);
      offline = !!result.offline;
      needsLogin = !!result.login;
      stalled = result.retry || "";
      if (result.offline || result.login || result.retry) return;
      if (result.ok || op.kind === "undo") {
        await outbox.remove(op.seq);
        if (mine && op.kind === "save") markSent(op.uuid, result.asked);
        if (mine && op.kind === "remedy") remedySent(result.json);
        if (mine && result.refused) undoRefused(op.uuid, describe(result.refused));
      } else { // kept with why, for its author's page to show
        const { code = "", status } = result.refused;
        const kept = { ...op, error: describe(result.refused), code, status };
        await outbox.put(kept);
        if (mine && code === TYPE_UNAVAILABLE) tell("moments:type-refused", kept); // log_current.js
      }
    }
  }
  const REFUSED_BECAUSE = { // when the server gave no reason of its own
    400: gettext("The server could not read it (400)."),
    403: gettext("Refused (403): you may no longer log moments here, or the page is out of date: " +
      "reload it, then try again."),
    413: gettext("It is too large for the server (413)."),
  };
  const describe = (refusal) => {
    if (refusal.error) return refusal.error;
    if (refusal.errors) return Object.values(refusal.errors).flat().map((e) => e.message).join(" ");
    return REFUSED_BECAUSE[refusal.status] || say(gettext("The server refused it (%(status)s)."), refusal);
  };

  // ---- What the staff member sees: the waiting count and anything refused. ----
  async function render() {
    const ops = await outbox.mine();
    const waiting = ops.filter((op) => op.kind === "save" && !op.error).length;
    const remedies = ops.filter((op) => op.kind === "remedy" && !op.error).length;
    const problems = ops.filter((op) => op.error);
    let text = waiting ? say(ngettext("%(n)s moment waiting to send",
      "%(n)s moments waiting to send", waiting), { n: waiting }) : "";
    if (remedies) {
      text += (text ? ", " : "") + say(ngettext("%(n)s remedy waiting to send",
        "%(n)s remedies waiting to send", remedies), { n: remedies });
    }
    const any = waiting + remedies;
    if (any && needsLogin) text += gettext(": log in again to send them");
    else if (any && offline) text += gettext(": no network, they will be sent when it is back");
    else if (any && stalled) text += say(gettext(": %(why)s, trying again shortly"), { why: stalled });
    $(".outbox-count", box).textContent = text;
    $(".outbox-problems", box).replaceChildren(...problems.map(problemItem));
    box.hidden = !any && !problems.length;
    box.classList.toggle("offline", offline);
    const refused = new Set(problems.map((op) => op.uuid));
    $$(".saved[data-uuid]").forEach((card) => updateCard(card, refused));
    return waiting;
  }
  const el = (tag, props) => Object.assign(document.createElement(tag), props);
  function problemItem(op) {
    const what = op.summary || gettext("a moment");
    const li = el("li", { textContent: `${say(gettext("Not saved: %(what)s."), { what })} ${op.error} ` });
    const button = (textContent, onclick) =>
      el("button", { type: "button", className: "button quiet", textContent, onclick });
    // Its type gone, sent again it would be refused again: it goes back to the form instead.
    const retype = () => (form ? tell("moments:retype", op) : location.assign(logUrl));
    if (op.code !== TYPE_UNAVAILABLE) {
      li.append(button(gettext("Try again"), () => outbox.put(retried(op)).then(flush)));
    } else if (!fixing(op)) {
      li.append(button(gettext("Choose another type"), retype));
    }
    li.append(button(gettext("Discard"), async () => {
      await outbox.remove(op.seq);
      if (fixing(op)) resetForm();
      render();
    }));
    return li;
  }
  // The moment refused for its type that is back in the form (static/js/log_current.js).
  const fixing = (op) => form?.dataset.fixSeq === String(op.seq);
  const tell = (name, detail) => document.dispatchEvent(new CustomEvent(name, { detail }));
  function retried({ error, code, status, ...op }) {
    // A new UUID only when the server holds another moment under this one (so not this one).
    if (code !== "id_in_use") return op;
    const uuid = newUuid();
    const body = new URLSearchParams(op.body);
    body.set("uuid", uuid);
    $(`.saved[data-uuid="${op.uuid}"]`)?.setAttribute("data-uuid", uuid);
    return { ...op, uuid, body: body.toString(), attempted: false };
  }

  // ---- Logging out with moments still on the tablet asks first. ----
  const logout = $("form.logout");
  const dialog = $("#logout-warning");
  const leave = async () => {
    // The kept copy of the log screen is this person's: the next one must not open it.
    if (window.caches) for (const key of await caches.keys()) await caches.delete(key);
    logout.dataset.confirmed = "1";
    logout.submit();
  };
  if (logout && dialog) {
    logout.addEventListener("submit", async (event) => {
      if (logout.dataset.confirmed) return;
      event.preventDefault();
      const waiting = await render();
      if (!waiting) return leave();
      $(".logout-count", dialog).textContent =
        say(ngettext("%(n)s moment is still waiting to send.",
          "%(n)s moments are still waiting to send.", waiting), { n: waiting });
      dialog.showModal();
    });
    dialog.addEventListener("click", (event) => {
      const choice = event.target.closest("button")?.value;
      if (!choice) return;
      dialog.close();
      if (choice === "logout") leave();
      else flush();
    });
  }

  // ---- Saving (log screen): queue, confirm, give a fresh form at once, then send. ----
  let saving = 0; // saves still being written to the queue
  if (form) form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const { name, value } = event.submitter || {}; // Resolved or Not yet
    if (name) data.set(name, value);
    const pristine = !data.get("touchpoint_type") && !data.get("outcome");
    // The second tap of a double tap finds the form the first one emptied.
    if (pristine && (saving || Date.now() - lastSave < 1500)) return;
    if (!form.reportValidity()) return;
    lastSave = Date.now();
    saving += 1;
    // The UUID is made now: the page may be a kept copy, opened many times.
    const uuid = newUuid();
    const fix = Number(form.dataset.fixSeq); // given another type: it keeps when it happened
    data.set("uuid", uuid);
    data.set("occurred_at", (fix && form.dataset.fixOccurredAt) || tabletNow());
    const summary = `${checkedText("touchpoint_type")}, ${checkedText("outcome").toLowerCase()}`;
    // Emptied now, not after the queue's write (slow on a busy tablet): what is tapped
    // for the next moment meanwhile stays.
    resetForm();
    try {
      await outbox.add({ kind: "save", uuid, summary, body: new URLSearchParams(data).toString() });
      if (fix) await outbox.remove(fix); // only once its new copy is safely queued
    } catch {
      return postPlainly(data); // no IndexedDB here (a private window?): a plain post still works
    } finally {
      saving -= 1;
    }
    showSaved(uuid, summary);
    await flush();
    tell("moments:retype-next"); // one refused for its type is next, if there is one
  });
  function postPlainly(data) { // as chosen: the form itself is emptied
    const plain = el("form", { method: "post", action: form.action, hidden: true });
    for (const [name, value] of data) plain.append(el("input", { type: "hidden", name, value }));
    document.body.append(plain);
    plain.submit();
  }
  const checkedText = (name) => { // the label's words, without its emoji
    const label = $(`input[name="${name}"]:checked`, form)?.closest("label");
    if (!label) return "";
    const copy = label.cloneNode(true);
    $$("[aria-hidden]", copy).forEach((el) => el.remove());
    return copy.textContent.trim().replace(/\s+/g, " ");
  };
  const newUuid = () => crypto.randomUUID ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));

  function resetForm() {
    form.reset();
    touched = {};
    delete form.dataset.fixSeq;
    tell("moments:reset");
    $("#customer-history").replaceChildren();
    $("details.more", form).open = false;
    typeChanged();
    window.scrollTo({ top: 0, behavior: "smooth" });
  }

  function showSaved(uuid, summary) {
    const card = $("#saved-template").content.firstElementChild.cloneNode(true);
    card.dataset.uuid = uuid;
    $(".saved-summary", card).textContent = summary;
    $(".need-link", card).href = `${form.dataset.needsUrl}?moment=${uuid}`;
    $(".ask-form", card).action = form.dataset.inviteUrl.replace(ZERO, uuid);
    $(".undo-button", card).onclick = () => undo(card);
    $("#saved-area").replaceChildren(card);
    let left = Number(form.dataset.undoSeconds);
    const tick = () => {
      const button = $(".undo-button", card);
      if (!button) return; // undone, or the customer was asked
      $(".undo-count", button).textContent = `(${left} s)`;
      if (0 >= left--) button.remove(); // not "left-- <": xgettext would read an XML literal
      else setTimeout(tick, 1000);
    };
    tick();
    updateCard(card);
  }
  function markSent(uuid, asked) {
    sent.add(uuid);
    const card = $(`.saved[data-uuid="${uuid}"]`);
    if (card && asked) showAsked(card, asked);
    if (card) updateCard(card);
  }
  function showAsked(card, asked) { // asked recently: the date, instead of the ask button
    const ask = $(".ask-form", card);
    if (ask) ask.replaceWith(el("p", { className: "asked-on", textContent: asked }));
  }
  function updateCard(card, refused = new Set()) {
    const isSent = sent.has(card.dataset.uuid);
    const button = $(".handover-button", card);
    if (!button || card.classList.contains("undone")) return;
    const isRefused = refused.has(card.dataset.uuid);
    button.disabled = !isSent || isRefused || card.classList.contains("asking");
    $(".saved-state", card).textContent = isRefused ? gettext("Not saved, see the reason above")
      : isSent ? gettext("Saved") : gettext("Saved on this tablet, waiting to send");
    card.classList.toggle("refused", isRefused);
  }

  // ---- Asking the customer (a saved moment here, or one in My moments). ----
  // Ask and Undo go only once the invitation is made; on a failure they stay, with the reason.
  document.addEventListener("submit", (event) => {
    const ask = event.target.closest("form.ask-form");
    if (!ask) return;
    event.preventDefault();
    askCustomer(ask);
  });
  async function askCustomer(ask) {
    const card = ask.closest(".saved, .my-moment");
    const slot = $(".handover-slot", card);
    const undoButton = $(".undo-button, .undo-form button", card);
    card.classList.add("asking");
    $$("button", ask).concat(undoButton || []).forEach((b) => { b.disabled = true; });
    let response = null;
    try {
      response = await post(ask.action, null, { "HX-Request": "true", Accept: "text/html, application/json" });
    } catch { /* no network */ }
    card.classList.remove("asking");
    if (response?.ok && response.headers.get("X-Asked-On")) { // held back: not asked now
      slot.innerHTML = await response.text();
      ask.remove();
      $$("button", card).forEach((b) => { b.disabled = false; });
      return;
    }
    if (response?.ok) {
      const html = await response.text();
      if (window.htmx) htmx.swap(slot, html, { swapStyle: "innerHTML" });
      else slot.innerHTML = html;
      ask.remove();
      (undoButton?.closest("form.undo-form") || undoButton)?.remove(); // asked: the moment stays
      card.classList.add("asked"); // log_current.js puts the QR code away
      const status = $(".feedback-status", card);
      if (status) status.textContent = gettext("Customer asked for feedback, no answer yet.");
      return;
    }
    $$("button", ask).concat(undoButton || []).forEach((b) => { b.disabled = false; });
    slot.replaceChildren(alertParagraph(await askFailure(response)));
  }
  async function askFailure(response) {
    if (!response) return gettext("No network: the customer could not be asked. Try again when it is back.");
    if (loggedOut(response)) {
      return gettext("You have been logged out: log in again, then ask from My moments.");
    }
    const json = await jsonOf(response);
    if (json?.error) return `${gettext("The customer could not be asked.")} ${json.error}`;
    return say(gettext("The customer could not be asked (the server answered %(status)s). Try again."),
      response);
  }
  function alertParagraph(textContent) {
    const p = el("p", { className: "error", textContent });
    p.setAttribute("role", "alert");
    return p;
  }
  async function undo(card) {
    const uuid = card.dataset.uuid;
    card.classList.add("undone");
    $(".saved-title", card).textContent = gettext("Undone: this moment will not be kept.");
    $(".saved-actions", card).remove();
    const queued = (await outbox.mine()).find((op) => op.kind === "save" && op.uuid === uuid);
    const neverSent = queued && !inFlight.has(uuid) && !sent.has(uuid) && !queued.attempted;
    if (neverSent || queued?.error) await outbox.remove(queued.seq);
    for (const op of await outbox.mine()) { // its unsent remedies go with it
      if (!op.attempted && op.body.includes(`moment=${uuid}`)) await outbox.remove(op.seq);
    }
    if (!neverSent) { // the server may hold it (an unknown UUID is a no-op)
      await outbox.add({ kind: "undo", uuid, body: `requested_at=${encodeURIComponent(tabletNow())}` });
    }
    render();
    flush();
  }
  function undoRefused(uuid, message) {
    const card = $(`.saved[data-uuid="${uuid}"]`) || $("#saved-area");
    card?.append(alertParagraph(message));
  }

  // ---- Remedies (remedy.js): queued after their moment, sent once. ----
  let remedySent = () => {};
  window.momentsLog = {
    newUuid,
    queue: async (op) => { await outbox.add(op); render(); flush(); },
    onRemedySent: (fn) => { remedySent = fn; },
  };

  // ---- Picking a type sets its usual channel and its extra fields. ----
  function typeChanged() {
    const tile = $('input[name="touchpoint_type"]:checked', form);
    const allowed = tile ? tile.dataset.channels.split(" ") : null;
    $$(".chip[data-channel]", form).forEach((chip) => {
      chip.hidden = !!allowed && !allowed.includes(chip.dataset.channel);
    });
    const channel = $("input[name=channel]:checked", form);
    if (tile && (!touched.channel || channel?.closest(".chip").hidden)) {
      form.elements.channel.value = tile.dataset.channel;
    }
    $$("fieldset.extra", form).forEach((set) => { // shown by CSS, sent only when it applies
      const active = !!tile && set.dataset.type === tile.value;
      set.disabled = !active;
      $$("[data-required]", set).forEach((input) => { input.required = active; });
    });
  }
  form?.addEventListener("change", (event) => {
    const name = event.target.name;
    if (name === "touchpoint_type") typeChanged();
    if (name === "channel") touched.channel = true;
  });

  // htmx posts (the customer lookup) too: the cookie's token, not a kept page's.
  document.addEventListener("htmx:configRequest", (event) => {
    if (cookie("csrftoken")) event.detail.headers["X-CSRFToken"] = cookie("csrftoken");
  });
  window.addEventListener("online", () => { offline = false; flush(); });
  window.addEventListener("offline", () => { offline = true; render(); });
  setInterval(flush, 15000);
  if (form) typeChanged();
  // What static/js/log_current.js (the tiles that follow the admin) needs of this screen,
  // beside what remedy.js does.
  Object.assign(window.momentsLog, { outbox, render, typeChanged, checkedText, touched: () => touched });
  outbox.sealLegacy().catch(() => {}).finally(async () => {
    await flush();
    window.momentsLog.flushed = true;
    tell("moments:retype-next"); // one refused for its type before a reload is asked again
  });
  document.documentElement.dataset.outbox = "ready"; // taps from here on are queued
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(box.dataset.sw).catch(() => {});
})();
