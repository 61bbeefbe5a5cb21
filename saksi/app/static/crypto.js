// Canonical JSON (RFC 8785), Ed25519 statements and photo uploads, and the device key,
// with WebCrypto only.
//
// A statement's entry is JCS({key, sig, stmt, v: 1}) where sig is Ed25519 over
// "saksi/statement/v1\n" + JCS(stmt) (docs/format.md). Saksi's statements hold only
// strings, whole numbers, lists and objects, for which JCS is: members sorted by
// UTF-16 code units, no whitespace, strings as ECMAScript's JSON.stringify writes
// them, integers in decimal. A photo upload is signed over "saksi/photo/v1\n" +
// election + "\n" + the photo's SHA-256 (hex) + "\n".

const DOMAIN = "saksi/statement/v1\n";
const PHOTO_DOMAIN = "saksi/photo/v1\n";
const PBKDF2_ROUNDS = 600000;
const enc = new TextEncoder();

export function canonicalize(value) {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`not a whole number: ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(",")}]`;
  if (typeof value === "object") {
    const names = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${names.map((k) => `${JSON.stringify(k)}:${canonicalize(value[k])}`).join(",")}}`;
  }
  throw new Error(`cannot encode ${typeof value}`);
}

export function utf8(text) {
  return enc.encode(text);
}

export function b64(bytes) {
  let text = "";
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text);
}

export function unb64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function hex(bytes) {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function unhex(text) {
  return Uint8Array.from(text.match(/../g) || [], (h) => parseInt(h, 16));
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** RFC 6962 leaf hash of an entry: SHA-256(0x00 || entry). */
export async function leafHash(entryBytes) {
  const data = new Uint8Array(entryBytes.length + 1);
  data.set(entryBytes, 1);
  return sha256(data);
}

/** A statement time: the device clock, UTC, to the second (YYYY-MM-DDTHH:MM:SSZ). */
export function now() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function publicKeyOf(pair) {
  return b64(await crypto.subtle.exportKey("raw", pair.publicKey));
}

/**
 * Sign ``stmt`` with the device key: the entry's exact bytes, its text and leaf hash.
 * ``pair`` is {privateKey, publicKey} (CryptoKeys).
 */
export async function signStatement(stmt, pair) {
  const message = utf8(DOMAIN + canonicalize(stmt));
  const sig = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, message);
  const text = canonicalize({ key: await publicKeyOf(pair), sig: b64(sig), stmt, v: 1 });
  const bytes = utf8(text);
  return { text, leaf: hex(await leafHash(bytes)) };
}

/** The headers of a photo upload (saksi/photo/v1): the device's key and its signature
 * over the election and the photo's SHA-256 (hex). */
export async function signPhoto(sha, election, pair) {
  const message = utf8(`${PHOTO_DOMAIN}${election}\n${sha}\n`);
  const sig = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, message);
  return { "Saksi-Key": await publicKeyOf(pair), "Saksi-Signature": b64(sig) };
}

// --- the device key: made here, never sent; kept non-extractable, backed up encrypted ---

async function passphraseKey(passphrase, salt, usage) {
  const base = await crypto.subtle.importKey("raw", utf8(passphrase), "PBKDF2", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: PBKDF2_ROUNDS },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

async function importPrivate(pkcs8) {
  return crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
}

/**
 * A new Ed25519 key. It is generated extractable only long enough to encrypt its
 * PKCS#8 form under ``passphrase`` (PBKDF2-SHA-256, AES-256-GCM) for the backup file;
 * the key kept for signing is re-imported non-extractable. Returns {pair, backup}.
 */
export async function makeKey(passphrase) {
  const made = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", made.privateKey));
  const publicKey = await publicKeyOf(made);
  const backup = await sealBackup(pkcs8, publicKey, passphrase);
  const pair = { privateKey: await importPrivate(pkcs8), publicKey: made.publicKey };
  pkcs8.fill(0);
  return { pair, backup };
}

async function sealBackup(pkcs8, publicKey, passphrase) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await passphraseKey(passphrase, salt, "encrypt");
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8(publicKey) }, key, pkcs8);
  return {
    format: "saksi-app-key-backup/v1",
    public_key: publicKey,
    kdf: { name: "PBKDF2-SHA-256", iterations: PBKDF2_ROUNDS, salt: b64(salt) },
    cipher: { name: "AES-256-GCM", iv: b64(iv) },
    sealed: b64(sealed),
  };
}

/** The key pair in a backup file; throws "bad-passphrase" or "bad-backup". */
export async function openBackup(backup, passphrase) {
  if (!backup || backup.format !== "saksi-app-key-backup/v1") throw new Error("bad-backup");
  const key = await passphraseKey(passphrase, unb64(backup.kdf.salt), "decrypt");
  let pkcs8;
  try {
    pkcs8 = new Uint8Array(await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(backup.cipher.iv), additionalData: utf8(backup.public_key) },
      key, unb64(backup.sealed)));
  } catch {
    throw new Error("bad-passphrase");
  }
  const publicKey = await crypto.subtle.importKey(
    "raw", unb64(backup.public_key), { name: "Ed25519" }, true, ["verify"]);
  const pair = { privateKey: await importPrivate(pkcs8), publicKey };
  pkcs8.fill(0);
  const probe = utf8("saksi/app/backup-check");
  const sig = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, probe);
  if (!(await crypto.subtle.verify({ name: "Ed25519" }, publicKey, sig, probe))) {
    throw new Error("bad-backup");
  }
  return pair;
}

/** A key pair from a known 32-byte seed (tests and the worked example only). */
export async function keyFromSeed(seed) {
  const prefix = unhex("302e020100300506032b657004220420");
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(prefix);
  pkcs8.set(seed, 16);
  const made = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", made);
  const raw = unb64(jwk.x.replace(/-/g, "+").replace(/_/g, "/") + "=");
  const publicKey = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, true, [
    "verify",
  ]);
  return { privateKey: made, publicKey };
}
