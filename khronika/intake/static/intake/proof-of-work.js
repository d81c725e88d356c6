/* Optional proof of work for the report form (khronika/intake/proof_of_work.py).
   Only with JavaScript on: the form works the same without it. While the person writes, the browser
   looks for a nonce such that SHA-256(challenge ":" nonce) starts with the required zero bits; a
   report carrying one still gets through when a flood has used up the plain per-minute cap. */
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    return;
  }
  var challenge = form.querySelector("input[name=pow_challenge]").value;
  var nonceField = form.querySelector("input[name=pow_nonce]");
  var bits = parseInt(form.getAttribute("data-pow-bits"), 10) || 16;
  var encoder = new TextEncoder();
  var submitting = false;

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      return count + Math.clz32(bytes[i]) - 24;
    }
    return count;
  }

  var solution = (async function () {
    for (var nonce = 0; ; nonce++) {
      var digest = await window.crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (zeroBits(new Uint8Array(digest)) >= bits) {
        return String(nonce);
      }
    }
  })();

  form.addEventListener("submit", function (event) {
    if (nonceField.value) {
      return;
    }
    event.preventDefault();
    if (submitting) {
      return;
    }
    submitting = true;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = button.getAttribute("data-working");
    solution.then(function (nonce) {
      nonceField.value = nonce;
      form.submit();
    });
  });
})();
