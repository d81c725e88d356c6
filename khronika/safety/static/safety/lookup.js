// The private lookup (docs/safety-registry.md). What is typed never leaves the browser: it is
// normalized with the server's own rules (given in #lookup-config), hashed with PBKDF2-HMAC-SHA256
// under each published lookup key, and only the first 20 bits (five hex digits) of each hash are sent.
// The server answers with every confirmed suffix in that bucket padded with decoys to a constant count;
// the match is made here. Without JavaScript the form posts to the server instead, and the page says so.
"use strict";

(function () {
  const form = document.getElementById("lookup-form");
  const configNode = document.getElementById("lookup-config");
  if (!form || !configNode || !window.crypto || !window.crypto.subtle) {
    return; // no WebCrypto (not a secure context): the form posts, and the page's warning applies
  }
  const config = JSON.parse(configNode.textContent);
  const messages = config.messages;
  const show = (id, visible) => {
    document.getElementById(id).hidden = !visible;
  };
  show("private-note", true);

  function fail(text) {
    const node = document.getElementById("lookup-error");
    node.textContent = text;
    node.hidden = false;
    throw new Error("not normalizable");
  }

  // Mirrors khronika/safety/normalize.py: normalize_handle.
  function normalizeHandle(platform, raw) {
    if (config.phonePlatforms.includes(platform)) fail(messages.phonePlatform);
    const rules = config.platforms[platform];
    if (!rules) fail(messages.platform);
    let text = raw.normalize("NFKC").trim();
    text = text.replace(/^(?:[a-z]+:\/\/)?(?:www\.|m\.)?[a-z0-9.-]+\.[a-z]{2,}\//i, "");
    text = text.split("?")[0].replace(/^\/+|\/+$/g, "");
    text = text.replace(/^@+/, "").toLowerCase();
    const handle = Array.from(text, (ch) => config.confusables[ch] || ch).join("");
    if (!handle) fail(messages.empty);
    if (!new RegExp("^[" + rules.allowed + "]+$").test(handle)) fail(messages.characters);
    if (handle.length < rules.min) fail(messages.short);
    if (handle.length > rules.max) fail(messages.long);
    return handle;
  }

  // The common ways of writing a number, to E.164; the server uses libphonenumber, which gives the same
  // result for every number it accepts written like this.
  function normalizePhone(raw) {
    let text = raw.normalize("NFKC").trim().replace(/\(0\)/g, "").replace(/[\s().\-\u2010-\u2015/]/g, "");
    let digits;
    if (text.startsWith("+")) {
      digits = text.slice(1);
    } else if (text.startsWith("00")) {
      digits = text.slice(2);
    } else if (config.defaultRegion === "RU" && /^[78]\d{10}$/.test(text)) {
      digits = "7" + text.slice(1);
    } else if (config.defaultRegion === "RU" && /^\d{10}$/.test(text)) {
      digits = "7" + text;
    } else {
      fail(messages.phone);
    }
    if (!/^[1-9]\d{7,14}$/.test(digits)) fail(messages.phone);
    return "+" + digits;
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function bytesOf(hexText) {
    return new Uint8Array(hexText.match(/../g).map((pair) => parseInt(pair, 16)));
  }

  async function lookupHash(identifier, key) {
    const material = await crypto.subtle.importKey(
      "raw", new TextEncoder().encode(identifier), "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: bytesOf(key.key), iterations: key.iterations }, material, 256);
    return hex(bits);
  }

  async function listed(identifier) {
    for (const key of config.keys) {
      const digest = await lookupHash(identifier, key);
      const prefix = digest.slice(0, config.prefixHex);
      const response = await fetch(`/warnings/range/${key.id}/${prefix}/`, {
        credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
      });
      if (!response.ok) throw new Error("lookup failed");
      const answer = await response.json();
      if (answer.suffixes.includes(digest.slice(config.prefixHex))) return true;
    }
    return false;
  }

  // Exposed for the benchmark, which times the hash alone in this code path.
  window.khronikaLookupHash = lookupHash;

  form.addEventListener("submit", async (event) => {
    event.preventDefault(); // the identifier must not be posted: that is the whole point
    for (const id of ["lookup-error", "result-found", "result-clean"]) show(id, false);
    const data = new FormData(form);
    const kind = data.get("kind");
    const platform = (data.get("platform") || "").trim().toLowerCase();
    const raw = data.get("identifier") || "";
    let identifier;
    try {
      if (kind === "phone") {
        identifier = "phone:" + normalizePhone(raw);
      } else if (kind === "account") {
        if (!platform) fail(messages.choosePlatform);
        identifier = "account:" + platform + ":" + normalizeHandle(platform, raw);
      } else {
        fail(messages.chooseKind);
      }
    } catch (error) {
      return;
    }
    show("lookup-working", true);
    try {
      show((await listed(identifier)) ? "result-found" : "result-clean", true);
    } catch (error) {
      document.getElementById("lookup-error").textContent = messages.network;
      show("lookup-error", true);
    } finally {
      show("lookup-working", false);
    }
  });
})();
