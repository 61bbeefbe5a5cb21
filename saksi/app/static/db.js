// The app's storage on the device (IndexedDB): the key, its backup, the outbox, the
// receipts and the photos waiting to be uploaded. Nothing here leaves the device
// except what the outbox sends (signed entries and photos).

const NAME = "saksi-app";
const VERSION = 1;
const STORES = { kv: null, outbox: "leaf", receipts: "leaf", photos: "sha256" };
let opened = null;

function open() {
  if (opened) return opened;
  opened = new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => {
      for (const [store, keyPath] of Object.entries(STORES)) {
        if (!request.result.objectStoreNames.contains(store)) {
          request.result.createObjectStore(store, keyPath ? { keyPath } : undefined);
        }
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function run(store, mode, action) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const request = action(tx.objectStore(store));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const get = (store, key) => run(store, "readonly", (s) => s.get(key));
export const all = (store) => run(store, "readonly", (s) => s.getAll());
export const del = (store, key) => run(store, "readwrite", (s) => s.delete(key));
export function put(store, value, key) {
  return run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
}

/** Add ``value`` unless its key is already there; true when added. */
export async function addOnce(store, value) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, "readwrite");
    const s = tx.objectStore(store);
    let added = false;
    const found = s.getKey(value[s.keyPath]);
    found.onsuccess = () => {
      if (found.result === undefined) {
        s.add(value);
        added = true;
      }
    };
    tx.oncomplete = () => resolve(added);
    tx.onerror = () => reject(tx.error);
  });
}
