// The log screen on a tablet: save without waiting on the network, queue in IndexedDB while
// offline, send each moment exactly once (the tablet-made UUID makes a resend harmless).
(() => {
  "use strict";
  const box = document.getElementById("outbox"); // on every frontline page
  if (!box) return;
  const form = document.querySelector("form.log-form"); // on the log screen only
  const { user, logUrl, undoUrl } = box.dataset;
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const ZERO = "00000000-0000-0000-0000-000000000000";
  const inFlight = new Set();
  const sent = new Set();
  let touched = {};
  let lastSave = 0;
  let offline = !navigator.onLine;
  let needsLogin = false;

  // ---- The outbox: an IndexedDB store of operations, sent in order. ----
  const db = new Promise((resolve, reject) => {
    const open = indexedDB.open("moments", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const store = async (mode, fn) => {
    const tx = (await db).transaction("outbox", mode);
    const result = fn(tx.objectStore("outbox"));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  };
  const outbox = {
    add: (op) => store("readwrite", (s) => s.add({ ...op, user, queuedAt: Date.now() })),
    put: (op) => store("readwrite", (s) => s.put(op)),
    remove: (seq) => store("readwrite", (s) => s.delete(seq)),
    mine: async () => (await store("readonly", (s) => s.getAll())).filter((op) => op.user === user),
  };

  const cookie = (name) => (document.cookie.match(`(?:^|; )${name}=([^;]*)`) || [])[1] || "";
  const tabletNow = () => new Date().toISOString();

  async function send(op) {
    const url = op.kind === "undo" ? undoUrl.replace(ZERO, op.uuid) : logUrl;
    const body = new URLSearchParams(op.body);
    body.delete("csrfmiddlewaretoken"); // a cached page's token may be stale; the cookie is not
    const response = await fetch(url, {
      method: "POST", body, redirect: "manual", credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") },
    });
    if (response.type === "opaqueredirect" || response.status === 401) return { login: true };
    const json = (response.headers.get("Content-Type") || "").includes("json") ? await response.json() : null;
    if (response.ok) return { ok: true, json };
    if (json && response.status < 500) return { refused: json };
    return { retry: true }; // 5xx, or a proxy's HTML page: try again later
  }

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
    for (const op of await outbox.mine()) {
      if (op.error) continue;
      inFlight.add(op.uuid);
      if (!op.attempted) await outbox.put({ ...op, attempted: true }); // the server may get it
      let result;
      try { result = await send(op); } catch { result = { offline: true }; }
      inFlight.delete(op.uuid);
      offline = !!result.offline;
      needsLogin = !!result.login;
      if (result.offline || result.login || result.retry) return;
      if (result.ok || (op.kind === "undo" && result.refused)) {
        await outbox.remove(op.seq);
        if (op.kind === "save") markSent(op.uuid);
        if (op.kind === "undo" && result.refused) undoRefused(op.uuid, result.refused.error);
      } else {
        await outbox.put({ ...op, error: describe(result.refused) });
      }
    }
  }
  const describe = (refusal) => {
    const errors = refusal.errors || { __all__: [{ message: refusal.error || "Refused." }] };
    return Object.values(errors).flat().map((e) => e.message).join(" ");
  };

  // ---- What the staff member sees: the waiting count and anything refused. ----
  async function render() {
    const ops = await outbox.mine();
    const waiting = ops.filter((op) => op.kind === "save" && !op.error).length;
    const problems = ops.filter((op) => op.error);
    const plural = waiting === 1 ? "moment" : "moments";
    let text = waiting ? `${waiting} ${plural} waiting to send` : "";
    if (waiting && needsLogin) text += ": log in again to send them";
    else if (waiting && offline) text += ": no network, they will be sent when it is back";
    $(".outbox-count", box).textContent = text;
    $(".outbox-problems", box).replaceChildren(...problems.map(problemItem));
    box.hidden = !waiting && !problems.length;
    box.classList.toggle("offline", offline);
    const refused = new Set(problems.map((op) => op.uuid));
    $$(".saved[data-uuid]").forEach((card) => updateCard(card, refused));
    return waiting;
  }
  function problemItem(op) {
    const li = document.createElement("li");
    li.textContent = `Not saved: ${op.summary || "a moment"}. ${op.error} `;
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button quiet";
    discard.textContent = "Discard";
    discard.onclick = () => outbox.remove(op.seq).then(render);
    li.append(discard);
    return li;
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
        `${waiting} ${waiting === 1 ? "moment is" : "moments are"} still waiting to send.`;
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
  if (form) form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const pristine = !data.get("touchpoint_type") && !data.get("outcome");
    if (pristine && Date.now() - lastSave < 1500) return; // the second tap of a double tap
    if (!form.reportValidity()) return;
    lastSave = Date.now();
    data.set("occurred_at", tabletNow());
    const uuid = data.get("uuid");
    const summary = `${checkedText("touchpoint_type")}, ${checkedText("outcome").toLowerCase()}`;
    try {
      await outbox.add({ kind: "save", uuid, summary, body: new URLSearchParams(data).toString() });
    } catch {
      return form.submit(); // no IndexedDB here (a private window?): a plain post still works
    }
    showSaved(uuid, summary);
    resetForm();
    flush();
  });
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
    form.elements.uuid.value = newUuid();
    touched = {};
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
    $(".handover-button", card).onclick = () => handOver(card);
    $(".undo-button", card).onclick = () => undo(card);
    $("#saved-area").replaceChildren(card);
    let left = Number(form.dataset.undoSeconds);
    const tick = () => {
      const button = $(".undo-button", card);
      if (!button) return; // undone, or the customer was asked
      $(".undo-count", button).textContent = `(${left} s)`;
      if (left-- <= 0) button.remove();
      else setTimeout(tick, 1000);
    };
    tick();
    updateCard(card);
  }
  function markSent(uuid) {
    sent.add(uuid);
    const card = $(`.saved[data-uuid="${uuid}"]`);
    if (card) updateCard(card);
  }
  function updateCard(card, refused = new Set()) {
    const isSent = sent.has(card.dataset.uuid);
    const button = $(".handover-button", card);
    if (!button || card.classList.contains("undone")) return;
    button.disabled = !isSent;
    const state = refused.has(card.dataset.uuid) ? "Not saved, see the reason above"
      : isSent ? "Saved" : "Saved on this tablet, waiting to send";
    $(".saved-state", card).textContent = state;
    card.classList.toggle("refused", refused.has(card.dataset.uuid));
  }
  function handOver(card) {
    $(".undo-button", card)?.remove(); // once the customer is asked, the moment stays
    const url = form.dataset.inviteUrl.replace(ZERO, card.dataset.uuid);
    const slot = $(".handover-slot", card);
    if (window.htmx) htmx.ajax("POST", url, { target: slot, swap: "innerHTML" });
    $(".handover-button", card).remove();
  }
  async function undo(card) {
    const uuid = card.dataset.uuid;
    card.classList.add("undone");
    $(".saved-title", card).textContent = "Undone: this moment will not be kept.";
    $(".saved-actions", card).remove();
    const queued = (await outbox.mine()).find((op) => op.kind === "save" && op.uuid === uuid);
    if (queued && !inFlight.has(uuid) && !sent.has(uuid) && !queued.attempted) {
      await outbox.remove(queued.seq);
    } else {
      await outbox.add({ kind: "undo", uuid, body: `requested_at=${encodeURIComponent(tabletNow())}` });
    }
    render();
    flush();
  }
  function undoRefused(uuid, message) {
    const card = $(`.saved[data-uuid="${uuid}"]`) || $("#saved-area");
    const p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    card.append(p);
  }

  // ---- Picking a type sets its usual channel and resolved state, and its extra fields. ----
  function typeChanged() {
    const tile = $('input[name="touchpoint_type"]:checked', form);
    const allowed = tile ? tile.dataset.channels.split(" ") : null;
    $$(".chip[data-channel]", form).forEach((chip) => {
      chip.hidden = !!allowed && !allowed.includes(chip.dataset.channel);
    });
    if (tile && !touched.channel) form.elements.channel.value = tile.dataset.channel;
    if (tile && !touched.resolved) form.elements.resolved_on_spot.checked = tile.dataset.resolved === "1";
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
    if (name === "resolved_on_spot") touched.resolved = true;
  });

  window.addEventListener("online", () => { offline = false; flush(); });
  window.addEventListener("offline", () => { offline = true; render(); });
  setInterval(flush, 15000);
  if (form) {
    form.elements.uuid.value = form.elements.uuid.value || newUuid();
    typeChanged();
  }
  flush();
  document.documentElement.dataset.outbox = "ready"; // taps from here on are queued
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(box.dataset.sw).catch(() => {});
})();
