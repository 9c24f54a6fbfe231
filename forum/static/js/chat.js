// Live chat on top of the server-rendered room: the page works without this file.
(function () {
  "use strict";
  var section = document.getElementById("chat");
  if (!section || typeof io === "undefined") return;

  var room = section.dataset.room;
  var me = Number(section.dataset.me);
  var list = document.getElementById("chat-messages");
  var form = document.getElementById("chat-form");
  var textarea = form.querySelector("textarea");
  var errorBox = document.getElementById("chat-error");
  var typingBox = document.getElementById("chat-typing");
  var viewersBox = document.getElementById("chat-viewers");
  var statusBox = document.getElementById("chat-status");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var typingTimer = null;
  var lastTyping = 0;

  function text(name, values) {
    var template = section.dataset[name] || "";
    Object.keys(values || {}).forEach(function (key) { template = template.replace("{" + key + "}", values[key]); });
    return template;
  }

  // The newest id we hold: a reconnection asks for what came after it, so nothing is missed or repeated.
  function lastId() {
    var items = list.querySelectorAll("li[data-id]");
    return items.length ? Number(items[items.length - 1].dataset.id) : 0;
  }

  function actionForm(message) {
    var action = message.author_id === me ? "delete" : "report";
    var formEl = document.createElement("form");
    formEl.method = "post";
    formEl.className = "inline chat-action";
    formEl.action = "/chat/messages/" + message.id + "/" + action;
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "csrf_token"; token.value = csrf;
    var button = document.createElement("button");
    button.type = "submit"; button.className = "secondary outline";
    button.textContent = form.dataset[action] || action;
    formEl.append(token, button);
    return formEl;
  }

  function render(message) {
    var item = document.createElement("li");
    item.id = "m" + message.id;
    item.dataset.id = message.id;
    item.className = "chat-message" + (message.deleted || message.hidden ? " removed" : "");
    var meta = document.createElement("span");
    meta.className = "meta";
    var author = document.createElement("a");
    author.className = "author";
    author.href = "/members/" + message.author_id;
    author.textContent = message.author;
    var time = document.createElement("time");
    time.dateTime = message.created_at;
    time.textContent = " " + new Date(message.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    meta.append(author, time);
    if (message.edited_at) meta.append(" · " + text("textEdited"));
    item.append(meta);
    if (message.deleted || message.hidden) {
      var note = document.createElement("p");
      note.className = "removed-note";
      note.textContent = text(message.deleted ? "textDeleted" : "textHidden");
      item.append(note);
    } else {
      var body = document.createElement("div");
      body.className = "chat-body";
      body.innerHTML = message.body_html; // sanitized on the server (Markdown subset, no HTML)
      item.append(body);
      if (message.author_id === me) {
        var edit = document.createElement("a");
        edit.className = "chat-action chat-edit";
        edit.href = "/chat/messages/" + message.id + "/edit";
        edit.textContent = form.dataset.edit;
        item.append(edit, " ");
      }
      item.append(actionForm(message));
    }
    return item;
  }

  // Insert in id order, replacing an earlier version of the same message (edits, deletions).
  function upsert(message) {
    if (message.room !== room) return;
    var fresh = render(message);
    var existing = document.getElementById("m" + message.id);
    if (existing) { existing.replaceWith(fresh); return; }
    var empty = list.querySelector(".chat-empty");
    if (empty) empty.remove();
    var after = null;
    list.querySelectorAll("li[data-id]").forEach(function (li) { if (Number(li.dataset.id) > message.id && !after) after = li; });
    list.insertBefore(fresh, after);
    list.scrollTop = list.scrollHeight;
    if (!document.hidden) socket.emit("read", { room: room, id: message.id });
  }

  var socket = io("/chat", { transports: ["websocket", "polling"] });

  socket.on("connect", function () {
    statusBox.textContent = "";
    var after = lastId();
    socket.emit("join", after ? { room: room, after: after } : { room: room }, function (ack) {
      if (!ack || ack.error) { errorBox.textContent = ack ? ack.error.message : ""; return; }
      ack.history.forEach(upsert);
      viewersBox.textContent = text("textViewers", { count: ack.viewers });
    });
  });
  socket.on("disconnect", function () { statusBox.textContent = text("textOffline"); });
  socket.on("connect_error", function (err) { statusBox.textContent = err.message; });
  socket.on("message", upsert);
  socket.on("error", function (error) { errorBox.textContent = error.message; });
  socket.on("presence", function (event) {
    if (event.room === room) viewersBox.textContent = text("textViewers", { count: event.viewers });
  });
  socket.on("typing", function (event) {
    if (event.room !== room) return;
    typingBox.textContent = text("textTyping", { user: event.user });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingBox.textContent = ""; }, 3000);
  });

  // Questions to colleagues online now: shown as they come, removed once a colleague took them.
  var questions = document.getElementById("chat-questions");
  socket.on("notification", function (notice) {
    if (notice.kind === "question" && questions && !questions.querySelector("[data-question='" + notice.question_id + "']")) {
      var item = document.createElement("li");
      item.dataset.question = notice.question_id;
      item.textContent = notice.author + " : " + notice.body + " ";
      var accept = document.createElement("form");
      accept.method = "post"; accept.className = "inline chat-action";
      accept.action = "/chat/questions/" + notice.question_id + "/accept";
      var token = document.createElement("input");
      token.type = "hidden"; token.name = "csrf_token"; token.value = csrf;
      var button = document.createElement("button");
      button.type = "submit"; button.textContent = questions.dataset.accept;
      accept.append(token, button);
      item.append(accept);
      questions.prepend(item);
    } else if (notice.kind === "question_taken" && questions) {
      var taken = questions.querySelector("[data-question='" + notice.question_id + "']");
      if (taken) taken.remove();
    } else if (notice.kind === "question_accepted") {
      window.location.assign("/chat/rooms/" + notice.room);
    }
  });

  form.addEventListener("submit", function (event) {
    if (!socket.connected) return; // the page posts the form the classic way
    event.preventDefault();
    var body = textarea.value;
    if (!body.trim()) return;
    errorBox.textContent = "";
    socket.emit("send", { room: room, body: body }, function (ack) {
      if (ack && ack.error) { errorBox.textContent = ack.error.message; return; }
      textarea.value = "";
    });
  });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); return; }
    var now = Date.now();
    if (now - lastTyping > 2000) { lastTyping = now; socket.emit("typing", { room: room }); }
  });
  document.addEventListener("visibilitychange", function () {
    socket.emit("presence", { status: document.hidden ? "away" : "online" });
    if (!document.hidden && lastId()) socket.emit("read", { room: room, id: lastId() });
  });
})();
