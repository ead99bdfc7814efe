// The demo page: long-polls /api/stand and renders each chat; typing, buttons and the menu post
// to the demo server, which hands them to the bot as Telegram updates.
"use strict";
(function () {
  const T = window.DEMO_TEXTS;
  let version = -1;
  let shownNotices = {};
  const drawn = {};

  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then((r) => r.json().then((data) => ({ status: r.status, data })));
  }

  function toast(section, text, alert) {
    const box = section.querySelector(".toast");
    box.textContent = text;
    box.classList.toggle("alert", !!alert);
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(() => { box.hidden = true; }, alert ? 6000 : 3500);
  }

  function bubble(chat, m) {
    const li = document.createElement("li");
    const div = document.createElement("div");
    div.className = "bubble " + (m.bot ? "bot" : "me");
    div.dataset.message = m.id;
    let body = "";
    if (m.kind === "photo" && m.file) {
      body += '<a href="' + m.file + '" target="_blank" rel="noopener"><img alt="" src="' + m.file + '"></a>';
    }
    if (m.kind === "document" && m.file) {
      body += '<a class="doc" href="' + m.file + '" download>📄 ' + escapeText(m.filename || T.download) + "</a>";
    }
    div.innerHTML = body + '<span class="text">' + m.html + "</span>";
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (m.edited ? T.edited + " " : "") + m.time;
    div.appendChild(meta);
    li.appendChild(div);
    if (m.buttons.length) {
      const kb = document.createElement("div");
      kb.className = "keyboard";
      for (const row of m.buttons) {
        const r = document.createElement("div");
        r.className = "row";
        for (const b of row) {
          const btn = document.createElement("button");
          btn.type = "button";
          btn.textContent = b.text;
          btn.addEventListener("click", () => press(chat, m.id, b.data));
          r.appendChild(btn);
        }
        kb.appendChild(r);
      }
      li.appendChild(kb);
    }
    return li;
  }

  function escapeText(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function render(state) {
    document.getElementById("clock").textContent = state.clock;
    for (const section of document.querySelectorAll(".chat")) {
      const chat = section.dataset.chat;
      const messages = state.chats[chat] || [];
      const key = JSON.stringify(messages);
      if (drawn[chat] !== key) {
        drawn[chat] = key;
        const list = section.querySelector(".messages");
        const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
        list.innerHTML = "";
        if (!messages.length) {
          const li = document.createElement("li");
          li.className = "empty";
          li.textContent = T.empty;
          list.appendChild(li);
        }
        let day = null;
        for (const m of messages) {
          if (m.day !== day) {
            day = m.day;
            const sep = document.createElement("li");
            sep.className = "day";
            sep.innerHTML = "<span></span>";
            sep.firstChild.textContent = day;
            list.appendChild(sep);
          }
          list.appendChild(bubble(chat, m));
        }
        if (atBottom || list.dataset.follow !== "no") {
          list.scrollTop = list.scrollHeight;
          for (const img of list.querySelectorAll("img")) {  // a picture grows the list once loaded
            img.addEventListener("load", () => { list.scrollTop = list.scrollHeight; }, { once: true });
          }
        }
      }
      renderMenu(section, state.menus[chat] || []);
      const notices = state.notices[chat] || [];
      if (!(chat in shownNotices)) {  // on opening the page: only what comes from now on
        shownNotices[chat] = notices.length ? notices[notices.length - 1].n : -1;
        continue;
      }
      for (const n of notices) {
        if (n.n > shownNotices[chat]) { toast(section, n.text, n.alert); shownNotices[chat] = n.n; }
      }
    }
  }

  function renderMenu(section, commands) {
    const menu = section.querySelector(".menu");
    const key = JSON.stringify(commands);
    if (menu.dataset.key === key) return;
    menu.dataset.key = key;
    menu.innerHTML = "";
    for (const c of commands) {
      const b = document.createElement("button");
      b.type = "button";
      b.innerHTML = "<b></b> <span></span>";
      b.firstChild.textContent = "/" + c.command;
      b.lastChild.textContent = "– " + c.description;
      b.addEventListener("click", () => { menu.hidden = true; send(section, "/" + c.command); });
      menu.appendChild(b);
    }
  }

  function send(section, text) {
    return post("/api/stuur", { chat: Number(section.dataset.chat), tekst: text }).then((r) => {
      if (r.status !== 200) toast(section, r.data.fout || T.error, false);
    });
  }

  function press(chat, message, data) {
    const section = document.querySelector('.chat[data-chat="' + chat + '"]');
    post("/api/druk", { chat: Number(chat), bericht: message, data: data }).then((r) => {
      if (r.status !== 200) toast(section, r.data.fout || T.gone, false);
    });
  }

  let failures = 0;
  function poll() {
    fetch("/api/stand?versie=" + version)
      .then((r) => r.json())
      .then((state) => { failures = 0; version = state.version; render(state); setTimeout(poll, 30); })
      .catch(() => {
        failures += 1;
        if (failures >= 3) stopped();
        setTimeout(poll, 2000);
      });
  }

  function stopped() {  // the demo process is gone: say so instead of a page that looks alive
    document.getElementById("clock").textContent = T.stopped;
    document.querySelectorAll("button, input").forEach((el) => { el.disabled = true; });
  }

  for (const section of document.querySelectorAll(".chat")) {
    const form = section.querySelector(".compose");
    const input = form.querySelector("input");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      send(section, text);
    });
    section.querySelector(".menu-button").addEventListener("click", (e) => {
      e.stopPropagation();
      const menu = section.querySelector(".menu");
      menu.hidden = !menu.hidden;
    });
  }
  function closeMenus() { document.querySelectorAll(".menu").forEach((m) => { m.hidden = true; }); }
  document.addEventListener("click", (e) => { if (!e.target.closest(".menu")) closeMenus(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeMenus(); });
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", () => {
      const all = document.querySelectorAll("[data-step]");
      all.forEach((b) => { b.disabled = true; });
      document.getElementById("clock").textContent = T.busy;
      post("/api/tijd", { stap: button.dataset.step })
        .then(() => { all.forEach((b) => { b.disabled = false; }); version = -1; })
        .catch(stopped);
    });
  }
  poll();
})();
