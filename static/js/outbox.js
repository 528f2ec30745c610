// The tablet's outbox: an IndexedDB store of the operations (saves, undos) waiting to send,
// each sealed for the person who queued it (docs/security.md, "Nothing left on the tablet").
//
// A record holds its kind, its UUID (random: it says nothing), an opaque label of its author
// and the sealed rest (AES-GCM, under a key only the author's pages are given). A page opens
// its own person's operations, in memory only; another person's stay sealed. Used by log.js.
"use strict";
window.momentsOutbox = ({ user, author, queueKey }) => {
  const NONCE_BYTES = 12;
  const bytesOf = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const textOf = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
  // The label is bound in: a seal moved under another person's label never opens.
  const sealing = { name: "AES-GCM", additionalData: new TextEncoder().encode(author || "") };
  const key = (async () => { // no WebCrypto (not HTTPS?): nothing is queued, saves post plainly
    if (!queueKey || !window.crypto?.subtle) throw new Error("no sealing on this page");
    return crypto.subtle.importKey("raw", bytesOf(queueKey), "AES-GCM", false, ["encrypt", "decrypt"]);
  })();
  key.catch(() => {});

  async function seal(content) {
    const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    const plain = new TextEncoder().encode(JSON.stringify(content));
    const cipher = new Uint8Array(await crypto.subtle.encrypt({ ...sealing, iv }, await key, plain));
    const out = new Uint8Array(NONCE_BYTES + cipher.length);
    out.set(iv);
    out.set(cipher, NONCE_BYTES);
    return textOf(out);
  }
  async function unseal(text) {
    const bytes = bytesOf(text);
    const iv = bytes.slice(0, NONCE_BYTES);
    const plain = await crypto.subtle.decrypt({ ...sealing, iv }, await key, bytes.slice(NONCE_BYTES));
    return JSON.parse(new TextDecoder().decode(plain));
  }

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
  const toRecord = async ({ body, summary, ...op }) => {
    delete op.user; // a record from before sealing named its author in plain text
    return { ...op, author, sealed: await seal({ body, summary }) };
  };
  const isMine = (record) => record.author === author || (!record.sealed && record.user === user);

  // This person's operations among `records`, opened: { ...record, body, summary }.
  async function open(records) {
    const opened = await Promise.all(records.filter(isMine).map(async (record) => {
      if (!record.sealed) return record; // queued before sealing: sealed at its next put
      try { return { ...record, ...(await unseal(record.sealed)) }; } catch { return null; }
    }));
    return opened.filter(Boolean);
  }
  const outbox = {
    open,
    add: async (op) => {
      const record = await toRecord({ ...op, queuedAt: Date.now() });
      return store("readwrite", (s) => s.add(record));
    },
    put: async (op) => { // an opened operation is sealed again; another's is kept as it is
      const record = "body" in op ? await toRecord(op) : op;
      return store("readwrite", (s) => s.put(record));
    },
    remove: (seq) => store("readwrite", (s) => s.delete(seq)),
    all: () => store("readonly", (s) => s.getAll()),
    mine: async () => open(await outbox.all()),
    sealLegacy: async () => { // a queue written before sealing: this person's is sealed now
      await key;
      for (const record of await outbox.all()) {
        if (!record.sealed && record.user === user) await outbox.put(record);
      }
    },
  };
  return outbox;
};
