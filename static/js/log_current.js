// The log screen stays current while it is open all shift: its tiles follow the admin's
// changes without a reload, a moment refused because its type was archived comes back to the
// form asking only for another type, and a long banner opens on a tap. Beside log.js, which
// it uses through window.momentsLog; the state it shares is in the form's data attributes.
(() => {
  "use strict";
  const w = window;
  const gettext = w.gettext || ((s) => s);
  const say = (s, o) => (w.interpolate ? interpolate(s, o, true) : s.replace(/%\((\w+)\)s/g, (_, k) => o[k]));
  const form = document.querySelector("form.log-form");
  const log = w.momentsLog;
  if (!form || !log) return;
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const TYPE_UNAVAILABLE = "type_unavailable"; // the server's code (touchpoints/views.py)
  const logUrl = form.getAttribute("action");

  // ---- The tiles follow the admin's changes. ----
  // The navigation's poll names the types' version (feedback.views.badges); tiles of another
  // version are fetched and swapped in, keeping what the person has chosen and typed. A page
  // opened from the offline copy catches up at its first poll with a network.
  let refreshing = null;
  document.addEventListener("typesVersion", (event) => {
    if (event.detail?.value !== $("#type-tiles")?.dataset.typesVersion) refresh();
  });
  function refresh() {
    refreshing ||= swap().catch(() => {}).finally(() => { refreshing = null; });
    return refreshing;
  }
  async function swap() {
    const response = await fetch(`${logUrl}?part=types`, {
      credentials: "same-origin", redirect: "manual", headers: { "HX-Request": "true" },
    });
    const html = response.ok ? await response.text() : "";
    if (!html.includes('id="type-tiles"') || !w.htmx) return; // signed out, or no network
    const chosen = $("input[name=touchpoint_type]:checked", form);
    const chosenName = log.checkedText("touchpoint_type");
    const extras = $$("#extra-fields [name]", form).map((input) => [input.name, input.value]);
    htmx.swap("#type-tiles", html, { swapStyle: "outerHTML" }); // and the extra fields, out of band
    for (const [name, value] of extras) {
      const input = form.elements[name];
      if (input && !(input instanceof RadioNodeList)) input.value = value;
    }
    const still = chosen && $(`input[name=touchpoint_type][value="${chosen.value}"]`, form);
    if (still) still.checked = true;
    else if (chosen && !form.dataset.fixSeq) {
      message(say(gettext("“%(type)s” is no longer offered: choose another type."), { type: chosenName }));
    }
    log.typeChanged();
    navigator.serviceWorker?.controller?.postMessage("refresh-copy"); // the offline copy too
  }
  function message(text) {
    const p = $(".type-gone", form);
    p.textContent = text;
    p.hidden = !text;
  }

  // ---- A moment refused for its type alone comes back to the form for another type. ----
  // Everything else the person entered is put back; only the type is asked for. Not while
  // they are logging the next one: the outbox's list then offers it ("Choose another type").
  const pristine = () => !$("input[name=touchpoint_type]:checked, input[name=outcome]:checked", form)
    && !form.elements.note.value && !form.elements.customer_ref.value;
  // What goes back into the form: all but the type and what the save itself sets.
  const PUT_BACK = /^(channel|outcome|note|customer_ref|extra_.+)$/;
  async function retype(op, { asked = false } = {}) {
    if (form.dataset.fixSeq || !pristine()) {
      if (asked) message(gettext("Save the moment you are logging first: this one comes back to the form after it."));
      return;
    }
    form.dataset.fixSeq = op.seq;
    const data = new URLSearchParams(op.body);
    form.dataset.fixOccurredAt = data.get("occurred_at") || "";
    $(`.saved[data-uuid="${op.uuid}"]`)?.remove();
    log.render();
    await refresh();
    if (form.dataset.fixSeq !== String(op.seq)) return; // discarded meanwhile
    for (const [name, value] of data) {
      if (!PUT_BACK.test(name)) continue;
      for (const input of $$(`[name="${CSS.escape(name)}"]`, form)) {
        if (input.type === "radio") input.checked = input.value === value;
        else input.value = value;
      }
    }
    log.touched().channel = true;
    log.typeChanged();
    if (data.get("note")) $("details.more", form).open = true;
    const resolution = data.get("resolved_on_spot");
    $$("button.save", form).forEach((b) => b.classList.toggle("chosen", b.value === resolution));
    const type = op.summary ? op.summary.slice(0, op.summary.lastIndexOf(", ")) : "";
    message(say(gettext("Not saved: “%(type)s” is no longer offered. Choose another type and " +
      "save again: everything else you entered is still here."), { type }));
    w.scrollTo({ top: 0, behavior: "smooth" });
  }
  async function retypeNext() {
    const next = (await log.outbox.mine()).find((op) => op.code === TYPE_UNAVAILABLE);
    if (next) retype(next);
  }
  document.addEventListener("moments:type-refused", (event) => retype(event.detail));
  document.addEventListener("moments:retype", (event) => retype(event.detail, { asked: true }));
  document.addEventListener("moments:retype-next", retypeNext);
  document.addEventListener("moments:reset", () => {
    message("");
    $$("button.save", form).forEach((b) => b.classList.remove("chosen"));
  });
  if (log.flushed) retypeNext(); // log.js's first send was over before this script ran

  // ---- After asking the customer: the QR code goes at the next moment, or on Close. ----
  form.addEventListener("change", () => {
    $$(".saved.asked").forEach((card) => {
      card.classList.remove("asked");
      $(".handover-slot", card).replaceChildren();
    });
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest(".close-card")) event.target.closest(".saved").remove();
  });

  // ---- Banners: a long one is cut to two lines, and opens whole on a tap. ----
  $$(".banner-text").forEach((text) => {
    if (text.scrollHeight <= text.clientHeight + 1) return;
    const toggle = document.createElement("button");
    Object.assign(toggle, { type: "button", className: "button quiet banner-more", title: gettext("Show all") });
    toggle.setAttribute("aria-label", gettext("Show all"));
    toggle.setAttribute("aria-expanded", "false");
    toggle.append($(".banner-more-icon").content.firstElementChild.cloneNode(true));
    toggle.onclick = () => toggle.setAttribute("aria-expanded", String(text.classList.toggle("whole")));
    text.after(toggle);
  });
})();
