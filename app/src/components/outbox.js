// The outbox (待发送) of a roll call made with no signal. Submitting the roll-call form puts it
// here (localStorage, so it survives a closed tab) and sends it at once; with no connection it
// stays, shown as 待发送, and is sent when the browser is back online or the next page with the
// outbox opens. The form's key makes a resend record nothing twice. A refused submission (an
// error the server names) comes back to the form with the manager's entries restored.
(function () {
  var K = "tianlian-outbox";
  var box = null;
  var busy = false;
  function load() {
    try { return JSON.parse(localStorage.getItem(K) || "[]"); } catch (e) { return []; }
  }
  function save(q) {
    try { localStorage.setItem(K, JSON.stringify(q)); } catch (e) {}
  }
  function show() {
    var q = load();
    if (!box) return;
    box.hidden = !q.length;
    box.textContent = q.length
      ? "待发送：" + q.map(function (x) { return "点名单 " + x.label; }).join("、") +
        "。没有网络，已保存在手机上，恢复网络后会自动发送。"
      : "";
  }
  function draftKey(shift) { return "tianlian-draft-" + shift; }
  function send() {
    var q = load();
    show();
    if (busy || !q.length || navigator.onLine === false) return;
    busy = true;
    var it = q[0];
    fetch(it.action, {
      method: "POST",
      body: it.body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
    }).then(function (r) {
      busy = false;
      var path = new URL(r.url).pathname;
      if (!r.ok || path === "/login") { show(); return; }
      save(load().filter(function (x) { return x.key !== it.key; }));
      if (r.url.indexOf("error=") < 0) sessionStorage.removeItem(draftKey(it.shift));
      location.href = r.url;
    }).catch(function () { busy = false; show(); });
  }
  function init() {
    box = document.getElementById("outbox");
    var form = document.getElementById("roll-call");
    if (form) watch(form);
    addEventListener("online", send);
    send();
  }
  function watch(form) {
    var shift = form.getAttribute("data-shift");
    var draft = sessionStorage.getItem(draftKey(shift));
    if (draft && location.search.indexOf("error=") >= 0) {
      var was = new URLSearchParams(draft);
      Array.prototype.forEach.call(form.elements, function (e) {
        if (!e.name || e.name === "key" || e.type === "hidden") return;
        if (e.type === "checkbox") e.checked = was.has(e.name);
        else if (was.has(e.name)) e.value = was.get(e.name);
      });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = new URLSearchParams(new FormData(form)).toString();
      var key = form.elements.key.value;
      var q = load().filter(function (x) { return x.key !== key; });
      q.push({ key: key, shift: shift, action: form.action, label: form.getAttribute("data-label"), body: body });
      save(q);
      sessionStorage.setItem(draftKey(shift), body);
      send();
    });
  }
  // The script sits above the form in the page: wait for the rest of the page first.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
